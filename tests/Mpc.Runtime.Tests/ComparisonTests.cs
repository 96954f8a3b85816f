using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

public class ComparisonTests
{
    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task LessThanZeroIsExactForRandomValues(int parties) =>
        await Property.CheckAsync(nameof(LessThanZeroIsExactForRandomValues), 3, async (random, _) =>
        {
            var x = Property.Uniform(random, 300, -1e9, 1e9);
            var bits = await Parties.EvaluateAsync<ulong>(parties, x, Comparison.LessThanZeroAsync);
            Assert.Equal(x.Select(v => v < 0 ? 1.0 : 0.0).ToArray(), bits);
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task LessThanZeroIsExactAtTheEdgesOfTheRing(int parties)
    {
        // Raw ring values: 0, 1, -1, the largest positive 2^63-1 and the most negative -2^63.
        var values = new ulong[] { 0, 1, ulong.MaxValue, long.MaxValue, 1UL << 63, 12345, unchecked((ulong)-12345L) };
        var results = await LocalHarness.RunAsync<ulong, ulong[]>(parties, async rt =>
        {
            var secret = RawInput(rt, values);
            return await Opening.RevealAsync(rt, await Comparison.LessThanZeroAsync(rt, secret), "sign");
        });
        Assert.Equal(new ulong[] { 0, 0, 1, 0, 1, 0, 1 }, results[0]);
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task LessThanZeroIsExactInRing128(int parties)
    {
        var values = new UInt128[] { 0, 1, UInt128.MaxValue, UInt128.MaxValue >> 1, UInt128.One << 127, 99, UInt128.MaxValue - 98 };
        var results = await LocalHarness.RunAsync<UInt128, UInt128[]>(parties, async rt =>
        {
            var secret = RawInput(rt, values);
            return await Opening.RevealAsync(rt, await Comparison.LessThanZeroAsync(rt, secret), "sign");
        });
        Assert.Equal(new UInt128[] { 0, 0, 1, 0, 1, 0, 1 }, results[0]);
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task EqualityToZeroIsExact(int parties)
    {
        var values = new ulong[] { 0, 1, ulong.MaxValue, 1UL << 63, 0, 1UL << 40, 0 };
        var results = await LocalHarness.RunAsync<ulong, ulong[]>(parties, async rt =>
            await Opening.RevealAsync(rt, await Comparison.EqualsZeroAsync(rt, RawInput(rt, values)), "zero"));
        Assert.Equal(new ulong[] { 1, 0, 0, 0, 1, 0, 1 }, results[0]);
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task ComparisonsOfTwoSecretsMatchClearText(int parties) =>
        await Property.CheckAsync(nameof(ComparisonsOfTwoSecretsMatchClearText), 2, async (random, _) =>
        {
            var x = Enumerable.Range(0, 100).Select(_ => (double)random.Next(-5, 5)).ToArray();
            var y = Enumerable.Range(0, 100).Select(_ => (double)random.Next(-5, 5)).ToArray();
            var results = await LocalHarness.RunAsync<ulong, double[][]>(parties, async rt =>
            {
                var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, 100, 1, 16);
                var sy = Input.Share(rt, 1, rt.PartyIndex == 1 ? y : null, 100, 1, 16);
                return
                [
                    await Opening.RevealRealAsync(rt, await Comparison.LessThanAsync(rt, sx, sy), "lt"),
                    await Opening.RevealRealAsync(rt, await Comparison.GreaterThanOrEqualAsync(rt, sx, sy), "ge"),
                    await Opening.RevealRealAsync(rt, await Comparison.EqualsAsync(rt, sx, sy), "eq"),
                    await Opening.RevealRealAsync(rt, await Comparison.MaximumAsync(rt, sx, sy), "max"),
                    await Opening.RevealRealAsync(rt, await Comparison.AbsoluteAsync(rt, sx), "abs"),
                ];
            });
            var r = results[0];
            Assert.Equal(x.Zip(y, (a, b) => a < b ? 1.0 : 0.0), r[0]);
            Assert.Equal(x.Zip(y, (a, b) => a >= b ? 1.0 : 0.0), r[1]);
            Assert.Equal(x.Zip(y, (a, b) => a == b ? 1.0 : 0.0), r[2]);
            Assert.Equal(x.Zip(y, Math.Max), r[3]);
            Assert.Equal(x.Select(Math.Abs), r[4]);
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task BoundedSignsAreExactForEveryValueWithinTheStatedBoundInBothRings(int parties) =>
        await Property.CheckAsync(nameof(BoundedSignsAreExactForEveryValueWithinTheStatedBoundInBothRings), 2, async (random, _) =>
        {
            // 18 bits fit the 64-bit ring's mask at 5 parties; 40 only the 128-bit ring's.
            foreach (int bits in new[] { 1, 6, 18, 40 })
            {
                long limit = (1L << bits) - 1;
                // The edges of the bound, zero and -1, then uniform values inside it.
                var values = new long[] { limit, -limit, 0, -1, 1 }.Concat(Enumerable.Range(0, 60).Select(_ => random.NextInt64(-limit, limit + 1))).ToArray();
                var expected = values.Select(v => v < 0 ? 1UL : 0UL).ToArray();
                var small = bits > 18 ? null : await LocalHarness.RunAsync<ulong, ulong[]>(parties, async rt =>
                    await Opening.RevealAsync(rt, await Comparison.LessThanZeroBoundedAsync(rt, RawInput(rt, values.Select(v => unchecked((ulong)v)).ToArray()), bits), "sign"));
                var large = await LocalHarness.RunAsync<UInt128, UInt128[]>(parties, async rt =>
                    await Opening.RevealAsync(rt, await Comparison.LessThanZeroBoundedAsync(rt, RawInput(rt, values.Select(v => unchecked((UInt128)(Int128)v)).ToArray()), bits), "sign"));
                if (small is not null) Assert.All(small, r => Assert.Equal(expected, r));
                Assert.All(large, r => Assert.Equal(expected.Select(e => (UInt128)e).ToArray(), r));
            }
        });

    [Fact]
    public async Task ABoundedComparisonRefusesABoundWithoutRoomForItsMask()
    {
        await LocalHarness.RunAsync<ulong, int>(2, async rt =>
        {
            int largest = Comparison.MaximumBoundBits(rt);
            // 64 - 2 - 40 - 2 bits of party count, less the sign bit.
            Assert.Equal(19, largest);
            var x = RawInput(rt, new ulong[] { 1 });
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Comparison.LessThanZeroBoundedAsync(rt, x, largest + 1));
            await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Comparison.LessThanZeroBoundedAsync(rt, x, 0));
            return largest;
        });
    }

    private static Secret<T> RawInput<T>(MpcRuntime<T> rt, T[] values)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IUnsignedNumber<T>
    {
        // Share raw ring elements: party 0 adds them to a zero sharing of the right length.
        var zero = Input.Share(rt, 0, rt.PartyIndex == 0 ? new double[values.Length] : null, values.Length, 1, 0);
        return zero.AddPublic(values.AsSpan());
    }

    [Fact]
    public async Task AComparisonOfOneElementDrawsBinaryTriplesForItsGatesNotWholeWords()
    {
        var x = new Int128[] { -5 };
        var (results, counts) = await CountedRun.RunAsync<UInt128>(3, FixedPointFormat.Ring128, x, rt => Comparison.LessThanZeroRawAsync(rt, CountedRun.ToRing(rt, x)));
        Assert.Equal(Int128.One, RingArithmetic<UInt128>.ToSignedInt128(results[0]));
        // About 2 (k - 1) = 254 gates in 7 layers: their own 4 words and at most one partly used word a layer, not one word a gate.
        Assert.InRange(counts.BinaryWords, 1, 254 / 64 + 7);
    }
}
