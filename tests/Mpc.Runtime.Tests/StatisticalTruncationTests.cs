using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

public class StatisticalTruncationTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(20)]
    public async Task BoundedTruncationIsTheFloorPlusACarryOfAtMostThePartiesAndDrawsNoPreprocessing(int parties)
    {
        // Products at 80 fractional bits below 2^82 (|value| < 4), truncated by 40, as the sigmoid's are.
        const int Shift = 40, Bound = 82;
        var random = new Random(Property.BaseSeed + parties);
        Int128 edge = (Int128.One << Bound) - 1;
        var x = new[] { edge, -edge, Int128.Zero, Int128.NegativeOne }.Concat(Enumerable.Range(0, 2000).Select(_ => Below(random, Bound))).ToArray();
        var (results, counts) = await CountedRun.RunAsync<UInt128>(parties, FixedPointFormat.Ring128, x, rt => Truncation.TruncateBoundedRawAsync(rt, CountedRun.ToRing(rt, x), Shift, Bound));
        Assert.Equal(0, counts.TruncationPairs);
        int low = -((parties - 1) / 2), high = parties - (parties - 1) / 2;
        double meanError = 0;
        for (int i = 0; i < x.Length; i++)
        {
            Int128 floor = x[i] >> Shift, got = RingArithmetic<UInt128>.ToSignedInt128(results[i]);
            Assert.True(got - floor >= low && got - floor <= high, $"seed {Property.BaseSeed + parties}, element {i}: floor({x[i]} / 2^40) = {floor}, got {got}, outside [{low}, {high}] units");
            meanError += (double)(got - floor) - (double)(x[i] & ((Int128.One << Shift) - 1)) / Math.Pow(2, Shift);
        }
        // Centred: the mean error is (N-1)/2 - floor((N-1)/2), 0 or half a unit.
        meanError /= x.Length;
        double expected = (parties - 1) / 2.0 - (parties - 1) / 2;
        Assert.InRange(meanError, expected - 0.1, expected + 0.1);
    }

    [Fact]
    public async Task BoundedTruncationUsesTruncationPairsWhereTheRingHasNoRoom()
    {
        // Z_2^64 cannot hold a 40-bit mask above a 33-bit bound: the general truncation runs, exact to one unit.
        var random = new Random(Property.BaseSeed);
        var x = Enumerable.Range(0, 500).Select(_ => (Int128)random.NextInt64(-(1L << 33), 1L << 33)).ToArray();
        var (results, counts) = await CountedRun.RunAsync<ulong>(3, FixedPointFormat.Ring64, x, rt => Truncation.TruncateBoundedRawAsync(rt, CountedRun.ToRing(rt, x), 16, 33));
        Assert.Equal(x.Length, counts.TruncationPairs);
        for (int i = 0; i < x.Length; i++)
        {
            long floor = (long)(x[i] >> 16), got = (long)RingArithmetic<ulong>.ToSignedInt128(results[i]);
            Assert.True(got == floor || got == floor + 1, $"element {i}: floor({x[i]} / 2^16) = {floor}, got {got}");
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public async Task SigmoidInRing128IsAccurateEverywhereWithOneTruncationPairAnElement(int parties)
    {
        var random = new Random(Property.BaseSeed + parties);
        var x = Property.Uniform(random, 60, -30, 30).Concat([0, 1e-4, -1e-4, 50, -50, 1000, -1000, 1e7, -1e7]).ToArray();
        var format = FixedPointFormat.Ring128;
        var encoded = format.Encode<UInt128>(x).Select(RingArithmetic<UInt128>.ToSignedInt128).ToArray();
        var (results, counts) = await CountedRun.RunAsync<UInt128>(parties, format, encoded, async rt =>
        {
            var secret = new Secret<UInt128>(rt, CountedRun.ToRing(rt, encoded), x.Length, 1, format.FractionalBits);
            return (await Sigmoid.ComputeAsync(rt, secret)).Share;
        });
        // Only the exponential's first truncation (of x log2 e, which is unbounded) draws a pair.
        Assert.Equal(x.Length, counts.TruncationPairs);
        var values = FixedPointFormat.Decode<UInt128>(results, format.FractionalBits);
        // Documented: 2^-(f+1) plus (D + 1)(N/2 + 1) units, D = 9.
        double bound = Math.Pow(2, -41) + 10 * (parties / 2.0 + 1) * Math.Pow(2, -40);
        Parties.AssertWithin(x.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), values, _ => bound, "sigmoid Z_2^128");
        Assert.Equal(9, Sigmoid.Table(40).Coefficients[0].Length - 1);
    }

    [Fact]
    public async Task ExponentialInRing128SaturatesAboveItsRangeAndVanishesBelow()
    {
        var format = FixedPointFormat.Ring128;
        var (low, high) = Exponential.InputRange(format);
        var x = new[] { high + 1, high + 1000, 1e9, low - 1, -1000, -1e9 };
        var encoded = format.Encode<UInt128>(x).Select(RingArithmetic<UInt128>.ToSignedInt128).ToArray();
        var (results, _) = await CountedRun.RunAsync<UInt128>(3, format, encoded, async rt =>
            (await Exponential.ComputeAsync(rt, new Secret<UInt128>(rt, CountedRun.ToRing(rt, encoded), x.Length, 1, format.FractionalBits))).Share);
        var values = FixedPointFormat.Decode<UInt128>(results, format.FractionalBits);
        double ceiling = Math.Pow(2, Exponential.MaximumExponent(format));
        Parties.AssertWithin([ceiling, ceiling, ceiling, 0, 0, 0], values, e => e * Math.Pow(2, -36) + Math.Pow(2, -37), "exp outside its range");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public async Task ReciprocalAndLogarithmInRing128DrawTruncationPairsOnlyWhereTheValuesAreUnbounded(int parties)
    {
        var format = FixedPointFormat.Ring128;
        double top = Reciprocal.MaximumInput(format);
        var random = new Random(Property.BaseSeed + parties);
        var x = Property.LogUniform(random, 40, 1e-9, 1e13).Concat([1, 2, 0.75, 1e-12]).ToArray();
        var outside = new[] { 0, -3, top * 2, top * 1000 };
        var encoded = format.Encode<UInt128>([.. x, .. outside]).Select(RingArithmetic<UInt128>.ToSignedInt128).ToArray();
        // Expected values from the inputs as encoded: 2^-40 is a large part of the smallest.
        var exact = FixedPointFormat.Decode<UInt128>([.. encoded.Take(x.Length).Select(RingArithmetic<UInt128>.FromInt128)], format.FractionalBits);
        // The normalisation's product X V is below 2^85, which leaves room for a 40-bit mask only up to 3 parties.
        int normalisations = parties <= 3 ? 0 : encoded.Length;

        var (reciprocals, counts) = await CountedRun.RunAsync<UInt128>(parties, format, encoded, async rt =>
            (await Reciprocal.ComputeAsync(rt, new Secret<UInt128>(rt, CountedRun.ToRing(rt, encoded), encoded.Length, 1, format.FractionalBits))).Share);
        // Only the final W V (V up to 2^84) is unbounded.
        Assert.Equal(normalisations + encoded.Length, counts.TruncationPairs);
        var values = FixedPointFormat.Decode<UInt128>(reciprocals, format.FractionalBits);
        Parties.AssertWithin([.. exact.Select(v => 1 / v), 0, 0, 0, 0], values, e => Math.Abs(e) * Math.Pow(2, -37) + Math.Pow(2, -39), "reciprocal Z_2^128");

        var (logarithms, logCounts) = await CountedRun.RunAsync<UInt128>(parties, format, encoded, async rt =>
            (await Logarithm.ComputeAsync(rt, new Secret<UInt128>(rt, CountedRun.ToRing(rt, encoded), encoded.Length, 1, format.FractionalBits))).Share);
        Assert.Equal(normalisations, logCounts.TruncationPairs);
        var logs = FixedPointFormat.Decode<UInt128>(logarithms, format.FractionalBits).Take(x.Length).ToArray();
        Parties.AssertWithin([.. exact.Select(v => Math.Log(v))], logs, _ => 1e-10, "ln Z_2^128");
    }

    [Fact]
    public async Task TheLogranksWideReciprocalAtTwentyPartiesKeepsItsErrorWithoutTruncationPairs()
    {
        // Goldschmidt's w (1 + e) taken as w + w e keeps every product below 1.1 at scale 2f (82 bits): with a 40-bit mask per party,
        // 20 parties' masks still fit Z_2^128, where the products w (1 + e) (83 bits) took a truncation pair (128 daBits) each.
        const int parties = 20, bits = 39;
        var format = FixedPointFormat.Ring128;
        var random = new Random(Property.BaseSeed);
        double[] values = [.. Enumerable.Range(0, 20).Select(_ => Math.Floor(Math.Exp(random.NextDouble() * Math.Log(Math.Pow(2, 38))))),
            0, 1, 2, 3, 228.0 * 227.0, 524287.0 * 524286.0, Math.Pow(2, 38) - 1];
        Int128[] encoded = [.. values.Select(v => (Int128)v)];
        var (results, counts) = await CountedRun.RunAsync<UInt128>(parties, format, encoded, async rt =>
        {
            var x = new Secret<UInt128>(rt, CountedRun.ToRing(rt, encoded), encoded.Length, 1, 0);
            return (await Reciprocal.ComputeIntegerWideAsync(rt, x, bits, 1e-8)).Reciprocal.Share;
        });
        Assert.Equal(0, counts.TruncationPairs);
        // Relative 1e-8 plus (steps + 1) N/2 units of 2^-40 relative to 1/y (with the factor 2 the other tests allow); the result is at scale 2f.
        double units = Math.Pow(2, -40) * (parties / 2 + 1);
        var reciprocals = FixedPointFormat.Decode<UInt128>(results, 2 * format.FractionalBits);
        Parties.AssertWithin([.. values.Select(v => v == 0 ? 0 : 1 / v)], reciprocals,
            e => e * (1e-8 + 2 * (Reciprocal.GoldschmidtSteps(1e-8) + 1) * units) + Math.Pow(2, -78), $"1/x at {parties} parties, seed {Property.BaseSeed}");
    }

    [Fact]
    public async Task BoundedProductsOfProbabilitiesComeAtTheAskedScaleWithoutTruncationPairs()
    {
        var format = FixedPointFormat.Ring128;
        var p = Property.Uniform(new Random(Property.BaseSeed), 200, 0, 1).Concat([0.0, 1.0, 0.5]).ToArray();
        var encoded = format.Encode<UInt128>(p).Select(RingArithmetic<UInt128>.ToSignedInt128).ToArray();
        var (results, counts) = await CountedRun.RunAsync<UInt128>(3, format, encoded, async rt =>
        {
            var x = new Secret<UInt128>(rt, CountedRun.ToRing(rt, encoded), p.Length, 1, format.FractionalBits);
            return (await Multiplication.MultiplyBoundedAsync(rt, x, 1.0 - x, 1.0, 16)).Share;
        });
        Assert.Equal(0, counts.TruncationPairs);
        // One truncation from 80 to 16 bits: floor plus a carry in [-1, 2] units for 3 parties.
        Parties.AssertWithin(p.Select(v => v * (1 - v)).ToArray(), FixedPointFormat.Decode<UInt128>(results, 16), _ => 2 * Math.Pow(2, -16), "p (1 - p)");
    }

    // Uniform in (-2^bits, 2^bits), every bit in play.
    private static Int128 Below(Random random, int bits)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        var value = (Int128)(System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(bytes) & ((UInt128.One << (bits + 1)) - 1)) - (Int128.One << bits);
        return value == -(Int128.One << bits) ? value + 1 : value;
    }
}
