using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Data;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;
using Mpc.Runtime.Preprocessing;
using Mpc.Scripting;

namespace Mpc.Bench;

/// <summary>
/// What sessions cost between hospitals: each workload as `mpc local` runs it with 3 parties, on the
/// loopback as it is and over simulated links of 10 and 50 ms (one way) at 100 Mbit/s, in the same
/// run, on the OT engine and the honest-majority engine. Rounds and bytes are the session's own
/// counts; the ratio is against the OT engine on the loopback.
/// </summary>
internal static class WanBenchmarks
{
    public static async Task RunAsync(int repetitions, IReadOnlyList<double> latencies)
    {
        var catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));
        var lung = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        var lungLines = File.ReadAllLines(lung.Source);
        var lungFiles = BenchData.Split(lungLines[0], lungLines[1..], "wan-lung", 3);
        var mtcars = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "mtcars.csv"));
        var mtcarsFiles = BenchData.Split(mtcars[0], mtcars[1..], "wan-mtcars", 3);
        var kaplanMeier = ScriptCompiler.Load(Path.Combine(AppContext.BaseDirectory, "protocols", "kaplan-meier.csx"));
        var regression = ScriptCompiler.Load(Path.Combine(AppContext.BaseDirectory, "protocols", "logistic-regression.csx"));
        var workloads = new (string Label, IProtocolDefinition Protocol, string? Source, List<string> Files, Dictionary<string, string> Parameters)[]
        {
            ("pooled-statistics, lung", catalog.Get("pooled-statistics"), null, lungFiles, new()),
            ("logrank, lung by sex", kaplanMeier, kaplanMeier.Source, lungFiles, new() { ["group"] = "sex", ["levels"] = "1,2", ["horizon"] = lung.Column("time").Max().ToString(CultureInfo.InvariantCulture), ["curve"] = "false" }),
            // The fit alone, as before the deviance existed, so the rows stay comparable (benchmarks.md).
            ("logistic regression, mtcars am ~ hp + wt", regression, regression.Source, mtcarsFiles, new() { ["outcome"] = "am", ["features"] = "hp,wt", ["iterations"] = "8", ["deviance"] = "false" }),
        };
        Console.WriteLine("| workload (3 parties) | engine | link | rounds | MB sent | protocol s | vs OT on loopback |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (label, protocol, source, files, parameters) in workloads)
        {
            double baseline = 0;
            foreach (string engine in new[] { PreprocessingModes.Ot, PreprocessingModes.Replicated })
            foreach (double latency in latencies)
            {
                var network = latency == 0 ? null : new NetworkModel(TimeSpan.FromMilliseconds(latency), 100e6);
                var times = new List<double>();
                SessionResult? last = null;
                for (int r = 0; r <= repetitions; r++)
                {
                    last = await LocalFederation.RunAsync(protocol, source, files, parameters, catalog, NullLoggerFactory.Instance, null, TimeSpan.FromMinutes(10), default, null, PreprocessingEngines.Parse(engine), network: network);
                    if (r > 0 || repetitions == 0) times.Add(last.ProtocolSeconds);
                }
                double median = BenchData.Median(times);
                if (latency == 0 && engine == PreprocessingModes.Ot) baseline = median;
                string link = network is null ? "loopback" : $"{latency:G3} ms, 100 Mbit/s";
                Console.WriteLine(FormattableString.Invariant($"| {label} | {engine} | {link} | {last!.Rounds} | {last.BytesSent / 1e6:F1} | {median:F2} | {(baseline > 0 ? median / baseline : 1):F1}x |"));
            }
        }
        Console.WriteLine();
        foreach (var file in lungFiles.Concat(mtcarsFiles)) File.Delete(file);
    }
}
