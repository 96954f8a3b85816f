// Utility of pooled Boltzmann machine training on blocks-in-noise, clear text or DP (two parties in the in-process harness); see docs/experiments/boltzmann.md.
using System.Diagnostics;
using Mpc.Boltzmann;
using Mpc.Runtime.Harness;
// args: rows model hidden epochs lr batch ftEpochs ftLr epsilon(0=clear) clip chains
int n = int.Parse(args[0]); string model = args[1]; var hidden = args[2].Split(',').Select(int.Parse).ToArray();
int epochs = int.Parse(args[3]); double lr = double.Parse(args[4]); int batch = int.Parse(args[5]); int ft = int.Parse(args[6]); double ftlr = double.Parse(args[7]);
double eps = double.Parse(args[8]); double clip = double.Parse(args[9]); int chains = args.Length > 10 ? int.Parse(args[10]) : 50;
int vars = int.Parse(Environment.GetEnvironmentVariable("VARS") ?? "50"); int bl = int.Parse(Environment.GetEnvironmentVariable("BL") ?? "5"); int nb = int.Parse(Environment.GetEnvironmentVariable("NB") ?? "5");
var (rows, _) = BlocksInNoise.Generate(n, vars, new Random(1), blockLength: bl, blocks: nb);
var kind = model == "rbm" ? ModelKind.Rbm : ModelKind.Dbm;
var layers = hidden.Select(h => new LayerSettings(h, epochs, lr, batch, Chains: chains)).ToList();
var settings = new TrainingSettings { Seed = int.Parse(Environment.GetEnvironmentVariable("SEED") ?? "1"), MonitorEvery = 0, FineTuningEpochs = ft, FineTuningLearningRate = ftlr, FineTuningBatchSize = batch, Epsilon = eps > 0 ? eps : null, ClipNorm = clip };
var w = Stopwatch.StartNew();
TrainedModel m;
if (eps > 0)
{
    var res = await LocalHarness.RunAsync<UInt128, TrainedModel>(2, rt => PooledTraining.TrainAsync(kind, rt.PartyIndex == 0 ? rows[..(n/2)] : rows[(n/2)..], VisibleKind.Bernoulli, null, layers, settings,
        new PrivateStatisticsPool<UInt128>(rt, "s", eps, 1e-5, 1)), new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
    m = res[0];
}
else m = await PooledTraining.TrainAsync(kind, rows, VisibleKind.Bernoulli, null, layers, settings, new LocalStatisticsPool());
var syn = GibbsSampling.Sample(m, 500, 200, new Random(2));
var per = Enumerable.Range(0, nb).Select(b => syn.Count(r => r.Skip(bl * b).Take(bl).All(v => v == 1))).ToArray();
Console.WriteLine($"{string.Join(" ", args)} | blocks {string.Join(",", per)} | LOR {SyntheticDataEvaluation.LogOddsRatioError(rows, syn):F3} | L1-2 {SyntheticDataEvaluation.Marginals(rows, syn, 2, 200).MeanL1:F3} | {w.Elapsed.TotalSeconds:F1}s");
