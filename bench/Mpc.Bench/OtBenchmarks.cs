using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Bench;

/// <summary>
/// Dealer-free preprocessing: 10^6 integer multiplications including making their triples by OT,
/// beside the same multiplications with the trusted dealer, in-process (no TLS) in the same run.
/// Then the same over loopback TLS between party daemons (`mpc local multiplication-benchmark`),
/// where the protocol time includes the base OTs and every triple.
/// </summary>
internal static class OtBenchmarks
{
    public static async Task RunAsync(int repetitions, int count)
    {
        var random = new Random(3);
        var xs = Enumerable.Range(0, count).Select(_ => (double)random.Next(-1000, 1000)).ToArray();
        var ys = Enumerable.Range(0, count).Select(_ => (double)random.Next(-1000, 1000)).ToArray();
        foreach (int parties in new[] { 2, 3 })
        {
            foreach (var mode in new[] { "dealer", "ot" })
            {
                var times = new List<double>();
                long bytes = 0;
                for (int r = 0; r <= repetitions; r++)
                {
                    var watch = Stopwatch.StartNew();
                    var sent = await LocalHarness.RunAsync<ulong, long>(parties, async rt =>
                    {
                        var a = Input.Share(rt, 0, rt.PartyIndex == 0 ? xs : null, count, 1, 0);
                        var b = Input.Share(rt, 1, rt.PartyIndex == 1 ? ys : null, count, 1, 0);
                        await Multiplication.MultiplyAsync(rt, a, b);
                        return rt.Statistics.BytesSent;
                    }, new LocalHarnessOptions { Preprocessing = PreprocessingEngines.Parse(mode) });
                    if (r > 0) times.Add(watch.Elapsed.TotalSeconds);
                    bytes = sent[0];
                }
                Console.WriteLine($"{count:N0} multiplications incl. preprocessing, {parties} parties, in-process, {mode,-6}: {BenchData.Median(times):F3} s (median of {repetitions}); online bytes sent by party 0: {bytes:N0}");
            }
        }
        await OverTlsAsync(repetitions, count);
        Console.WriteLine();
    }

    private static async Task OverTlsAsync(int repetitions, int count)
    {
        string directory = Directory.CreateTempSubdirectory("mpc-bench-ot-").FullName;
        using var loggers = new NullLoggerFactory();
        var parameters = new Dictionary<string, string> { ["size"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (int parties in new[] { 2, 3 })
        {
            // The load protocol reads no data; each party still names a (placeholder) dataset.
            var files = Enumerable.Range(0, parties).Select(p =>
            {
                string path = Path.Combine(directory, $"party{p}.csv");
                File.WriteAllText(path, "x\n1\n");
                return path;
            }).ToList();
            foreach (var mode in new[] { "dealer", "ot" })
            {
                var protocol = new List<double>();
                var session = new List<double>();
                for (int r = 0; r <= repetitions; r++)
                {
                    var result = await LocalFederation.RunAsync(ProtocolCatalog.BuiltIn.Get("multiplication-benchmark"), null, files, parameters, ProtocolCatalog.BuiltIn, loggers, null,
                        TimeSpan.FromSeconds(120), default, null, PreprocessingEngines.Parse(mode));
                    if (r == 0) continue;
                    protocol.Add(result.ProtocolSeconds);
                    session.Add(result.Seconds);
                }
                Console.WriteLine($"{count:N0} multiplications incl. preprocessing, {parties} parties, loopback TLS, {mode,-6}: protocol {BenchData.Median(protocol):F3} s, session {BenchData.Median(session):F3} s (median of {repetitions})");
            }
        }
        Directory.Delete(directory, true);
    }
}
