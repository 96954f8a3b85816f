using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Secure natural logarithm ln x of positive secrets.
/// </summary>
/// <remarks>
/// Method: the normalisation of <see cref="Reciprocal"/> (Catrina and Saxena, FC 2010) gives, from one
/// batch of step bits [X &gt;= 2^j] (one bit decomposition) on X = x 2^f, the leading-bit position j* as a linear combination of
/// the step bits and Y = X / 2^(j*+1) in [0.5, 1). Then ln x = ln Y + (j* + 1 - f) ln 2, with ln Y a
/// polynomial in s = 4Y - 3 in [-1, 1): the Chebyshev interpolant of ln(0.75 (1 + s/3)), of the lowest
/// degree whose error is below 2^-(f+1) (6 for f = 16, 15 for f = 40), evaluated by Horner's rule (as
/// Aly and Smart, ACNS 2019, approximate ln on the normalised mantissa).
/// Input range: 2^-f &lt;= x &lt; 2^(k-2f-3), as the reciprocal; the overload with a range compares only
/// against the powers of two in it. Where the range bounds x's ring integers below 2^b with b &lt; f (counts at scale 0), that
/// overload decomposes only b + 1 bits behind a statistical mask (b + 1 daBits an element instead of k) and forms the mantissa
/// by one exact product with a selected power of two, without the normalisation's truncation (k more daBits for N &gt; 3). Inputs outside the range (0 and negatives included) give wrong results, but the
/// normalised mantissa stays in [0.5, 1) for every input, so in Z_2^128 the polynomial's truncations (and, for N &lt;= 3,
/// the normalisation's) are statistically masked (<see cref="Truncation"/>) and draw no preprocessing.
/// Accuracy: absolute error below (degree + 2) 2^-f, plus N/2 units a truncation where they are statistically masked.
/// Cost: one bit decomposition, then 1 + degree multiplications in sequence.
/// </remarks>
public static class Logarithm
{
    public static async Task<Secret<T>> ComputeAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        int f = runtime.Format.FractionalBits;
        var share = await ComputeRawAsync(runtime, x.Upscale(f).Share, 0, RingArithmetic<T>.Bits - f - 3).ConfigureAwait(false);
        return x.With(share, f);
    }

    /// <summary>ln x for x known to lie in [minimum, maximum]: only the powers of two in that range are compared against.</summary>
    public static async Task<Secret<T>> ComputeAsync<T>(MpcRuntime<T> runtime, Secret<T> x, double minimum, double maximum)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        if (!(minimum >= Math.Pow(2, -runtime.Format.FractionalBits)) || maximum < minimum || maximum >= Reciprocal.MaximumInput(runtime.Format))
            throw new ArgumentOutOfRangeException(nameof(maximum), $"The range [{minimum}, {maximum}] must lie in [2^-f, {Reciprocal.MaximumInput(runtime.Format)}).");
        int f = runtime.Format.FractionalBits;
        // Ring integers bounded by the range below 2^(f-1) (counts at scale 0): their own bits only, and no truncation.
        int bits = Comparison.BoundBits(Math.Floor(Math.ScaleB(maximum, x.Scale)));
        if (x.Scale <= f && minimum >= Math.ScaleB(1, -x.Scale) && bits < f && bits + 1 <= BitDecomposition.MaximumLowBits(RingArithmetic<T>.Bits, runtime.PartyCount))
            return x.With(await ComputeBoundedRawAsync(runtime, x.Share, x.Scale, bits).ConfigureAwait(false), f);
        // Leading bits from that of minimum's lower power of two up to that of maximum.
        int low = (int)Math.Floor(Math.Log2(minimum)) + f;
        int high = Math.Min(RingArithmetic<T>.Bits - f - 3, (int)Math.Floor(Math.Log2(maximum)) + f + 1);
        var share = await ComputeRawAsync(runtime, x.Upscale(f).Share, low, high).ConfigureAwait(false);
        return x.With(share, f);
    }

    /// <summary>ln x at scale f for X = x 2^f with leading bit in [low, high).</summary>
    private static async Task<T[]> ComputeRawAsync<T>(MpcRuntime<T> runtime, T[] x, int low, int high)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits, f = runtime.Format.FractionalBits, n = x.Length;
        int m = k - f - 3;
        // Thresholds 2^low .. 2^high: position 0 is X below 2^low, position p in 1..count is X in [2^(low+p-1), 2^(low+p)) with
        // V = 2^(M-low-p) and exponent low + p - f, and the last is X at or above 2^high. Outside the range V = 0 and Y is set
        // to 0.75, so that Y lies in [0.5, 1) for every input and the polynomial's truncations can be statistically masked.
        int count = Math.Max(0, high - low);
        var steps = await BitDecomposition.AtLeastPowersOfTwoRawAsync(runtime, x, low, high + 1).ConfigureAwait(false);
        var scales = new T[count + 2];
        var exponents = new T[count + 2];
        var outside = new T[count + 2];
        outside[0] = outside[count + 1] = FixedPointFormat.EncodeConstant<T>(0.75, f);
        for (int p = 1; p <= count; p++)
        {
            scales[p] = RingArithmetic<T>.PowerOfTwo(m - low - p);
            exponents[p] = FixedPointFormat.EncodeConstant<T>((low + p - f) * Math.Log(2), f);
        }
        var v = Comparison.StepSum(runtime, steps, n, scales);
        // X V is below 2^M in range and exactly 0 outside it.
        var y = await FixedPointKernels.MultiplyTruncateAsync(runtime, x, v, m - f, m).ConfigureAwait(false);
        RingArithmetic<T>.AddInPlace(y, Comparison.StepSum(runtime, steps, n, outside));
        return await LogOfMantissaPlusAsync(runtime, y, Comparison.StepSum(runtime, steps, n, exponents)).ConfigureAwait(false);
    }

    /// <summary>
    /// ln x at scale f for ring integers 1 &lt;= X &lt; 2^bits at scale <paramref name="scale"/>, bits &lt; f: the reciprocal's
    /// normalisation of bounded integers (<see cref="Reciprocal.NormaliseIntegersRawAsync"/>, its own bits behind a statistical
    /// mask) gives the mantissa Y = X 2^(f-p) in [0.5, 1) at scale f exactly, for X in [2^(p-1), 2^p); then
    /// ln x = ln Y + (p - scale) ln 2 as in <see cref="ComputeRawAsync"/>.
    /// </summary>
    private static async Task<T[]> ComputeBoundedRawAsync<T>(MpcRuntime<T> runtime, T[] x, int scale, int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = runtime.Format.FractionalBits;
        // One bit more than X needs: the normalisation reads its top bit as a sign.
        var (steps, _, y) = await Reciprocal.NormaliseIntegersRawAsync(runtime, x, bits + 1).ConfigureAwait(false);
        // Position p in 0..bits + 1 is p steps passed; 0 (X = 0) and bits + 1 (never, for X below 2^bits) are outside the range.
        var exponents = new T[bits + 2];
        for (int p = 1; p <= bits; p++) exponents[p] = FixedPointFormat.EncodeConstant<T>((p - scale) * Math.Log(2), f);
        return await LogOfMantissaPlusAsync(runtime, y, Comparison.StepSum(runtime, steps, x.Length, exponents)).ConfigureAwait(false);
    }

    // ln Y + exponent for Y in [0.5, 1) at scale f: the polynomial in s = 4Y - 3, whose truncations are statistically masked.
    private static async Task<T[]> LogOfMantissaPlusAsync<T>(MpcRuntime<T> runtime, T[] y, T[] exponent)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        // s = 4Y - 3 = -(3 - 4Y).
        var s = FixedPointKernels.AffinePublic(runtime, y, 3, 4);
        unchecked
        {
            for (int i = 0; i < s.Length; i++) s[i] = T.Zero - s[i];
        }
        var logMantissa = await FixedPointKernels.PolynomialAsync(runtime, s, MantissaPolynomial(runtime.Format.FractionalBits), 1.0).ConfigureAwait(false);
        RingArithmetic<T>.Add(exponent, logMantissa, exponent);
        return exponent;
    }

    /// <summary>Monomial coefficients in s of the Chebyshev interpolant of ln(0.75 (1 + s/3)) on [-1, 1], of the lowest degree within 2^-(f+1).</summary>
    internal static double[] MantissaPolynomial(int fractionalBits) =>
        FixedPointKernels.ChebyshevPolynomial(s => Math.Log(0.75 * (1 + s / 3)), Math.Pow(2, -(fractionalBits + 1)));
}
