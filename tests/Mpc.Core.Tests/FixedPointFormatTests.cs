using Mpc.Core;

namespace Mpc.Core.Tests;

public class FixedPointFormatTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.5)]
    [InlineData(-1.5)]
    [InlineData(-123456.789)]
    [InlineData(7e13)]
    [InlineData(-7e13)]
    public void EncodeThenDecodeIsWithinHalfAUnit(double value)
    {
        var format = FixedPointFormat.Ring64;
        var decoded = FixedPointFormat.Decode<ulong>(format.Encode<ulong>([value]), format.FractionalBits)[0];
        Assert.True(Math.Abs(decoded - value) <= format.Resolution / 2, $"{value} -> {decoded}");
    }

    [Fact]
    public void Ring128KeepsFortyFractionalBits()
    {
        var format = FixedPointFormat.Ring128;
        var decoded = FixedPointFormat.Decode<UInt128>(format.Encode<UInt128>([1e-6, -3e20]), 40);
        Assert.Equal(1e-6, decoded[0], 1e-12);
        Assert.Equal(-3e20, decoded[1], 1e5);
    }

    [Fact]
    public void NegativeValuesAreTwosComplementInBothRingsOnEitherSideOfTwoToThe63()
    {
        // -1.5 * 2^40 fits a long; -2^30 * 2^40 = -2^70 does not: both must wrap modulo 2^128.
        var encoded = FixedPointFormat.Ring128.Encode<UInt128>([-1.5, -0x40000000]);
        Assert.Equal(UInt128.MaxValue - (UInt128)(3L << 39) + 1, encoded[0]);
        Assert.Equal(UInt128.MaxValue - (UInt128.One << 70) + 1, encoded[1]);
        Assert.Equal(ulong.MaxValue - (3UL << 15) + 1, FixedPointFormat.Ring64.Encode<ulong>([-1.5])[0]);
    }

    [Fact]
    public void ValuesBeyondTheRangeAreRejectedWithTheirIndex()
    {
        var format = FixedPointFormat.Ring64;
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => format.Encode<ulong>([1, 2, format.MaxMagnitude]));
        Assert.StartsWith("Value 70368744177664 at index 2 is outside the representable range", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => format.Encode<ulong>([double.NaN]));
        Assert.Throws<ArgumentException>(() => format.Encode<ulong>([double.PositiveInfinity]));
    }

    [Fact]
    public void TheFormatMustFitItsRing()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedPointFormat(64, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedPointFormat(64, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedPointFormat(32, 8));
        Assert.Throws<ArgumentException>(() => FixedPointFormat.Ring128.Encode<ulong>([1.0]));
    }

    [Fact]
    public void DocumentedRangesHold()
    {
        Assert.Equal(Math.Pow(2, 46), FixedPointFormat.Ring64.MaxMagnitude);
        Assert.Equal(Math.Pow(2, 30), FixedPointFormat.Ring64.MaxProductMagnitude);
        Assert.Equal(Math.Pow(2, 46), FixedPointFormat.Ring128.MaxProductMagnitude);
    }
}
