using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Secure logistic function 1 / (1 + e^-x).
/// </summary>
/// <remarks>
/// Method: by symmetry, s = [x &lt; 0], a = |x|, u = 1 / (1 + e^-a) with e^-a in (0, 1] so the
/// denominator lies in (1, 2] and the reciprocal's iteration needs no normalisation (start 1.4571 - d/2,
/// the scaled Catrina-Saxena start); then sigma(x) = u + s (1 - 2u). Uses the exponential on
/// non-positive inputs only, so it never overflows.
/// Input range: every x the format can hold (|x| &lt; 2^(k-2-2f) so that |x| log2(e) fits).
/// Accuracy: absolute error below 2^-(f-4).
/// </remarks>
public static class Sigmoid
{
    public static async Task<Secret<T>> ComputeAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        int f = runtime.Format.FractionalBits;
        var value = x.Upscale(f).Share;
        int n = value.Length;
        var negative = await Comparison.LessThanZeroRawAsync(runtime, value).ConfigureAwait(false);
        var signedPart = await Multiplication.MultiplyRawAsync(runtime, negative, value).ConfigureAwait(false);
        // -|x| = 2 s x - x
        var minusAbs = new T[n];
        unchecked
        {
            for (int i = 0; i < n; i++) minusAbs[i] = signedPart[i] + signedPart[i] - value[i];
        }
        var e = await Exponential.ComputeRawAsync(runtime, minusAbs, 0).ConfigureAwait(false);
        var denominator = (T[])e.Clone();
        if (runtime.IsLeader)
        {
            T one = FixedPointFormat.EncodeConstant<T>(1.0, f);
            unchecked
            {
                for (int i = 0; i < n; i++) denominator[i] += one;
            }
        }
        var half = await Truncation.TruncateRawAsync(runtime, denominator, 1).ConfigureAwait(false);
        var u = FixedPointKernels.AffinePublic(runtime, half, 1.4571, 1);
        u = await FixedPointKernels.ReciprocalGoldschmidtAsync(runtime, denominator, u, 1).ConfigureAwait(false);
        // sigma = u + s (1 - 2u)
        var flip = FixedPointKernels.AffinePublic(runtime, u, 1.0, 2);
        var correction = await Multiplication.MultiplyRawAsync(runtime, negative, flip).ConfigureAwait(false);
        RingArithmetic<T>.AddInPlace(u, correction);
        return x.With(u, f);
    }
}
