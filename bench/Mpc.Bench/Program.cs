using Mpc.Bench;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

// Usage: dotnet run -c Release --project bench/Mpc.Bench [-- [--repetitions N] [--suite runtime|ot|tls|km|lr|bm|bm-paper|wan|lr-rounds|lr-scale|fixed-mult|hm-parties|triples|sort|stats|first|all|logrank|dp-utility|boltzmann-experiment|sampler] [--count N] [--parties 2,5,20] [--latencies 0,10,50] [--fit-rows 100000] [--iterations 4] [--link-iterations 9] [--engines replicated,ot|none]]
Mpc.Cli.HostThreadPool.Configure();
int repetitions = 5;
string suite = "all";
int count = 1_000_000;
int[] bmParties = [2, 5];
bool partiesGiven = false;
double[] latencies = [0, 10, 50];
int fitRows = 100_000;
int fitIterations = 4;
int linkIterations = 9;
string[] linkEngines = ["replicated", "ot"];
bool enginesGiven = false;
double[]? fitLatencies = null;
int[] dpRows = [500, 5000, 20000];
double[] dpEpsilons = [1, 3, 5, 10];
var dp = new DpUtilityOptions(Mpc.Boltzmann.DpSchedule.Hidden, Mpc.Boltzmann.DpSchedule.BatchSize, Mpc.Boltzmann.DpSchedule.Epochs, Mpc.Boltzmann.DpSchedule.LearningRate,
    Mpc.Boltzmann.DpSchedule.ClipNorm, new Mpc.Boltzmann.TrainingSettings().LearningRateDecay);
static double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
for (int a = 0; a + 1 < args.Length; a += 2)
{
    if (args[a] == "--repetitions") repetitions = int.Parse(args[a + 1], System.Globalization.CultureInfo.InvariantCulture);
    else if (args[a] == "--suite") suite = args[a + 1];
    else if (args[a] == "--count") count = int.Parse(args[a + 1], System.Globalization.CultureInfo.InvariantCulture);
    else if (args[a] == "--latencies") fitLatencies = latencies = [.. args[a + 1].Split(',').Select(p => double.Parse(p, System.Globalization.CultureInfo.InvariantCulture))];
    // lr-scale: the generated cohort's rows and the Newton iterations of its fit (from zero: the first costs no per-row work),
    // and the breast-cancer fit's.
    else if (args[a] == "--fit-rows") fitRows = (int)Number(args[a + 1]);
    else if (args[a] == "--iterations") fitIterations = (int)Number(args[a + 1]);
    else if (args[a] == "--link-iterations") linkIterations = (int)Number(args[a + 1]);
    else if (args[a] == "--engines") (enginesGiven, linkEngines) = (true, [.. args[a + 1].Split(',', StringSplitOptions.RemoveEmptyEntries).Where(e => e != "none")]);
    else if (args[a] == "--parties")
    {
        bmParties = [.. args[a + 1].Split(',').Select(p => int.Parse(p, System.Globalization.CultureInfo.InvariantCulture))];
        partiesGiven = true;
    }
    // dp-utility: the table's rows and epsilons, and the schedule (default: Mpc.Boltzmann.DpSchedule) for experiments.
    else if (args[a] == "--rows") dpRows = [.. args[a + 1].Split(',').Select(p => (int)Number(p))];
    else if (args[a] == "--epsilons") dpEpsilons = [.. args[a + 1].Split(',').Select(Number)];
    else if (args[a] == "--hidden") dp = dp with { Hidden = (int)Number(args[a + 1]) };
    else if (args[a] == "--batch") dp = dp with { BatchSize = (int)Number(args[a + 1]) };
    else if (args[a] == "--epochs") dp = dp with { Epochs = (int)Number(args[a + 1]) };
    else if (args[a] == "--lr") dp = dp with { LearningRate = Number(args[a + 1]) };
    else if (args[a] == "--clip") dp = dp with { Clip = Number(args[a + 1]) };
    else if (args[a] == "--decay") dp = dp with { Decay = Number(args[a + 1]) };
}
var runner = new BenchmarkRunner(repetitions);
runner.PrintHeader();
if (suite is "ot" or "all") await OtBenchmarks.RunAsync(repetitions, count);
if (suite is "tls" or "all") await TlsBenchmarks.RunAsync(repetitions);
if (suite is "km" or "all") await KaplanMeierBenchmarks.RunAsync(repetitions);
if (suite is "lr" or "all") await LogisticRegressionBenchmarks.RunAsync(repetitions);
if (suite is "lr-rounds" or "all") await RegressionRoundsBenchmarks.RunAsync(repetitions);
// Not in "all" either: the 10^5-row fit and the OT fit over a 50 ms link take minutes.
if (suite is "lr-scale") await RegressionScaleBenchmarks.RunAsync(fitRows, fitIterations, linkIterations, linkEngines, fitLatencies ?? [0, 50]);
if (suite is "bm" or "all") await BoltzmannBenchmarks.RunAsync(repetitions, bmParties);
// Not in "all": the paper-size pooled DBM of boltzmann-experiment alone (--parties 20 for issue 29's goal).
if (suite is "bm-paper") await BoltzmannBenchmarks.RunAsync(repetitions, bmParties, paper: true);
if (suite is "wan" or "all") await WanBenchmarks.RunAsync(repetitions, latencies);
// Not in "all": the logrank rows of the wan suite by party count (--parties, 3 unless given).
if (suite is "logrank") await LogrankBenchmarks.RunAsync(repetitions, partiesGiven ? bmParties : [3], latencies, enginesGiven ? linkEngines : null);
if (suite is "fixed-mult" or "all") await FixedMultiplicationBenchmarks.RunAsync(repetitions, count);
if (suite is "hm-parties" or "all") await HonestMajorityPartiesBenchmarks.RunAsync(repetitions, count, enginesGiven ? linkEngines : null);
// Not in "all": triple generation by party count (--parties, 8 and 20 unless given; --count, 10^5 unless given).
if (suite is "triples") await TripleGenerationBenchmarks.RunAsync(repetitions, count == 1_000_000 ? 100_000 : count, partiesGiven ? bmParties : [8, 20], enginesGiven ? linkEngines : null);
if (suite is "sort" or "all") await OrderStatisticsBenchmarks.RunAsync(repetitions);
if (suite is "stats" or "all") await StatisticsBenchmarks.RunAsync(repetitions);
if (suite is "first" or "all") await FirstSessionBenchmarks.RunAsync(repetitions);
// Not in "all": the utility table and the DataSHIELD comparison are experiments of minutes, not timings.
if (suite is "dp-utility") await DpUtilityBenchmarks.RunAsync(dpRows, dpEpsilons, dp);
if (suite is "sampler") SamplerBenchmarks.Run(repetitions);
if (suite is "boltzmann-experiment") await BoltzmannExperimentSuite.RunAsync(args);
if (suite is "triples" or "logrank" or "dp-utility" or "sampler" or "boltzmann-experiment" or "bm-paper" or "ot" or "tls" or "km" or "lr" or "lr-rounds" or "lr-scale" or "fixed-mult" or "hm-parties" or "bm" or "wan" or "sort" or "stats" or "first") return;
// The runtime suite isolates the online phase: the dealer's material costs almost nothing to make.
var dealer = new LocalHarnessOptions { Preprocessing = PreprocessingMode.Dealer };
var random = new Random(1);

