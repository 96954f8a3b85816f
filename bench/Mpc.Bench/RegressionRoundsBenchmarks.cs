using System.Diagnostics;
using System.Globalization;
using Mpc.Core;
using Mpc.Data;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;
using Mpc.Statistics;

namespace Mpc.Bench;

/// <summary>
/// Rounds and bytes of the secure logistic regression (reveal = final) on all 569 breast-cancer rows and 30 features,
/// lambda 1, 10 Newton iterations, 3 parties in process: the factorised Newton solve (an L D L' factorisation every
/// iteration, the solver before issue 31) beside the refined inverse (Newton-Schulz steps on a kept inverse), on the
/// dealer and on the honest-majority engine, in the same run; the coefficients against the clear-text optimum.
/// What a link adds is bounded below by rounds times the one-way latency plus party 0's bytes over the bandwidth.
/// </summary>
internal static class RegressionRoundsBenchmarks
{
    public static async Task RunAsync(int repetitions)
    {
        var table = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer_wisconsin.csv"));
        var names = table.ColumnNames.Where(c => c != "malignant").ToArray();
        int n = table.RowCount, f = names.Length;
        var x = new double[n, f];
        for (int j = 0; j < f; j++)
        {
            var column = table.Column(names[j]);
            for (int i = 0; i < n; i++) x[i, j] = column[i];
        }
        var y = table.Column("malignant").ToArray();
        var clear = LogisticRegressionReference.Fit(x, y, true, 1.0).Coefficients;
        Console.WriteLine("| solver (breast cancer, 3 parties, 10 iterations) | engine | rounds | MB sent (party 0) | in-process s | vs factorised | largest |coefficient - clear| | link floor at 50 ms, 100 Mbit/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (string engine in new[] { "dealer", "replicated" })
        {
            double baseline = 0;
            foreach (var solver in new[] { NewtonSolver.Factorised, NewtonSolver.Refined })
            {
                var options = new LogisticRegressionOptions(true, 1.0, 10, 1e-6, StandardErrors: false, Solver: solver);
                var times = new List<double>();
                (double[] Coefficients, long Rounds, long Bytes, long AllBytes) last = ([], 0, 0, 0);
                for (int r = 0; r <= repetitions; r++)
                {
                    var watch = Stopwatch.StartNew();
                    last = await FitAsync(engine, x, y, options);
                    if (r > 0 || repetitions == 0) times.Add(watch.Elapsed.TotalSeconds);
                }
                double median = BenchData.Median(times);
                if (solver == NewtonSolver.Factorised) baseline = median;
                double difference = last.Coefficients.Zip(clear, (a, b) => Math.Abs(a - b)).Max();
                double floor = last.Rounds * 0.05 + last.Bytes * 8 / 100e6;
                Console.WriteLine(FormattableString.Invariant(
                    $"| {solver} | {engine} | {last.Rounds} | {last.Bytes / 1e6:F1} | {median:F2} | {median / baseline:F2}x | {difference:E2} | {floor:F0} s |"));
            }
        }
        Console.WriteLine();
    }

    /// <summary>
    /// The fit with the rows split in three contiguous blocks, 3 parties in process: the coefficients, the rounds, party 0's online
    /// bytes and every party's bytes with the engine's own preprocessing traffic.
    /// </summary>
    internal static async Task<(double[] Coefficients, long Rounds, long Bytes, long AllBytes)> FitAsync(string engine, double[,] x, double[] y, LogisticRegressionOptions options)
    {
        int n = y.Length, f = x.GetLength(1);
        var results = await LocalHarness.RunAsync<UInt128, (double[], long, long, long)>(3, async rt =>
        {
            int start = rt.PartyIndex * n / 3, end = (rt.PartyIndex + 1) * n / 3;
            var features = new double[(end - start) * f];
            for (int i = start; i < end; i++)
                for (int j = 0; j < f; j++) features[(i - start) * f + j] = x[i, j];
            var fit = await SecureLogisticRegression.FitAsync(rt, features, y[start..end], f, options);
            var coefficients = await Opening.RevealRealAsync(rt, fit.Coefficients, "coefficients");
            return (coefficients, rt.Statistics.Rounds, rt.Statistics.BytesSent, rt.Statistics.BytesSent + rt.Preprocessing.BytesSent);
        }, new LocalHarnessOptions { Format = FixedPointFormat.Ring128, Preprocessing = Mpc.Runtime.PreprocessingEngines.Parse(engine), ReceiveTimeout = TimeSpan.FromMinutes(10) });
        return (results[0].Item1, results[0].Item2, results[0].Item3, results.Sum(r => r.Item4));
    }
}
