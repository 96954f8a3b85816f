using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Federation;
using Mpc.Federation.Protocols;

namespace Mpc.Bench;

/// <summary>
/// The everyday built-ins (summary, table, t-test, linear-regression) as `mpc local` runs them with 3 parties on
/// the loopback (OT engine), on the lung rows, against pooled-statistics run in the same process as the baseline.
/// </summary>
internal static class StatisticsBenchmarks
{
    public static async Task RunAsync(int repetitions)
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        var files = BenchData.Split(lines[0], lines[1..], "stats-lung", 3);
        var workloads = new (string Label, string Protocol, Dictionary<string, string> Parameters)[]
        {
            ("pooled-statistics (baseline)", "pooled-statistics", new()),
            ("summary of age, quartiles, grid 0..128 step 1", "summary", new() { ["value"] = "age", ["lower"] = "0", ["upper"] = "128", ["resolution"] = "1" }),
            ("table sex x status, chi-square", "table", new() { ["row"] = "sex", ["row_levels"] = "1,2", ["column"] = "status", ["column_levels"] = "0,1" }),
            ("t-test age by sex", "t-test", new() { ["value"] = "age", ["group"] = "sex", ["levels"] = "1,2" }),
            ("linear-regression time ~ age + sex", "linear-regression", new() { ["outcome"] = "time", ["features"] = "age,sex" }),
        };
        // The example hospitals are small: cells of 1 are allowed, as in the R client's tests.
        var privacy = DatasetPrivacy.Default with { MinCellCount = 1 };
        Console.WriteLine("| built-in (lung, 3 parties, OT, loopback) | rounds | MB sent | protocol s | vs pooled-statistics |");
        Console.WriteLine("|---|---|---|---|---|");
        double baseline = 0;
        foreach (var (label, protocol, parameters) in workloads)
        {
            var times = new List<double>();
            SessionResult? last = null;
            for (int r = 0; r <= repetitions; r++)
            {
                last = await LocalFederation.RunAsync(ProtocolCatalog.BuiltIn.Get(protocol), null, files, parameters, ProtocolCatalog.BuiltIn, NullLoggerFactory.Instance, null,
                    TimeSpan.FromMinutes(10), default, privacy: privacy);
                if (r > 0 || repetitions == 0) times.Add(last.ProtocolSeconds);
            }
            double median = BenchData.Median(times);
            if (baseline == 0) baseline = median;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {last!.Rounds} | {last.BytesSent / 1e6:F1} | {median:F2} | {median / baseline:F1}x |"));
        }
        Console.WriteLine();
        foreach (var file in files) File.Delete(file);
    }
}
