using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Secure reciprocal 1/x of positive secrets.
/// </summary>
/// <remarks>
/// Method: normalisation then a quadratically converging iteration (Catrina and Saxena, "Secure Computation with
/// Fixed-Point Numbers", FC 2010). With X = x * 2^f and M = k - f - 3, the parties compute the
/// step bits [X &gt;= 2^j] for j &lt;= M from one bit decomposition (<see cref="BitDecomposition"/>); these give the one-hot position of
/// X's leading bit and hence V = 2^(M-1-j*) as a linear combination, so Y = X V / 2^M lies in
/// [0.5, 1). Goldschmidt's iteration for 1/Y (one round of products a step, Newton's needs two) starts
/// at 2.9142 - 2Y and runs until the relative error is below 2^-(f+2) (3 steps for f = 16, 4 for
/// f = 40); finally 1/x = W V 2^(f-M).
/// Input range: 2^-f &lt;= x &lt; 2^(k-2f-3), i.e. up to 5.4e8 for Z_2^64 with f = 16 and 7.7e13
/// for Z_2^128 with f = 40, which covers at-risk counts from 1 to 10^6 with room to spare.
/// Accuracy: relative error below 2^-(f-3) plus an absolute error of at most 2^-f (from the last
/// truncation); in Z_2^128 the iteration's truncations are statistically masked and add up to N/2 units each.
/// Non-positive inputs, and inputs above the range, yield 0: Y is then set to 0.75, so that it lies in [0.5, 1) for
/// every input and the iteration's truncations (and the normalisation's, for N &lt;= 3) draw no preprocessing in Z_2^128
/// (<see cref="Truncation"/>).
/// Cost: one bit decomposition an element (one masked opening, about 1,000 AND gates for k = 128,
/// about 17 rounds), then 2 + 2*iterations multiplications in 3 + iterations rounds of products.
/// </remarks>
public static partial class Reciprocal
{
    public static async Task<Secret<T>> ComputeAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        int f = runtime.Format.FractionalBits;
        var share = await ComputeRawAsync(runtime, x.Upscale(f).Share).ConfigureAwait(false);
        return x.With(share, f);
    }

    /// <summary>
    /// 1/x for x known to lie in [minimum, maximum] or to be 0 (which yields 0): the normalisation
    /// only tests the powers of two in that range (counts from 1 to 10^6: 21 step bits instead of
    /// k - f - 3). Inputs outside the range give wrong results.
    /// </summary>
    public static async Task<Secret<T>> ComputeAsync<T>(MpcRuntime<T> runtime, Secret<T> x, double minimum, double maximum)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        if (!(minimum > 0) || maximum < minimum || maximum >= MaximumInput(runtime.Format)) throw new ArgumentOutOfRangeException(nameof(maximum), $"The range [{minimum}, {maximum}] must lie in [2^-f, {MaximumInput(runtime.Format)}).");
        int f = runtime.Format.FractionalBits;
        int low = Math.Max(0, (int)Math.Floor(Math.Log2(minimum)) + f);
        int high = Math.Min(RingArithmetic<T>.Bits - f - 3, (int)Math.Floor(Math.Log2(maximum)) + f + 1);
        var share = await ComputeRawAsync(runtime, x.Upscale(f).Share, low, high).ConfigureAwait(false);
        return x.With(share, f);
    }

    /// <summary>Largest input (exclusive) that the method normalises correctly.</summary>
    public static double MaximumInput(FixedPointFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return Math.Pow(2, format.RingBits - 2 * format.FractionalBits - 3);
    }

    internal static Task<T[]> ComputeRawAsync<T>(MpcRuntime<T> runtime, T[] x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        ComputeRawAsync(runtime, x, 0, RingArithmetic<T>.Bits - runtime.Format.FractionalBits - 3);

    /// <summary>1/x at scale f for X = x 2^f with leading bit in [low, high); X below 2^low yields 0.</summary>
    internal static async Task<T[]> ComputeRawAsync<T>(MpcRuntime<T> runtime, T[] x, int low, int high)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var (w, v) = await NormalisedRawAsync(runtime, x, low, high).ConfigureAwait(false);
        return await FixedPointKernels.MultiplyTruncateAsync(runtime, w, v, NormalisationBits<T>(runtime.Format.FractionalBits) - runtime.Format.FractionalBits).ConfigureAwait(false);
    }

    /// <summary>M = k - f - 3: X V lies below 2^M, and 1/x = W V 2^(f-M).</summary>
    internal static int NormalisationBits<T>(int fractionalBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => RingArithmetic<T>.Bits - fractionalBits - 3;

    /// <summary>
    /// The factors of 1/x = W V 2^(f-M) for X = x 2^f with leading bit in [low, high): W (at scale f, in (1, 2]) and the power of
    /// two V (an integer, 0 outside the range); see the class remarks.
    /// </summary>
    internal static async Task<(T[] W, T[] V)> NormalisedRawAsync<T>(MpcRuntime<T> runtime, T[] x, int low, int high)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = runtime.Format.FractionalBits, n = x.Length;
        int m = NormalisationBits<T>(f);
        int count = Math.Max(0, high - low);
        // Position 0 is X < 2^low (V = 0); position q+1 is X in [2^(low+q), 2^(low+q+1)) with V = 2^(M-1-low-q); the last is X at
        // or above 2^high (V = 0). Outside the range Y is set to 0.75, so that Y lies in [0.5, 1) for every input and the
        // iteration's products stay small: their truncations (and, for N <= 3, the normalisation's) can be statistically masked.
        var steps = await BitDecomposition.AtLeastPowersOfTwoRawAsync(runtime, x, low, high + 1).ConfigureAwait(false);
        var coefficients = new T[count + 2];
        var outside = new T[count + 2];
        for (int q = 0; q < count; q++) coefficients[q + 1] = RingArithmetic<T>.PowerOfTwo(m - 1 - low - q);
        outside[0] = outside[count + 1] = FixedPointFormat.EncodeConstant<T>(0.75, f);
        var v = Comparison.StepSum(runtime, steps, n, coefficients);
        // X V is below 2^M in range and exactly 0 outside it.
        var y = await FixedPointKernels.MultiplyTruncateAsync(runtime, x, v, m - f, m).ConfigureAwait(false);
        RingArithmetic<T>.AddInPlace(y, Comparison.StepSum(runtime, steps, n, outside));
        // y in [0.5, 1) and w0 within 9% of 1/y: every product of the iteration is below 1.1.
        var w = await FixedPointKernels.ReciprocalGoldschmidtAsync(runtime, y, FixedPointKernels.AffinePublic(runtime, y, 2.9142, 2), 1,
            FixedPointKernels.GoldschmidtProductBits(runtime.Format)).ConfigureAwait(false);
        return (w, v);
    }
}
