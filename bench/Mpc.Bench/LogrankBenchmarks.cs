using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Data;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;
using Mpc.Statistics;
using Mpc.Scripting;

namespace Mpc.Bench;

/// <summary>
/// The logrank test on lung by sex (protocols/kaplan-meier.csx, 1,023 time points) as `mpc local` runs it, for each party
/// count (and --engines, all unless given), engine (replicated only for 3 to 7 parties, shamir for 8 or more) and link (one-way latency, 100 Mbit/s per direction): rounds, bytes,
/// protocol seconds and chi2 against survdiff's. The lung rows are dealt round-robin, as the demo deals them; at 20 parties
/// a party's 11 rows hold fewer than the default 3 of a sex, so the parties' group and cell limits are 1 here (they check a
/// party's own counts locally and cost nothing measurable).
/// </summary>
internal static class LogrankBenchmarks
{
    // R 4.2: survdiff(Surv(time, status) ~ sex, data = lung)$chisq
    private const double Survdiff = 10.32674;

    public static async Task RunAsync(int repetitions, IReadOnlyList<int> parties, IReadOnlyList<double> latencies, IReadOnlyList<string>? engines = null)
    {
        var catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));
        var lung = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        var lines = File.ReadAllLines(lung.Source);
        var script = ScriptCompiler.Load(Path.Combine(AppContext.BaseDirectory, "protocols", "kaplan-meier.csx"));
        var privacy = DatasetPrivacy.Default with { MinGroupSize = 1, MinCellCount = 1 };
        var parameters = new Dictionary<string, string> { ["group"] = "sex", ["levels"] = "1,2", ["horizon"] = lung.Column("time").Max().ToString(CultureInfo.InvariantCulture), ["curve"] = "false" };
        Console.WriteLine("| logrank, lung by sex | engine | link | rounds | MB sent | protocol s | chi2 - survdiff |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (int count in parties)
        {
            var files = Deal(lines, count);
            foreach (string engine in new[] { PreprocessingModes.Ot, PreprocessingModes.Replicated, PreprocessingModes.Shamir })
            {
                if (engine == PreprocessingModes.Replicated && count is < 3 or > 7) continue;
                if (engine == PreprocessingModes.Shamir && count < ShamirPreprocessing<ulong>.MinParties) continue;
                if (engines is not null && !engines.Contains(engine)) continue;
                foreach (double latency in latencies)
                {
                    var network = latency == 0 ? null : new NetworkModel(TimeSpan.FromMilliseconds(latency), 100e6);
                    var times = new List<double>();
                    SessionResult? last = null;
                    for (int r = 0; r <= repetitions; r++)
                    {
                        last = await LocalFederation.RunAsync(script, script.Source, files, parameters, catalog, NullLoggerFactory.Instance, null, TimeSpan.FromMinutes(10), default, null, PreprocessingEngines.Parse(engine), privacy, network);
                        if (r > 0 || repetitions == 0) times.Add(last.ProtocolSeconds);
                    }
                    string link = network is null ? "loopback" : $"{latency:G3} ms, 100 Mbit/s";
                    double chi2 = last!.Outputs["chi2"].Values[0];
                    Console.WriteLine(FormattableString.Invariant($"| {count} parties | {engine} | {link} | {last.Rounds} | {last.BytesSent / 1e6:F1} | {BenchData.Median(times):F2} | {chi2 - Survdiff:E1} |"));
                }
            }
            foreach (var file in files) File.Delete(file);
        }
        Console.WriteLine();
        await BreakdownAsync(lung, parties[0]);
    }

    // The same test in process on the OT engine (Z_2^128, f = 40, rows dealt round-robin): what party 0's engine made, handed out and
    // sent, per kind of item, so the bytes can be traced to the steps that spend them.
    private static async Task BreakdownAsync(CsvTable lung, int count)
    {
        var design = new SurvivalDesign([1, 2], [], 1, lung.Column("time").Max());
        var rows = Enumerable.Range(0, count).Select(p => Enumerable.Range(0, lung.RowCount).Where(i => i % count == p).ToArray()).ToList();
        var sites = rows.Select(r => SurvivalCounts.Compute(design, lung.Source, [.. r.Select(i => lung.Column("time")[i])], [.. r.Select(i => lung.Column("status")[i])],
            [.. r.Select(i => lung.Column("sex")[i])], null, ("time", "status", "sex", null))).ToList();
        var usage = await LocalHarness.RunAsync<UInt128, (IReadOnlyList<PreprocessingUsage> Usage, long Online, long Rounds)>(count, async rt =>
        {
            var test = await SecureLogrank.TestAsync(rt, sites[rt.PartyIndex], "risk_sets");
            await Opening.RevealRealAsync(rt, test.ChiSquare, "chi2");
            return (((OtPreprocessing<UInt128>)rt.Preprocessing).Usage, rt.Statistics.BytesSent, rt.Statistics.Rounds);
        }, new LocalHarnessOptions { Format = FixedPointFormat.Ring128, Preprocessing = PreprocessingMode.Ot });
        var (items, online, rounds) = usage[0];
        Console.WriteLine(FormattableString.Invariant($"| logrank in process, {count} parties, OT, party 0 | produced | taken | MB sent |"));
        Console.WriteLine("|---|---|---|---|");
        foreach (var item in items.Where(u => u.Produced > 0 || u.Taken > 0 || u.BytesSent > 0))
            Console.WriteLine(FormattableString.Invariant($"| {item.Item} | {item.Produced:N0} | {item.Taken:N0} | {item.BytesSent / 1e6:F2} |"));
        Console.WriteLine(FormattableString.Invariant($"| online ({rounds} rounds) | | | {online / 1e6:F2} |"));
        Console.WriteLine();
    }

    // Row i goes to party i mod N, so every party holds both sexes even at 20 parties.
    private static List<string> Deal(string[] lines, int parties)
    {
        var files = new List<string>();
        for (int p = 0; p < parties; p++)
        {
            string path = Path.Combine(Path.GetTempPath(), $"mpc-bench-logrank-{p}-{Guid.NewGuid():N}.csv");
            File.WriteAllLines(path, lines.Skip(1).Where((_, i) => i % parties == p).Prepend(lines[0]));
            files.Add(path);
        }
        return files;
    }
}
