using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Bench;

/// <summary>
/// The oblivious sort behind mpc.Sort and mpc.Quantiles (Z_2^128, f = 40, 3 parties, online phase with a dealer),
/// beside one batch of as many comparisons as there are values, in the same run: what a sort costs in comparisons' worth.
/// </summary>
internal static class OrderStatisticsBenchmarks
{
    public static async Task RunAsync(int repetitions)
    {
        var dealer = new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer };
        var random = new Random(7);
        foreach (int n in new[] { 228, 1000 })
        {
            var values = Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble() * 100, 2)).ToArray();
            var sort = new List<double>();
            var batch = new List<double>();
            long sortRounds = 0, batchRounds = 0;
            for (int r = 0; r <= repetitions; r++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var rounds = await LocalHarness.RunAsync<UInt128, long>(3, async rt =>
                {
                    await OrderStatistics.SortAsync(rt, Input.Share(rt, 0, rt.PartyIndex == 0 ? values : null, n, 1, 40));
                    return rt.Statistics.Rounds;
                }, dealer);
                if (r > 0) sort.Add(watch.Elapsed.TotalMilliseconds);
                sortRounds = rounds[0];
                watch.Restart();
                rounds = await LocalHarness.RunAsync<UInt128, long>(3, async rt =>
                {
                    var x = Input.Share(rt, 0, rt.PartyIndex == 0 ? values : null, n, 1, 40);
                    await Comparison.SelectAsync(rt, await Comparison.LessThanAsync(rt, x, x * 2), x, x);
                    return rt.Statistics.Rounds;
                }, dealer);
                if (r > 0) batch.Add(watch.Elapsed.TotalMilliseconds);
                batchRounds = rounds[0];
            }
            double ratio = BenchData.Median(sort) / BenchData.Median(batch);
            Console.WriteLine($"sort of {n} values, 3 parties (dealer)          {BenchData.Median(sort),10:F1} ms   {n} compare-and-selects {BenchData.Median(batch),9:F1} ms   ratio {ratio,6:F1}x   "
                + $"rounds {sortRounds} vs {batchRounds}");
        }
    }
}
