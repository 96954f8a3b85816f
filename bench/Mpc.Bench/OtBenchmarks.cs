using System.Diagnostics;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Bench;

/// <summary>
/// Dealer-free preprocessing: 10^6 integer multiplications including making their triples by OT,
/// beside the same multiplications with the trusted dealer, in-process (no TLS) in the same run.
/// The TLS figures come from the federation benchmark (<see cref="TlsBenchmarks"/>).
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
                    }, new LocalHarnessOptions { Preprocessing = mode });
                    if (r > 0) times.Add(watch.Elapsed.TotalSeconds);
                    bytes = sent[0];
                }
                Console.WriteLine($"{count:N0} multiplications incl. preprocessing, {parties} parties, in-process, {mode,-6}: {BenchData.Median(times):F3} s (median of {repetitions}); online bytes sent by party 0: {bytes:N0}");
            }
        }
        Console.WriteLine();
    }
}
