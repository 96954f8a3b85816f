using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Tests;

/// <summary>
/// The Galois ring GR(2^k, d) and Shamir sharing over it, against their definitions: ring axioms, inverses of every
/// difference of exceptional points, reconstruction from any t + 1 shares, and t shares that do not depend on the secret.
/// </summary>
public class GaloisRingTests
{
    [Fact]
    public void EveryTabulatedModulusIsIrreducibleModTwo()
    {
        for (int d = GaloisRing<ulong>.MinDegree; d <= GaloisRing<ulong>.MaxDegree; d++)
        {
            int f = 1 << d;
            foreach (int tap in new GaloisRing<ulong>(d).Taps) f |= 1 << tap;
            // No polynomial over GF(2) of degree 1 to d/2 divides f.
            for (int g = 2; g < 1 << (d / 2 + 1); g++)
                Assert.NotEqual(0, RemainderModTwo(f, g));
        }
    }

    private static int RemainderModTwo(int f, int g)
    {
        int dg = 31 - BitOperations.LeadingZeroCount((uint)g);
        for (int df = 31 - BitOperations.LeadingZeroCount((uint)f); f != 0 && df >= dg; df = 31 - BitOperations.LeadingZeroCount((uint)f))
            f ^= g << (df - dg);
        return f;
    }

    [Fact]
    public Task RingAxiomsHoldForRandomElementsInBothRings() => Property.CheckAsync(nameof(RingAxiomsHoldForRandomElementsInBothRings), 20, (random, _) =>
    {
        CheckAxioms<ulong>(random);
        CheckAxioms<UInt128>(random);
        return Task.CompletedTask;
    });