const int million = 1_000_000;
var xs = Enumerable.Range(0, million).Select(_ => random.NextDouble() * 200 - 100).ToArray();
var ys = Enumerable.Range(0, million).Select(_ => random.NextDouble() * 200 - 100).ToArray();
var clearProduct = new double[million];

foreach (int parties in new[] { 2, 3 })
{
    await runner.RunAsync($"input sharing of 10^6 values, {parties} parties", async () =>
    {
        var stats = await LocalHarness.RunAsync<ulong, long>(parties, rt =>
        {
            var s = Input.Share(rt, 0, rt.PartyIndex == 0 ? xs : null, million, 1, 16);
            return Task.FromResult(rt.Statistics.BytesSent + s.Length * 0);
        });
        return $"bytes sent by party 0: {stats[0]}";
    }, () => FixedPointFormat.Ring64.Encode<ulong>(xs));

    await runner.RunAsync($"10^6 integer multiplications (dealer), {parties} parties", async () =>
    {
        var stats = await LocalHarness.RunAsync<ulong, long>(parties, async rt =>
        {
            var a = Input.Share(rt, 0, rt.PartyIndex == 0 ? xs : null, million, 1, 0);
            var b = Input.Share(rt, 1, rt.PartyIndex == 1 ? ys : null, million, 1, 0);
            await Multiplication.MultiplyAsync(rt, a, b);
            return rt.Statistics.BytesSent;
        }, dealer);
        return $"bytes sent by party 0: {stats[0]}";
    }, () => { for (int i = 0; i < million; i++) clearProduct[i] = xs[i] * ys[i]; });

    await runner.RunAsync($"10^6 fixed-point multiplications (dealer), {parties} parties", async () =>
    {
        var rounds = await LocalHarness.RunAsync<ulong, long>(parties, async rt =>
        {
            var a = Input.Share(rt, 0, rt.PartyIndex == 0 ? xs : null, million, 1, 16);
            var b = Input.Share(rt, 1, rt.PartyIndex == 1 ? ys : null, million, 1, 16);
            await Multiplication.MultiplyAsync(rt, a, b);
            return rt.Statistics.Rounds;
        }, dealer);
        return $"rounds: {rounds[0]} (Beaver + truncation)";
    }, () => { for (int i = 0; i < million; i++) clearProduct[i] = xs[i] * ys[i]; });
}

