using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

public class BitDecompositionTests
{
    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task DecompositionRecoversEveryBitOfRandomElementsInBothRings(int parties) =>
        await Property.CheckAsync(nameof(DecompositionRecoversEveryBitOfRandomElementsInBothRings), 2, async (random, _) =>
        {
            var small = Enumerable.Range(0, 150).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63)).Concat([0UL, 1UL, ulong.MaxValue, 1UL << 63, (1UL << 63) - 1]).ToArray();
            await AssertBitsAsync(parties, small);
            var large = small.Select(v => ((UInt128)(ulong)random.NextInt64() << 64) | v).Concat([UInt128.MaxValue, UInt128.One << 127]).ToArray();
            await AssertBitsAsync(parties, large);
        });

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(7)]
    public async Task SummingTheSharesInABinaryCircuitRecoversEveryBitWithAnyNumberOfParties(int parties) =>
        await Property.CheckAsync(nameof(SummingTheSharesInABinaryCircuitRecoversEveryBitWithAnyNumberOfParties) + parties, 1, async (random, _) =>
        {
            var small = Enumerable.Range(0, 100).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63)).Concat([0UL, 1UL, ulong.MaxValue, 1UL << 63]).ToArray();
            await AssertBitsAsync(parties, small, BitDecomposition.DecomposeBySharesSumRawAsync);
            var large = small.Select(v => ((UInt128)(ulong)random.NextInt64() << 64) | v).Concat([UInt128.MaxValue, UInt128.One << 127]).ToArray();
            await AssertBitsAsync(parties, large, BitDecomposition.DecomposeBySharesSumRawAsync);
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task PowerOfTwoStepsEqualSignedComparisonsWithEveryThreshold(int parties)
    {
        // Around every power of two, zero, negatives and the ends of the signed range.
        var values = new List<long> { 0, -1, -2, long.MinValue, long.MaxValue, 3, -(1L << 40) };
        for (int j = 0; j < 63; j++) values.AddRange([(1L << j) - 1, 1L << j, (1L << j) + 1]);
        var raw = values.Select(v => unchecked((ulong)v)).ToArray();
        var ranges = new[] { (0, 63), (5, 21), (40, 41), (7, 7) };
        var results = await LocalHarness.RunAsync<ulong, ulong[][]>(parties, async rt =>
        {
            var x = Shared(rt, raw);
            var opened = new ulong[ranges.Length][];
            for (int r = 0; r < ranges.Length; r++) opened[r] = await Opening.OpenAsync(rt, await BitDecomposition.AtLeastPowersOfTwoRawAsync(rt, x, ranges[r].Item1, ranges[r].Item2));
            return opened;
        });
        for (int r = 0; r < ranges.Length; r++)
        {
            var (low, high) = ranges[r];
            int count = high - low;
            Assert.Equal(values.Count * count, results[0][r].Length);
            for (int i = 0; i < values.Count; i++)
                for (int q = 0; q < count; q++)
                    Assert.True((values[i] >= 1L << (low + q) ? 1UL : 0UL) == results[0][r][i * count + q], $"x = {values[i]}, threshold 2^{low + q}");
        }
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task MultipleStepsEqualSignedComparisonsBelowInsideAndAboveTheRange(int parties)
    {
        const int shift = 16;
        var values = new List<long> { long.MinValue, -1, 0, 1, long.MaxValue, 1L << 50 };
        for (int q = -2; q <= 70; q++) values.AddRange([(long)q << shift, ((long)q << shift) - 1, ((long)q << shift) + 12345]);
        var raw = values.Select(v => unchecked((UInt128)(Int128)v)).ToArray();
        var counts = new[] { 42, 64, 65, 2, 1 };
        var results = await LocalHarness.RunAsync<UInt128, UInt128[][]>(parties, async rt =>
        {
            var x = Shared(rt, raw);
            var opened = new UInt128[counts.Length][];
            for (int c = 0; c < counts.Length; c++) opened[c] = await Opening.OpenAsync(rt, await BitDecomposition.AtLeastMultiplesRawAsync(rt, x, shift, counts[c]));
            return opened;
        });
        for (int c = 0; c < counts.Length; c++)
        {
            int steps = counts[c] - 1;
            Assert.Equal(values.Count * steps, results[0][c].Length);
            for (int i = 0; i < values.Count; i++)
                for (int q = 1; q <= steps; q++)
                    Assert.True((values[i] >= (long)q << shift ? UInt128.One : UInt128.Zero) == results[0][c][i * steps + q - 1], $"x = {values[i]}, threshold {q} * 2^{shift}, {counts[c]} positions");
        }
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task LowBitsAndStepsOfSmallSecretsAreExactIncludingNegativesInBothRings(int parties) =>
        await Property.CheckAsync(nameof(LowBitsAndStepsOfSmallSecretsAreExactIncludingNegativesInBothRings), 2, async (random, seed) =>
        {
            // |x| < 2^bits: random values of every size, both signs, and the ends; x mod 2^bits is what must come out.
            foreach (var (bits, ring128) in new[] { (25, true), (40, true), (17, false), (2, false) })
            {
                var values = Enumerable.Range(0, 120).Select(_ => (long)Math.Floor(Math.Pow(2, bits * random.NextDouble())) * (random.Next(2) == 0 ? 1 : -1))
                    .Concat([0L, 1L, -1L, (1L << bits) - 1, -((1L << bits) - 1), 1L << (bits - 1), -(1L << (bits - 1))]).ToArray();
                if (ring128) await AssertLowBitsAsync(parties, values.Select(v => unchecked((UInt128)(Int128)v)).ToArray(), values, bits, seed);
                else await AssertLowBitsAsync(parties, values.Select(v => unchecked((ulong)v)).ToArray(), values, bits, seed);
            }
        });

    private static async Task AssertLowBitsAsync<T>(int parties, T[] raw, long[] values, int bits, int seed)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = BitSlicing.WordsFor(raw.Length);
        var results = await LocalHarness.RunAsync<T, (ulong[] Bits, T[] Steps)>(parties, async rt =>
        {
            var x = Shared(rt, raw);
            var low = await BitDecomposition.DecomposeLowRawAsync(rt, x, bits);
            var steps = await BitDecomposition.AtLeastPowersOfTwoLowRawAsync(rt, x, bits);
            return (await Opening.OpenBitsAsync(rt, low), await Opening.OpenAsync(rt, steps));
        });
        var (opened, stepValues) = results[0];
        for (int i = 0; i < values.Length; i++)
        {
            long unsigned = values[i] & ((1L << bits) - 1);
            for (int j = 0; j < bits; j++)
            {
                Assert.True(((unsigned >> j) & 1) == 1 == BitSlicing.Get(opened.AsSpan(j * w, w), i), $"seed {seed}, {bits} bits, element {i} ({values[i]}), bit {j}");
                Assert.True((unsigned >= 1L << j ? T.One : T.Zero) == stepValues[i * bits + j], $"seed {seed}, {bits} bits, element {i} ({values[i]}), step {j}");
            }
        }
    }

    // Shares of raw ring elements: a zero sharing from party 0 plus the public values.
    private static T[] Shared<T>(MpcRuntime<T> rt, T[] values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        Input.Share(rt, 0, rt.PartyIndex == 0 ? new double[values.Length] : null, values.Length, 1, 0).AddPublic(values.AsSpan()).Share;

    private static async Task AssertBitsAsync<T>(int parties, T[] values, Func<MpcRuntime<T>, T[], Task<ulong[]>>? decompose = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        decompose ??= BitDecomposition.DecomposeRawAsync;
        int k = RingArithmetic<T>.Bits, w = BitSlicing.WordsFor(values.Length);
        var results = await LocalHarness.RunAsync<T, ulong[]>(parties, async rt =>
        {
            var bits = await decompose(rt, Shared(rt, values));
            return await Opening.OpenBitsAsync(rt, bits);
        });
        for (int i = 0; i < values.Length; i++)
            for (int j = 0; j < k; j++)
            {
                bool expected = !T.IsZero((values[i] >> j) & T.One);
                Assert.True(expected == BitSlicing.Get(results[0].AsSpan(j * w, w), i), $"element {i} ({values[i]}), bit {j}");
            }
    }
}
