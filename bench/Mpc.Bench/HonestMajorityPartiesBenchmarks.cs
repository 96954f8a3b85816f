using System.Diagnostics;
using Mpc.Runtime;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Bench;

/// <summary>
/// The honest-majority engine against OT as the parties grow (3, 4, 5, 7; in process, Z_2^64): bytes and seconds per
/// Beaver triple after the session's setup (base OTs, component keys), and per fixed-point multiplication (product and truncation by 16 bits, online and preprocessing),
/// each engine in the same run, with the ratio OT / replicated. Triple bytes are the average party's, product bytes party 0's.
/// </summary>
internal static class HonestMajorityPartiesBenchmarks
{
    public static async Task RunAsync(int repetitions, int count, IReadOnlyList<string>? engines = null)
    {
        // OT's rows do not change with the replicated engine, so a comparison of builds may leave them out (--engines replicated).
        var modes = engines ?? [PreprocessingModes.Replicated, PreprocessingModes.Ot];
        int triples = Math.Min(count, 100_000), products = Math.Max(1, triples / 10);
        var random = new Random(5);
        var xs = Enumerable.Range(0, products).Select(_ => random.NextDouble() * 200 - 100).ToArray();
        var ys = Enumerable.Range(0, products).Select(_ => random.NextDouble() * 200 - 100).ToArray();
        Console.WriteLine($"| parties | t | engine | setup bytes | bytes a triple ({triples:N0}) | s ({triples:N0} triples, median of {repetitions}) | bytes a fixed-point product ({products:N0}) | s ({products:N0} products) | OT / replicated bytes, triple | product |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (int parties in new[] { 3, 4, 5, 7 })
        {
            var rows = new Dictionary<string, (double Setup, double TripleBytes, double TripleSeconds, double ProductBytes, double ProductSeconds)>();
            foreach (string mode in modes)
            {
                var tripleTimes = new List<double>();
                var productTimes = new List<double>();
                double setup = 0, tripleBytes = 0, productBytes = 0;
                for (int r = 0; r <= repetitions; r++)
                {
                    var (setupBytes, seconds, bytes) = await TriplesAsync(mode, parties, triples);
                    var product = await FixedMultiplicationBenchmarks.RunOnceAsync(mode, false, xs, ys, 16, parties);
                    if (r == 0) continue;
                    tripleTimes.Add(seconds);
                    productTimes.Add(product.Seconds);
                    setup = setupBytes;
                    tripleBytes = bytes / triples;
                    productBytes = (double)product.Bytes / products;
                }
                rows[mode] = (setup, tripleBytes, BenchData.Median(tripleTimes), productBytes, BenchData.Median(productTimes));
            }
            var hm = rows.GetValueOrDefault(PreprocessingModes.Replicated);
            var ot = rows.GetValueOrDefault(PreprocessingModes.Ot);
            foreach (var (mode, row) in rows)
            {
                bool replicated = mode == PreprocessingModes.Replicated;
                Console.WriteLine($"| {parties} | {(replicated ? (parties - 1) / 2 : parties - 1)} | {mode} | {row.Setup:F0} | {row.TripleBytes:F2} | {row.TripleSeconds:F3} | {row.ProductBytes:F0} | {row.ProductSeconds:F3} | "
                    + (replicated && rows.ContainsKey(PreprocessingModes.Ot) ? $"{Ratio(ot.TripleBytes, hm.TripleBytes)} | {Ratio(ot.ProductBytes, hm.ProductBytes)} |" : " | |"));
            }
        }
        Console.WriteLine();
    }

    private static string Ratio(double ot, double replicated) => replicated == 0 ? "none sent" : $"{ot / replicated:F1}x";

    // Every party draws one triple (the setup: base OTs, component keys), then `count` at once; the seconds are the
    // slowest party's, the bytes the average party's.
    private static async Task<(double Setup, double Seconds, double Bytes)> TriplesAsync(string mode, int parties, int count)
    {
        var network = new InMemoryNetwork(parties, TimeSpan.FromMinutes(10));
        var seeds = PairwiseSeeds.CreateForLocalParties(parties);
        var engines = Enumerable.Range(0, parties).Select(i => PreprocessingModes.Create<ulong>(mode, network.GetChannel(i), seeds[i], default, default)).ToArray();
        try
        {
            await Task.WhenAll(engines.Select(e => Task.Run(async () => await e.GetTriplesAsync(1, default))));
            double setup = engines.Average(e => (double)e.BytesSent);
            var watch = Stopwatch.StartNew();
            await Task.WhenAll(engines.Select(e => Task.Run(async () => await e.GetTriplesAsync(count, default))));
            return (setup, watch.Elapsed.TotalSeconds, engines.Average(e => (double)e.BytesSent) - setup);
        }
        finally
        {
            foreach (var e in engines) (e as IDisposable)?.Dispose();
        }
    }
}
