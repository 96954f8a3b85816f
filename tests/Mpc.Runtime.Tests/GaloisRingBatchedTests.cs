using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Tests;

/// <summary>
/// The batched dealing kernel (<see cref="GaloisRing{T}.Combine"/>: tiles, vector lanes for Z_2^8 and Z_2^64) against the
/// scalar path: one element at a time, each product by <see cref="GaloisRing{T}.Multiply"/>.
/// </summary>
public class GaloisRingBatchedTests
{
    [Fact]
    public Task TheBatchedCombinationEqualsTheScalarProductsElementByElementInEveryRingAndDegree() =>
        Property.CheckAsync(nameof(TheBatchedCombinationEqualsTheScalarProductsElementByElementInEveryRingAndDegree), 12, (random, _) =>
        {
            // Lengths around the tile (64) and the vector width, and inputs from none up to 2t at 63 parties.
            int n = random.Next(4) switch { 0 => random.Next(1, 9), 1 => 64, 2 => random.Next(60, 200), _ => random.Next(200, 700) };
            int inputs = random.Next(0, 12), outputs = random.Next(1, 6);
            for (int degree = GaloisRing<ulong>.MinDegree; degree <= GaloisRing<ulong>.MaxDegree; degree++)
            {
                CheckCombine(new GaloisRing<byte>(degree), random, n, inputs, outputs);
                CheckCombine(new GaloisRing<ulong>(degree), random, n, inputs, outputs);
                CheckCombine(new GaloisRing<UInt128>(degree), random, n, inputs, outputs);
            }
            return Task.CompletedTask;
        });

    private static void CheckCombine<T>(GaloisRing<T> ring, Random random, int n, int inputs, int outputs) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int d = ring.Degree;
        var subring = Random<T>(random, n);
        var x = Enumerable.Range(0, inputs).Select(_ => Random<T>(random, d * n)).ToArray();
        var coefficients = Enumerable.Range(0, outputs).Select(_ => Enumerable.Range(0, inputs + 1).Select(_ => Random<T>(random, d)).ToArray()).ToArray();
        // A zero coefficient takes the kernel's skip.
        if (inputs > 0) Array.Clear(coefficients[0][^1]);
        var matrices = coefficients.Select(row => row.Select(c => ring.MultiplicationMatrix(c)).ToArray()).ToArray();
        // Outputs start dirty: the kernel overwrites them.
        var got = Enumerable.Range(0, outputs).Select(_ => Random<T>(random, d * n)).ToArray();
        ring.Combine(subring, x, matrices, got, n);
        for (int j = 0; j < outputs; j++)
            for (int e = 0; e < n; e++)
            {
                var constant = new T[d];
                constant[0] = subring[e];
                var expected = ring.Multiply(coefficients[j][0], constant);
                for (int m = 0; m < inputs; m++) expected = ring.Add(expected, ring.Multiply(coefficients[j][m + 1], Element(x[m], e, n, d)));
                Assert.Equal(expected, Element(got[j], e, n, d));
            }
    }

    private static T[] Element<T>(T[] vector, int e, int n, int d) => [.. Enumerable.Range(0, d).Select(l => vector[l * n + e])];

    private static T[] Random<T>(Random random, int count) where T : unmanaged
    {
        var bytes = new byte[count * Unsafe.SizeOf<T>()];
        random.NextBytes(bytes);
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }
}
