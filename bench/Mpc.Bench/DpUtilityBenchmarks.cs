using System.Diagnostics;
using System.Globalization;
using Mpc.Boltzmann;
using Mpc.Core;

namespace Mpc.Bench;

/// <summary>
/// Issue 29's utility table: the DP schedule's RBM on blocks-in-noise (50 variables, five blocks of five) at each
/// pooled row count and epsilon, next to the non-private pooled model of the same schedule. The DP runs use
/// <see cref="SimulatedPrivateStatisticsPool"/>: the MPC pool's mechanism and noise with the sum taken in the clear
/// (two parties, one honest, as the script's default); every cell is scored against its own training rows.
/// </summary>
internal static class DpUtilityBenchmarks
{
    public static async Task RunAsync(IReadOnlyList<int> rowCounts, IReadOnlyList<double> epsilons, DpUtilityOptions options)
    {
        Console.WriteLine($"DP utility on blocks-in-noise (50 variables, 5 blocks of 5 in 1/10 of the rows each): RBM hidden {options.Hidden}, "
            + $"expected batch {options.BatchSize}, {options.Epochs} epochs, learning rate {options.LearningRate}, clip {options.Clip}, delta 1e-5, 2 parties, {options.Samples} synthetic rows");
        Console.WriteLine("| rows | epsilon | q | steps | rows per block (real: rows/10) | 2-way L1 | log-odds-ratio error | exact copies | spent epsilon | seconds |");
        Console.WriteLine("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|");
        foreach (int n in rowCounts)
        {
            var rows = BlocksInNoise.Generate(n, 50, new Random(options.Seed)).Rows;
            await CellAsync(rows, null, options).ConfigureAwait(false);
            foreach (double epsilon in epsilons) await CellAsync(rows, epsilon, options).ConfigureAwait(false);
        }
        Console.WriteLine();
    }

    private static async Task CellAsync(double[][] rows, double? epsilon, DpUtilityOptions options)
    {
        var watch = Stopwatch.StartNew();
        var layers = new[] { new LayerSettings(options.Hidden, options.Epochs, options.LearningRate, options.BatchSize) };
        var settings = new TrainingSettings { Seed = options.Seed, MonitorEvery = 0, ClipNorm = options.Clip, Epsilon = epsilon, LearningRateDecay = options.Decay };
        using var random = new AesCtrRandom(AesCtrRandom.DeriveSeed(new byte[AesCtrRandom.SeedLength], $"dp-utility {rows.Length} {epsilon} {options.Seed}"));
        IStatisticsPool pool = epsilon is { } e ? new SimulatedPrivateStatisticsPool(e, 1e-5, 2, 1, random) : new LocalStatisticsPool();
        var model = await PooledTraining.TrainAsync(ModelKind.Rbm, rows, VisibleKind.Bernoulli, null, layers, settings, pool).ConfigureAwait(false);
        var synthetic = GibbsSampling.Sample(model, options.Samples, 200, new Random(options.Seed + 1));
        var perBlock = Enumerable.Range(0, 5).Select(b => synthetic.Count(r => r.Skip(5 * b).Take(5).All(v => v == 1)) * rows.Length / options.Samples);
        var real = rows.Select(r => string.Concat(r.Select(v => v == 1 ? '1' : '0'))).ToHashSet(StringComparer.Ordinal);
        double copies = synthetic.Count(r => real.Contains(string.Concat(r.Select(v => v == 1 ? '1' : '0')))) / (double)synthetic.Length;
        double q = PooledTraining.SamplingRate(model.PooledRows, options.BatchSize);
        int steps = options.Epochs * PooledTraining.StepsPerEpoch(model.PooledRows, options.BatchSize);
        string spent = pool is SimulatedPrivateStatisticsPool simulated ? simulated.Mechanism.SpentEpsilon.ToString("F2", CultureInfo.InvariantCulture) : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {rows.Length} | {(epsilon is null ? "none" : epsilon.Value.ToString(CultureInfo.InvariantCulture))} | {q:G2} | {steps} | {string.Join(", ", perBlock)} | "
            + $"{SyntheticDataEvaluation.Marginals(rows, synthetic, 2).MeanL1:F3} | {SyntheticDataEvaluation.LogOddsRatioError(rows, synthetic):F3} | {copies:P1} | {spent} | {watch.Elapsed.TotalSeconds:F0} |"));
    }
}
