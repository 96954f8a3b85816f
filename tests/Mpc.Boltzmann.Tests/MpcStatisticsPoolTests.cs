using Mpc.Runtime;
using Mpc.Runtime.Harness;

namespace Mpc.Boltzmann.Tests;

public class MpcStatisticsPoolTests
{
    private const int Dimension = 37;

    // Each party's records, uniform in [-1, 1], from its own seed: 1 to 6 of them.
    private static List<double[]> Records(int seed, int party)
    {
        var random = new Random(seed * 1009 + party);
        return [.. Enumerable.Range(0, 1 + random.Next(6)).Select(_ => Enumerable.Range(0, Dimension).Select(_ => 2 * random.NextDouble() - 1).ToArray())];
    }

    [Theory]
    [InlineData(2, 11)]
    [InlineData(3, 12)]
    [InlineData(20, 13)]
    public async Task BoundedSumsOpenTheClearSumOfEveryPartysRecordsAndTheSameValuesAsRingSums(int parties, int seed)
    {
        var results = await LocalHarness.RunAsync<UInt128, (double Rows, double[] Words, double[] Ring)>(parties, async rt =>
        {
            var pool = new MpcStatisticsPool<UInt128>(rt, "statistics");
            var records = Records(seed, rt.PartyIndex);
            double rows = await pool.TotalRowsAsync(records.Count);
            return (rows, await pool.SumAsync("step", records, Dimension, 1), await pool.SumAsync("step", records, Dimension));
        }, new LocalHarnessOptions { Preprocessing = PreprocessingMode.Dealer });
        var all = Enumerable.Range(0, parties).SelectMany(p => Records(seed, p)).ToList();
        var clear = Enumerable.Range(0, Dimension).Select(k => all.Sum(r => r[k])).ToArray();
        foreach (var (rows, words, ring) in results)
        {
            Assert.Equal(all.Count, rows);
            // Each party rounds its local sum once at 2^-40.
            for (int k = 0; k < Dimension; k++) Assert.True(Math.Abs(words[k] - clear[k]) <= parties * Math.Pow(2, -40), $"seed {seed}, element {k}: {words[k]} against {clear[k]}");
            Assert.Equal(ring, words);
        }
    }

    [Fact]
    public async Task ABoundedStepSendsEightBytesAnElementEachWayAndAnUnboundedOrTooLargeOneSixteen()
    {
        const int Parties = 3;
        var sent = await LocalHarness.RunAsync<UInt128, long[]>(Parties, async rt =>
        {
            var pool = new MpcStatisticsPool<UInt128>(rt, "statistics");
            var records = Records(21, rt.PartyIndex);
            await pool.TotalRowsAsync(records.Count);
            var bytes = new List<long>();
            foreach (double bound in new[] { 1, double.PositiveInfinity, 1e9 })
            {
                long before = rt.Statistics.BytesSent;
                await pool.SumAsync("step", records, Dimension, bound);
                bytes.Add(rt.Statistics.BytesSent - before);
            }
            return [.. bytes];
        }, new LocalHarnessOptions { Preprocessing = PreprocessingMode.Dealer });
        // The leader sends the sum to each other party; every other party sends the leader its masked vector.
        Assert.Equal(new long[] { (Parties - 1) * 8 * Dimension, (Parties - 1) * 16 * Dimension, (Parties - 1) * 16 * Dimension }, sent[0]);
        for (int p = 1; p < Parties; p++) Assert.Equal(new long[] { 8 * Dimension, 16 * Dimension, 16 * Dimension }, sent[p]);
    }

    [Fact]
    public async Task ARecordBeyondItsDeclaredBoundStopsTheSumBeforeAnythingIsSent()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => LocalHarness.RunAsync<UInt128, double[]>(2, async rt =>
        {
            var pool = new MpcStatisticsPool<UInt128>(rt, "statistics");
            await pool.TotalRowsAsync(1);
            return await pool.SumAsync("step", [[0.5, rt.PartyIndex == 1 ? 1.5 : 0]], 2, 1);
        }, new LocalHarnessOptions { Preprocessing = PreprocessingMode.Dealer }));
        Assert.Contains("beyond its release's bound", error.Message);
    }
}