    private static void CheckAxioms<T>(Random random) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var ring = new GaloisRing<T>(random.Next(GaloisRing<T>.MinDegree, GaloisRing<T>.MaxDegree + 1));
        T[] x = Element(ring, random), y = Element(ring, random), z = Element(ring, random);
        Assert.Equal(ring.Multiply(ring.Multiply(x, y), z), ring.Multiply(x, ring.Multiply(y, z)));
        Assert.Equal(ring.Multiply(x, y), ring.Multiply(y, x));
        Assert.Equal(ring.Multiply(x, ring.Add(y, z)), ring.Add(ring.Multiply(x, y), ring.Multiply(x, z)));
        Assert.Equal(x, ring.Multiply(x, ring.One()));
        // Constants multiply as in Z_2^k: the subring.
        var a = new T[ring.Degree];
        var b = new T[ring.Degree];
        (a[0], b[0]) = (x[0], y[0]);
        var expected = new T[ring.Degree];
        expected[0] = unchecked(x[0] * y[0]);
        Assert.Equal(expected, ring.Multiply(a, b));
        // X^d reduces by the modulus: X^(d-1) * X = -(sum over taps of X^tap).
        var top = new T[ring.Degree];
        top[^1] = T.One;
        var reduced = new T[ring.Degree];
        foreach (int tap in ring.Taps) reduced[tap] = unchecked(T.Zero - T.One);
        Assert.Equal(reduced, ring.Multiply(top, ring.Exceptional(2)));
        // A matrix times a vector is the product.
        var matrix = ring.MultiplicationMatrix(x);
        var accumulated = new T[ring.Degree];
        ring.MultiplyAdd(matrix, y, accumulated, 1);
        Assert.Equal(ring.Multiply(x, y), accumulated);
    }

    private static T[] Element<T>(GaloisRing<T> ring, Random random) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var bytes = new byte[ring.Degree * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()];
        random.NextBytes(bytes);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    [Fact]
    public void EveryDifferenceOfExceptionalElementsHasAnInverseInBothRings()
    {
        CheckInverses<ulong>();
        CheckInverses<UInt128>();
    }

    private static void CheckInverses<T>() where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        for (int d = GaloisRing<T>.MinDegree; d <= GaloisRing<T>.MaxDegree; d++)
        {
            var ring = new GaloisRing<T>(d);
            for (int i = 0; i < 1 << d; i++)
                for (int j = 0; j < 1 << d; j++)
                {
                    if (i == j) continue;
                    var difference = ring.Subtract(ring.Exceptional(i), ring.Exceptional(j));
                    Assert.Equal(ring.One(), ring.Multiply(difference, ring.Inverse(difference)));
                }
            // 2 is no unit: the ring is not a field.
            var two = new T[d];
            two[0] = T.One + T.One;
            Assert.Throws<ArgumentException>(() => ring.Inverse(two));
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(20)]
    public Task ADegreeTSharingReconstructsFromAnyTPlusOneSharesAndNoFewer(int parties) => Property.CheckAsync(nameof(ADegreeTSharingReconstructsFromAnyTPlusOneSharesAndNoFewer) + parties, 10, (random, _) =>
    {
        var sharing = new ShamirSharing<ulong>(parties);
        var ring = sharing.Ring;
        int t = sharing.Threshold;
        var secret = Element(ring, random);
        var coefficients = Enumerable.Range(0, t).Select(_ => Element(ring, random)).ToArray();
        var shares = sharing.Share(secret, coefficients);
        var set = Enumerable.Range(0, parties).OrderBy(_ => random.Next()).Take(t + 1).ToArray();
        Assert.Equal(secret, sharing.Reconstruct(set, [.. set.Select(p => shares[p])]));
        // t shares interpolate a degree-(t - 1) polynomial, which misses the secret.
        Assert.NotEqual(secret, sharing.Reconstruct(set[..t], [.. set[..t].Select(p => shares[p])]));
        return Task.CompletedTask;
    });

    [Theory]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(20)]
    public Task ForEveryCoalitionOfTAndTwoSecretsOneSharingOfEachGivesTheCoalitionTheSameShares(int parties) =>
        Property.CheckAsync(nameof(ForEveryCoalitionOfTAndTwoSecretsOneSharingOfEachGivesTheCoalitionTheSameShares) + parties, 10, (random, _) =>
        {
            // p' = p + (s' - s) L with L(0) = 1 and L zero on the coalition maps the sharings of s one-to-one onto those
            // of s' with the same coalition shares, so the coalition's shares are distributed alike for both secrets.
            var sharing = new ShamirSharing<ulong>(parties);
            var ring = sharing.Ring;
            int t = sharing.Threshold;
            var coalition = Enumerable.Range(0, parties).OrderBy(_ => random.Next()).Take(t).ToArray();
            var s = Element(ring, random);
            var other = Element(ring, random);
            var shares = sharing.Share(s, [.. Enumerable.Range(0, t).Select(_ => Element(ring, random))]);
            var moved = new ulong[parties][];
            for (int p = 0; p < parties; p++)
            {
                // L(x_p) through the t + 1 points (0, 1) and (x_c, 0).
                var l = sharing.Lagrange([-1, .. coalition], p)[0];
                moved[p] = ring.Add(shares[p], ring.Multiply(ring.Subtract(other, s), l));
            }
            foreach (int c in coalition) Assert.Equal(shares[c], moved[c]);
            var rest = Enumerable.Range(0, parties).Except(coalition).ToArray();
            // The moved shares are a degree-t sharing of the other secret: every t + 1 of the others agree on it.
            Assert.Equal(other, sharing.Reconstruct(rest[..(t + 1)], [.. rest[..(t + 1)].Select(p => moved[p])]));
            Assert.Equal(other, sharing.Reconstruct(rest[^(t + 1)..], [.. rest[^(t + 1)..].Select(p => moved[p])]));
            return Task.CompletedTask;
        });

    [Fact]
    public void OneShareOfEverySecretIsExactlyUniformOverAllRandomnessInASmallRing()
    {
        // GR(2^8, 2), three parties, t = 1: the share at any party over all 2^16 coefficients is each element once.
        var sharing = new ShamirSharing<byte>(3);
        var ring = sharing.Ring;
        foreach (var secret in new[] { new byte[] { 0, 0 }, new byte[] { 200, 0 }, new byte[] { 7, 93 } })
            for (int party = 0; party < 3; party++)
            {
                var seen = new bool[1 << 16];
                for (int r = 0; r < 1 << 16; r++)
                {
                    var share = sharing.Share(secret, [[unchecked((byte)r), (byte)(r >> 8)]])[party];
                    seen[share[0] | share[1] << 8] = true;
                }
                Assert.All(seen, Assert.True);
            }
    }
}