var matrix = xs.AsSpan(0, 30_000).ToArray();
var vector = ys.AsSpan(0, 30).ToArray();
var clearMv = new double[1000];
await runner.RunAsync("1000x30 by 30x1 matrix product, 3 parties", async () =>
{
    var bytes = await LocalHarness.RunAsync<ulong, long>(3, async rt =>
    {
        var a = Input.Share(rt, 0, rt.PartyIndex == 0 ? matrix : null, 1000, 30, 16);
        var b = Input.Share(rt, 1, rt.PartyIndex == 1 ? vector : null, 30, 1, 16);
        await Multiplication.MatrixMultiplyAsync(rt, a, b);
        return rt.Statistics.BytesSent;
    }, dealer);
    return $"bytes sent by party 0: {bytes[0]} (O(nm + mk))";
}, () =>
{
    for (int i = 0; i < 1000; i++)
    {
        double sum = 0;
        for (int j = 0; j < 30; j++) sum += matrix[i * 30 + j] * vector[j];
        clearMv[i] = sum;
    }
});

var denominators = Enumerable.Range(0, 10_000).Select(_ => Math.Exp(random.NextDouble() * Math.Log(1e6))).ToArray();
var clearReciprocal = new double[denominators.Length];
foreach (var (label, bits) in new[] { ("Z_2^64, f=16", 64), ("Z_2^128, f=40", 128) })
{
    await runner.RunAsync($"reciprocal of 10^4 values in [1, 1e6], {label}, 3 parties", async () =>
    {
        long[] rounds = bits == 64
            ? await LocalHarness.RunAsync<ulong, long>(3, async rt =>
            {
                var d = Input.Share(rt, 0, rt.PartyIndex == 0 ? denominators : null, denominators.Length, 1, 16);
                await Reciprocal.ComputeAsync(rt, d);
                return rt.Statistics.Rounds;
            }, dealer)
            : await LocalHarness.RunAsync<UInt128, long>(3, async rt =>
            {
                var d = Input.Share(rt, 0, rt.PartyIndex == 0 ? denominators : null, denominators.Length, 1, 40);
                await Reciprocal.ComputeAsync(rt, d);
                return rt.Statistics.Rounds;
            }, dealer);
        return $"rounds: {rounds[0]}";
    }, () => { for (int i = 0; i < denominators.Length; i++) clearReciprocal[i] = 1 / denominators[i]; });
}

// Rounds of each non-linear function on one element, for the README's table.
Console.WriteLine();
Console.WriteLine("Rounds per operation (Z_2^64, f=16 / Z_2^128, f=40):");
var operations = new (string Name, Func<MpcRuntime<ulong>, Secret<ulong>, Task<Secret<ulong>>> Small, Func<MpcRuntime<UInt128>, Secret<UInt128>, Task<Secret<UInt128>>> Large)[]
{
    ("multiply (fixed point)", (rt, x) => Multiplication.MultiplyAsync(rt, x, x), (rt, x) => Multiplication.MultiplyAsync(rt, x, x)),
    ("less than zero", Comparison.LessThanZeroAsync, Comparison.LessThanZeroAsync),
    ("equals zero", Comparison.EqualsZeroAsync, Comparison.EqualsZeroAsync),
    ("reciprocal", Reciprocal.ComputeAsync, Reciprocal.ComputeAsync),
    ("division", (rt, x) => Division.DivideAsync(rt, x, x), (rt, x) => Division.DivideAsync(rt, x, x)),
    ("exp", Exponential.ComputeAsync, Exponential.ComputeAsync),
    ("sigmoid", Sigmoid.ComputeAsync, Sigmoid.ComputeAsync),
    ("square root", SquareRoot.ComputeAsync, SquareRoot.ComputeAsync),
};
foreach (var (name, small, large) in operations)
{
    var r64 = await LocalHarness.RunAsync<ulong, long>(2, async rt => { var x = Input.Share(rt, 0, rt.PartyIndex == 0 ? [2.0] : null, 1, 1, 16); await small(rt, x); return rt.Statistics.Rounds; });
    var r128 = await LocalHarness.RunAsync<UInt128, long>(2, async rt => { var x = Input.Share(rt, 0, rt.PartyIndex == 0 ? [2.0] : null, 1, 1, 40); await large(rt, x); return rt.Statistics.Rounds; });
    Console.WriteLine($"  {name,-24} {r64[0],4} / {r128[0],4}");
}
