using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Data;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Scripting;
using Mpc.Statistics;

namespace Mpc.Bench;

/// <summary>
/// The secure logrank test (protocols/kaplan-meier.csx) as `mpc local` runs it with 3 parties on
/// aml and lung, beside the same test in the clear, in the same run.
/// </summary>
internal static class KaplanMeierBenchmarks
{
    public static async Task RunAsync(int repetitions)
    {
        var script = ScriptCompiler.Load(Path.Combine(AppContext.BaseDirectory, "protocols", "kaplan-meier.csx"));
        var catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));
        foreach (var (data, group, levels, strata) in new[] { ("aml", "maintained", "1,0", ""), ("lung", "sex", "1,2", ""), ("lung", "sex", "1,2", "ph.ecog") })
        {
            var table = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", data + ".csv"));
            double horizon = table.Column("time").Max();
            var lines = File.ReadAllLines(table.Source);
            var files = BenchData.Split(lines[0], lines[1..], data, 3);
            var parameters = new Dictionary<string, string> { ["group"] = group, ["levels"] = levels, ["horizon"] = horizon.ToString(CultureInfo.InvariantCulture) };
            if (strata.Length > 0)
            {
                parameters["strata"] = strata;
                parameters["strata_levels"] = "0,1,2,3";
                // One party drops its row without ph.ecog, a count below its minimum cell count.
                parameters["reveal_dropped"] = "false";
            }
            var wall = new List<double>();
            var protocol = new List<double>();
            double chi2 = 0;
            for (int r = 0; r <= repetitions; r++)
            {
                var watch = Stopwatch.StartNew();
                var result = await LocalFederation.RunAsync(script, script.Source, files, parameters, catalog, NullLoggerFactory.Instance, null, TimeSpan.FromSeconds(60), default);
                if (r == 0) continue;
                wall.Add(watch.Elapsed.TotalSeconds);
                protocol.Add(result.ProtocolSeconds);
                chi2 = result.Outputs["chi2"].Values[0];
            }
            var design = new SurvivalDesign(levels.Split(',').Select(double.Parse).ToArray(), strata.Length > 0 ? [0, 1, 2, 3] : [], 1, horizon);
            var clearTimes = new List<double>();
            LogrankResult? clear = null;
            for (int r = 0; r <= repetitions; r++)
            {
                var watch = Stopwatch.StartNew();
                clear = LogrankReference.Compute(SurvivalCounts.Compute(design, data, table.Column("time"), table.Column("status"), table.Column(group),
                    strata.Length > 0 ? table.Column(strata) : null, ("time", "status", group, strata.Length > 0 ? strata : null)));
                if (r > 0) clearTimes.Add(watch.Elapsed.TotalSeconds);
            }
            string label = $"{data} by {group}{(strata.Length > 0 ? $", strata {strata}" : "")}";
            Console.WriteLine($"logrank {label,-30} 3 parties: protocol {BenchData.Median(protocol):F3} s, wall {BenchData.Median(wall):F3} s (mpc local incl. daemons, TLS, data); clear {BenchData.Median(clearTimes) * 1000:F2} ms; chi2 {chi2:F6} (clear {clear!.ChiSquare:F6})");
            foreach (var file in files) File.Delete(file);
        }
        Console.WriteLine();
    }


}
