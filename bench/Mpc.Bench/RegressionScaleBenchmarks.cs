using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;
using Mpc.Runtime.Preprocessing;
using Mpc.Scripting;
using Mpc.Statistics;

namespace Mpc.Bench;

/// <summary>
/// The regression goals of issue 31 in one run: a generated cohort (10^5 rows x 10 features by default, seed 31) fitted by
/// 3 parties in process on the honest-majority engine against R's glm on the same rows (Rscript, called from the run),
/// with rounds, bytes (the protocol's and the engine's own), seconds and the process's peak working set; then the
/// breast-cancer fit (569 x 30, lambda 1, 8 iterations by default, reveal = final) as `mpc local` runs it, on the given engines (default
/// both), on the loopback and over simulated links (default 50 ms one way, 100 Mbit/s), with the ratio to the same engine's first link.
/// </summary>
internal static class RegressionScaleBenchmarks
{
    public static async Task RunAsync(int rows, int iterations, int linkIterations, IReadOnlyList<string> linkEngines, IReadOnlyList<double> latencies)
    {
        const int Features = 10;
        var (x, y) = Cohort(rows, Features, 31);
        var glm = GlmCoefficients(x, y);
        var options = new LogisticRegressionOptions(true, 0, iterations, 1e-6, StandardErrors: false);
        var watch = Stopwatch.StartNew();
        var (coefficients, rounds, _, bytes) = await RegressionRoundsBenchmarks.FitAsync(PreprocessingModes.Replicated, x, y, options);
        double seconds = watch.Elapsed.TotalSeconds;
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        double difference = coefficients.Zip(glm, (a, b) => Math.Abs(a - b)).Max();
        Console.WriteLine($"| cohort (3 parties, replicated, {iterations} iterations) | rows | rounds | GB sent (all parties) | in-process s | peak working set GB | largest |coefficient - glm| |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine(FormattableString.Invariant(
            $"| generated, {Features} features, seed 31 | {rows} | {rounds} | {bytes / 1e9:F3} | {seconds:F1} | {peak / 1e9:F2} | {difference:E2} |"));
        Console.WriteLine();
        if (linkEngines.Count > 0) await BreastCancerOverLinksAsync(linkEngines, linkIterations, latencies);
    }

    /// <summary>Standard normal features and outcomes drawn from the logistic model with coefficients of mixed signs.</summary>
    public static (double[,] X, double[] Y) Cohort(int rows, int features, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var x = new double[rows, features];
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double eta = -0.5;
            for (int j = 0; j < features; j++)
            {
                x[i, j] = Math.Round(Normal(), 6);
                eta += x[i, j] * (j % 2 == 0 ? 1 : -1) * (j + 1) / (2.0 * features);
            }
            y[i] = random.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
        }
        return (x, y);
    }

    // glm(y ~ ., binomial) in R on the same rows, written to a temporary file (the reference is R's, not ours).
    private static double[] GlmCoefficients(double[,] x, double[] y)
    {
        int n = y.Length, f = x.GetLength(1);
        string path = Path.Combine(Path.GetTempPath(), $"mpc-bench-lr-scale-{Guid.NewGuid():N}.csv");
        try
        {
            using (var writer = new StreamWriter(path))
            {
                writer.WriteLine(string.Join(",", Enumerable.Range(1, f).Select(j => $"x{j}").Append("y")));
                for (int i = 0; i < n; i++)
                    writer.WriteLine(string.Join(",", Enumerable.Range(0, f).Select(j => x[i, j].ToString("R", CultureInfo.InvariantCulture)).Append(y[i].ToString(CultureInfo.InvariantCulture))));
            }
            var start = new ProcessStartInfo("Rscript", ["-e", $"d <- read.csv('{path}'); m <- glm(y ~ ., family = binomial, data = d, control = glm.control(epsilon = 1e-12, maxit = 50)); cat(sprintf('%.12g', coef(m)), sep = '\\n')"])
            { RedirectStandardOutput = true, UseShellExecute = false };
            using var r = Process.Start(start) ?? throw new InvalidOperationException("Rscript did not start.");
            string output = r.StandardOutput.ReadToEnd();
            r.WaitForExit();
            if (r.ExitCode != 0) throw new InvalidOperationException($"Rscript exited with {r.ExitCode}.");
            return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task BreastCancerOverLinksAsync(IReadOnlyList<string> engines, int iterations, IReadOnlyList<double> latencies)
    {
        var catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer_wisconsin.csv"));
        var files = BenchData.Split(lines[0], lines[1..], "lr-scale-breast", 3);
        var regression = ScriptCompiler.Load(Path.Combine(AppContext.BaseDirectory, "protocols", "logistic-regression.csx"));
        var features = lines[0].Split(',').Where(c => c != "malignant");
        var parameters = new Dictionary<string, string>
        {
            ["outcome"] = "malignant", ["features"] = string.Join(",", features), ["lambda"] = "1", ["iterations"] = iterations.ToString(CultureInfo.InvariantCulture), ["deviance"] = "false",
        };
        Console.WriteLine($"| breast cancer (569 x 30, 3 parties, reveal=final, {iterations} iterations) | engine | link | rounds | MB sent | protocol s | vs the first link |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (string engine in engines)
        {
            double baseline = 0;
            foreach (double latency in latencies)
            {
                var network = latency == 0 ? null : new NetworkModel(TimeSpan.FromMilliseconds(latency), 100e6);
                var result = await LocalFederation.RunAsync(regression, regression.Source, files, parameters, catalog, NullLoggerFactory.Instance, null, TimeSpan.FromMinutes(10), default, null,
                    PreprocessingEngines.Parse(engine), network: network);
                if (baseline == 0) baseline = result.ProtocolSeconds;
                string link = network is null ? "loopback" : $"{latency:G3} ms, 100 Mbit/s";
                Console.WriteLine(FormattableString.Invariant(
                    $"| logistic regression | {engine} | {link} | {result.Rounds} | {result.BytesSent / 1e6:F1} | {result.ProtocolSeconds:F1} | {result.ProtocolSeconds / baseline:F1}x |"));
            }
        }
        Console.WriteLine();
        foreach (var file in files) File.Delete(file);
    }
}
