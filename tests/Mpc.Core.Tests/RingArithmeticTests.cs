using System.Numerics;
using Mpc.Core;

namespace Mpc.Core.Tests;

public class RingArithmeticTests
{
    [Fact]
    public void AdditionAndMultiplicationWrapModuloTwoToTheK()
    {
        var a = new ulong[] { ulong.MaxValue, 1UL << 63, 5 };
        var b = new ulong[] { 2, 1UL << 63, 7 };
        var sum = new ulong[3];
        var product = new ulong[3];
        RingArithmetic<ulong>.Add(a, b, sum);
        RingArithmetic<ulong>.Multiply(a, b, product);
        Assert.Equal(new ulong[] { 1, 0, 12 }, sum);
        Assert.Equal(new ulong[] { ulong.MaxValue - 1, 0, 35 }, product);
    }

    [Fact]
    public void VectorisedAndScalarPathsAgreeForEveryLength()
    {
        var random = new Random(7);
        for (int n = 0; n < 40; n++)
        {
            var a = Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64()).ToArray();
            var b = Enumerable.Range(0, n).Select(_ => (ulong)random.NextInt64()).ToArray();
            var sum = new ulong[n];
            var difference = new ulong[n];
            RingArithmetic<ulong>.Add(a, b, sum);
            RingArithmetic<ulong>.Subtract(a, b, difference);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(unchecked(a[i] + b[i]), sum[i]);
                Assert.Equal(unchecked(a[i] - b[i]), difference[i]);
            }
        }
    }

    [Fact]
    public void Ring128MatrixProductMatchesBigIntegerReference()
    {
        var random = new Random(11);
        int n = 3, m = 4, p = 2;
        UInt128 Next() => new((ulong)random.NextInt64(), (ulong)random.NextInt64());
        var a = Enumerable.Range(0, n * m).Select(_ => Next()).ToArray();
        var b = Enumerable.Range(0, m * p).Select(_ => Next()).ToArray();
        var c = new UInt128[n * p];
        RingArithmetic<UInt128>.MatrixMultiply(a, b, c, n, m, p);
        var modulus = BigInteger.One << 128;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < p; j++)
            {
                BigInteger expected = 0;
                for (int l = 0; l < m; l++) expected += (BigInteger)a[i * m + l] * (BigInteger)b[l * p + j];
                Assert.Equal(expected % modulus, (BigInteger)c[i * p + j]);
            }
    }

    [Fact]
    public void SignedReadingIsTwosComplement()
    {
        Assert.Equal(-1.0, RingArithmetic<ulong>.ToSignedDouble(ulong.MaxValue));
        Assert.Equal(-1.0, RingArithmetic<UInt128>.ToSignedDouble(UInt128.MaxValue));
        Assert.Equal((Int128)(-5), RingArithmetic<UInt128>.ToSignedInt128(RingArithmetic<UInt128>.FromInt64(-5)));
        Assert.True(RingArithmetic<ulong>.IsNegative(1UL << 63));
        Assert.False(RingArithmetic<ulong>.IsNegative(long.MaxValue));
    }

    [Fact]
    public void MismatchedLengthsAreRejectedWithTheLengths()
    {
        var error = Assert.Throws<ArgumentException>(() => RingArithmetic<ulong>.Add(new ulong[2], new ulong[3], new ulong[2]));
        Assert.Equal("Operand lengths differ: 2, 3 and destination 2.", error.Message);
    }
}
