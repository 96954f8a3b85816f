using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Secure exponential e^x.
/// </summary>
/// <remarks>
/// Method: e^x = 2^z with z = x log2(e), split into integer and fractional parts by bit
/// decomposition (as in Aly and Smart, "Benchmarking Privacy Preserving Scientific Operations",
/// ACNS 2019): the step bits [z &gt;= j] for the integers j in range come from the integer bits of
/// z (<see cref="BitDecomposition"/>, one masked opening instead of one comparison per j) and give
/// i = floor(z) exactly and 2^i as a linear combination, fr = z - i lies in [0, 1), and 2^fr is a
/// polynomial of degree d chosen so its error is below 2^-(f+1) (the Chebyshev interpolant in
/// u = 1 - 2 fr: d = 4 for f = 16, 9 for f = 40), evaluated by Horner's rule. e^x = 2^i * 2^fr.
/// Input range: x in [-(f+1) ln 2, (k-2f-3) ln 2), i.e. [-11.8, 20.1) for Z_2^64 with f = 16 and
/// [-28.4, 31.2) for Z_2^128 with f = 40. Below the range the result is 0 (the true value is
/// under one unit 2^-f); above it the result saturates at 2^(k-2f-4) (below the true value).
/// The fractional part is zeroed outside the range, so the polynomial's input is within [-1, 1] for every x and
/// its truncations are statistically masked without preprocessing where the ring has room (Z_2^128).
/// Accuracy: relative error below 2^-(f-4) for results &gt;= 1, absolute error below 2^-(f-3) else.
/// </remarks>
public static class Exponential
{
    public static async Task<Secret<T>> ComputeAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        var share = await ComputeRawAsync(runtime, x.Upscale(runtime.Format.FractionalBits).Share, MaximumExponent(runtime.Format)).ConfigureAwait(false);
        return x.With(share, runtime.Format.FractionalBits);
    }

    /// <summary>The documented input range [low, high).</summary>
    public static (double Low, double High) InputRange(FixedPointFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return (-(format.FractionalBits + 1) * Math.Log(2), (MaximumExponent(format) + 1) * Math.Log(2));
    }

    internal static int MaximumExponent(FixedPointFormat format) => format.RingBits - 2 * format.FractionalBits - 4;

    /// <summary>e^x for x at scale f, supporting integer parts of x log2(e) up to maxExponent.</summary>
    internal static async Task<T[]> ComputeRawAsync<T>(MpcRuntime<T> runtime, T[] x, int maxExponent)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = runtime.Format.FractionalBits, n = x.Length;
        int minExponent = -(f + 1);
        var log2e = RingArithmetic<T>.FromInt128((Int128)Math.Round(Math.Pow(2, f) / Math.Log(2)));
        var scaled = new T[n];
        RingArithmetic<T>.Scale(x, log2e, scaled);
        var z = await Truncation.TruncateRawAsync(runtime, scaled, f).ConfigureAwait(false);

        // Thresholds j = minExponent+1 .. maxExponent+1; position q means floor(z) = minExponent + q, the last one z above the range.
        int positions = maxExponent - minExponent + 2;
        // [z >= (minExponent + q) 2^f] = [z - minExponent 2^f >= q 2^f]: step bits from the integer bits of the shifted z.
        var shifted = (T[])z.Clone();
        if (runtime.IsLeader)
        {
            T offset = RingArithmetic<T>.FromInt64(minExponent) << f;
            unchecked
            {
                for (int i = 0; i < n; i++) shifted[i] -= offset;
            }
        }
        var steps = await BitDecomposition.AtLeastMultiplesRawAsync(runtime, shifted, f, positions).ConfigureAwait(false);
        var integerPart = new T[positions];
        var power = new T[positions];
        for (int q = 0; q < positions; q++)
        {
            int e = Math.Min(minExponent + q, maxExponent);
            integerPart[q] = RingArithmetic<T>.FromInt64(e) << f;
            power[q] = e + f >= 0 ? RingArithmetic<T>.PowerOfTwo(e + f) : T.Zero;
        }
        var fraction = new T[n];
        RingArithmetic<T>.Subtract(z, Comparison.StepSum(runtime, steps, n, integerPart), fraction);
        // Outside the range z - i is not in [0, 1): zero it (where 2^i is 0 or the result saturates), so that the polynomial's
        // input is bounded for every x and its truncations need no preprocessing. In range = [z >= min+1] - [z >= max+1].
        int thresholds = positions - 1;
        var inRange = new T[n];
        unchecked
        {
            for (int i = 0; i < n; i++) inRange[i] = steps[i * thresholds] - steps[i * thresholds + thresholds - 1];
        }
        fraction = await Multiplication.MultiplyRawAsync(runtime, inRange, fraction).ConfigureAwait(false);
        var pow2Integer = Comparison.StepSum(runtime, steps, n, power);
        var pow2Fraction = await PowerOfTwoFractionAsync(runtime, fraction).ConfigureAwait(false);
        // 2^i 2^fr < 2^(maxExponent + 1): bounded, which spares the preprocessing of the truncation where maxExponent is small (the sigmoid's 0).
        return await FixedPointKernels.MultiplyTruncateAsync(runtime, pow2Integer, pow2Fraction, f, FixedPointKernels.BoundBits(Math.Pow(2, maxExponent + 1), 2 * f)).ConfigureAwait(false);
    }

    // 2^t for t in [0, 1) as a polynomial in u = 1 - 2t in (-1, 1]: the Chebyshev interpolant of 2^((1 - u) / 2), by Horner's rule.
    private static async Task<T[]> PowerOfTwoFractionAsync<T>(MpcRuntime<T> runtime, T[] t)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = runtime.Format.FractionalBits;
        var u = FixedPointKernels.AffinePublic(runtime, t, 1.0, 2);
        return await FixedPointKernels.PolynomialAsync(runtime, u, FractionPolynomial(f), 1.0).ConfigureAwait(false);
    }

    /// <summary>Monomial coefficients in u of the interpolant of 2^((1 - u) / 2) on [-1, 1] within 2^-(f+1).</summary>
    internal static double[] FractionPolynomial(int fractionalBits) =>
        FixedPointKernels.ChebyshevPolynomial(u => Math.Pow(2, (1 - u) / 2), Math.Pow(2, -(fractionalBits + 1)));
}
