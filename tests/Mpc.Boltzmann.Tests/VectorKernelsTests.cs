using Mpc.Boltzmann;

namespace Mpc.Boltzmann.Tests;

public class VectorKernelsTests
{
    [Fact]
    public void AddScaledIsBitForBitTheScalarLoopAndDotTheFixedOrderFourSumAtEveryLength()
    {
        const int Seed = 29;
        var random = new Random(Seed);
        // Lengths around every vector width and the layers' sizes (15, 25, 50).
        for (int n = 0; n <= 70; n++)
        {
            var x = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            var y = Enumerable.Range(0, n).Select(_ => random.NextDouble() * 2 - 1).ToArray();
            double a = random.NextDouble() * 4 - 2;
            var expected = (double[])y.Clone();
            for (int j = 0; j < n; j++) expected[j] += a * x[j];
            var actual = (double[])y.Clone();
            VectorKernels.AddScaled(actual, x, a);
            Assert.True(expected.SequenceEqual(actual), $"AddScaled differs at length {n} (seed {Seed})");

            // The reference written out in scalars: it is what Dot must return on any processor, whatever its vector width.
            var lanes = new double[4];
            int whole = n / 4 * 4;
            for (int j = 0; j < whole; j++) lanes[j % 4] += x[j] * y[j];
            double dot = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
            for (int j = whole; j < n; j++) dot += x[j] * y[j];
            Assert.True(BitConverter.DoubleToInt64Bits(dot) == BitConverter.DoubleToInt64Bits(VectorKernels.Dot(x, y)), $"Dot differs at length {n} (seed {Seed})");
        }
    }

    [Fact]
    public void SpansOfDifferentLengthsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => VectorKernels.AddScaled(new double[4], new double[5], 1));
        Assert.Throws<ArgumentException>(() => VectorKernels.Dot(new double[4], new double[3]));
    }
}
