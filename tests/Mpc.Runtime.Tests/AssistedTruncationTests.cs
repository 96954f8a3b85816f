using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>
/// Truncation on the honest-majority engine with pairs dealt by the helper party: exact to one unit and unbiased over
/// the whole range the fixed-point format allows, and its pairs cost two ring elements from the helper, not k daBits.
/// </summary>
public class AssistedTruncationTests
{
    private static readonly LocalHarnessOptions Replicated = new() { Preprocessing = PreprocessingMode.Replicated };

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(1)]
    public async Task AssistedTruncationIsTheFloorOrOneAboveAndUnbiasedOverTheWholeRangeInZ64(int shift)
    {
        int seed = Property.BaseSeed + shift;
        var random = new Random(seed);
        long edge = (1L << 62) - 1;
        var x = new Int128[] { edge, -edge, 0, -1, 1 }.Concat(Enumerable.Range(0, 20_000).Select(_ => (Int128)random.NextInt64(-edge, edge))).ToArray();
        var results = await LocalHarness.RunAsync<ulong, ulong[]>(3, async rt =>
        {
            Assert.IsAssignableFrom<IAssistedTruncation<ulong>>(rt.Preprocessing);
            return await Opening.OpenAsync(rt, await Truncation.TruncateRawAsync(rt, CountedRun.ToRing(rt, x), shift));
        }, Replicated);
        CheckFloorOrOneAbove(x, results[0], shift, seed);
    }

    [Fact]
    public async Task AssistedTruncationIsTheFloorOrOneAboveInZ128()
    {
        const int Shift = 40;
        int seed = Property.BaseSeed;
        var random = new Random(seed);
        Int128 edge = (Int128.One << 126) - 1;
        var x = new[] { edge, -edge, Int128.Zero, Int128.NegativeOne }
            .Concat(Enumerable.Range(0, 5000).Select(_ => (random.Next(2) == 0 ? 1 : -1) * (((Int128)random.NextInt64() << 62) ^ random.NextInt64()))).ToArray();
        var results = await LocalHarness.RunAsync<UInt128, UInt128[]>(3, async rt =>
            await Opening.OpenAsync(rt, await Truncation.TruncateRawAsync(rt, CountedRun.ToRing(rt, x), Shift)), Replicated);
        CheckFloorOrOneAbove(x, results[0], Shift, seed);
    }

    [Fact]
    public async Task AnAssistedPairRecombinesAndCostsTwoRingElementsFromTheHelperAndNothingElse()
    {
        const int Count = 1000, Shift = 16;
        var network = new InMemoryNetwork(3, TimeSpan.FromMinutes(2));
        var seeds = PairwiseSeeds.CreateForLocalParties(3);
        var sources = Enumerable.Range(0, 3).Select(i => new ReplicatedPreprocessing<ulong>(network.GetChannel(i), seeds[i])).ToArray();
        var pairs = await Task.WhenAll(sources.Select(s => s.GetAssistedTruncationPairsAsync(Count, Shift, default).AsTask()));
        // Before: k = 64 daBits a pair, each 2 elements of 8 bytes to each of 2 peers, from every party.
        Assert.Equal([0L, 0L, Count * 2 * 8], sources.Select(s => s.BytesSent));
        var (first, second, helper) = (pairs[0], pairs[1], pairs[2]);
        var ((firstShifted, firstTop), (secondShifted, secondTop)) = (await first.Dealt, await second.Dealt);
        Assert.Empty(helper.R);
        for (int i = 0; i < Count; i++)
        {
            ulong r = unchecked(first.R[i] + second.R[i]);
            Assert.Equal(r >> Shift, unchecked(firstShifted[i] + secondShifted[i]));
            Assert.Equal(r >> 63, unchecked(firstTop[i] + secondTop[i]));
            Assert.Equal(first.MaskOfFirst[i], helper.MaskOfFirst[i]);
            Assert.Equal(second.MaskOfSecond[i], helper.MaskOfSecond[i]);
        }
        // r is uniform: its top bit is set about half the time.
        Assert.InRange(Enumerable.Range(0, Count).Count(i => unchecked(first.R[i] + second.R[i]) >> 63 == 1), 400, 600);
        foreach (var s in sources) s.Dispose();
    }

    [Fact]
    public async Task TheHelperReceivesNothingInAnAssistedTruncation()
    {
        var x = Enumerable.Range(0, 100).Select(i => (Int128)(i * 12345L - 600_000)).ToArray();
        var received = await LocalHarness.RunAsync<ulong, long>(3, async rt =>
        {
            await Truncation.TruncateRawAsync(rt, CountedRun.ToRing(rt, x), 16);
            return rt.Statistics.BytesSent;
        }, Replicated);
        // Each computing party sends 100 elements to the other; the helper 100 to each. Nobody sends to the helper.
        Assert.Equal([800L, 800L, 1600L], received);
    }

    [Fact]
    public async Task WithFourPartiesTheFourthSendsItsShareAsTheHelperDoesAndTheTruncationIsTheFloorOrOneAbove()
    {
        int seed = Property.BaseSeed + 4;
        var random = new Random(seed);
        long edge = (1L << 62) - 1;
        var x = new Int128[] { edge, -edge, 0, -1, 1 }.Concat(Enumerable.Range(0, 5000).Select(_ => (Int128)random.NextInt64(-edge, edge))).ToArray();
        var results = await LocalHarness.RunAsync<ulong, (ulong[] Opened, long Sent, long Preprocessing)>(4, async rt =>
        {
            Assert.True(rt.Preprocessing is IAssistedTruncation<ulong> { OffersAssistedTruncation: true });
            var truncated = await Truncation.TruncateRawAsync(rt, CountedRun.ToRing(rt, x), 16);
            long sent = rt.Statistics.BytesSent, preprocessing = rt.Preprocessing.BytesSent;
            return (await Opening.OpenAsync(rt, truncated), sent, preprocessing);
        }, Replicated);
        CheckFloorOrOneAbove(x, results[0].Opened, 16, seed);
        // Computing parties 0 and 1 send n elements to each other; the helper and the fourth party n to each of them.
        int n = x.Length;
        Assert.Equal([8L * n, 8L * n, 16L * n, 16L * n], results.Select(r => r.Sent));
        // Only the helper deals, two elements a pair to party 1; the first draw agrees the components' keys, 16 bytes from
        // each component's lowest holder to each of its two other holders (party 1 deals the key of {0}, party 0 the rest).
        Assert.Equal([6L * 16, 2L * 16, 16L * n, 0L], results.Select(r => r.Preprocessing));
    }

    [Fact]
    public async Task WithFiveOrMorePartiesNoHelperDealsTruncationPairs()
    {
        var offered = await LocalHarness.RunAsync<ulong, bool>(5, rt =>
            Task.FromResult(rt.Preprocessing is IAssistedTruncation<ulong> { OffersAssistedTruncation: true }), Replicated);
        Assert.All(offered, Assert.False);
    }

    private static void CheckFloorOrOneAbove<T>(Int128[] x, T[] opened, int shift, int seed) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        double meanError = 0;
        for (int i = 0; i < x.Length; i++)
        {
            Int128 floor = x[i] >> shift, got = RingArithmetic<T>.ToSignedInt128(opened[i]);
            Assert.True(got == floor || got == floor + 1, $"seed {seed}, element {i}: floor({x[i]} / 2^{shift}) = {floor}, got {got}");
            meanError += (double)(got - floor) - (double)(x[i] & ((Int128.One << shift) - 1)) / Math.Pow(2, shift);
        }
        // Stochastic rounding: the mean error over the samples is near 0 (its standard deviation is at most 0.5 / sqrt(n)).
        Assert.InRange(meanError / x.Length, -0.03, 0.03);
    }
}
