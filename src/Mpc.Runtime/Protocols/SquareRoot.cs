using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Secure square root of non-negative secrets.
/// </summary>
/// <remarks>
/// Method: the normalisation of <see cref="Reciprocal"/> with an even shift (Liedel, "Secure
/// Distributed Computation of the Square Root and Applications", ISPEC 2012, uses the same idea):
/// step bits [X &gt;= 2^j] give the leading-bit position j*, and with e = j*+1 rounded up to even,
/// Y = X 2^-e lies in [0.25, 1). Newton's iteration for 1/sqrt(Y), y = y (3 - Y y^2) / 2 from the
/// linear start 2.3 - 1.3 Y, runs until the relative error is below 2^-(f+2); then
/// sqrt(x) = Y y 2^((e-f)/2), the last factor a public constant per position.
/// Input range: 0 &lt;= x &lt; 2^(k-2f-3) (5.4e8 for Z_2^64 with f = 16). sqrt(0) = 0; negative inputs yield 0.
/// Accuracy: relative error below 2^-(f-4) plus an absolute error of 2^-(f-1).
/// </remarks>
public static class SquareRoot
{
    public static async Task<Secret<T>> ComputeAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        int k = RingArithmetic<T>.Bits, f = runtime.Format.FractionalBits;
        var value = x.Upscale(f).Share;
        int n = value.Length;
        int m = k - f - 3;
        int mEven = m + (m & 1);
        var steps = await BitDecomposition.AtLeastPowersOfTwoRawAsync(runtime, value, 0, m).ConfigureAwait(false);
        var normaliser = new T[m + 1];
        var rescale = new T[m + 1];
        for (int j = 0; j < m; j++)
        {
            int e = j + 1 + ((j + 1) & 1);
            normaliser[j + 1] = RingArithmetic<T>.PowerOfTwo(mEven - e);
            rescale[j + 1] = FixedPointFormat.EncodeConstant<T>(Math.Pow(2, (e - f) / 2.0), f);
        }
        var v = Comparison.StepSum(runtime, steps, n, normaliser);
        var s = Comparison.StepSum(runtime, steps, n, rescale);
        var y = await FixedPointKernels.MultiplyTruncateAsync(runtime, value, v, mEven - f).ConfigureAwait(false);

        var inverse = FixedPointKernels.AffinePublic(runtime, y, 2.3, 0);
        var slope = FixedPointFormat.EncodeConstant<T>(1.3, f);
        var sloped = new T[n];
        RingArithmetic<T>.Scale(y, slope, sloped);
        var slopeTerm = await Truncation.TruncateRawAsync(runtime, sloped, f).ConfigureAwait(false);
        RingArithmetic<T>.SubtractInPlace(inverse, slopeTerm);
        int iterations = FixedPointKernels.NewtonIterations(f, 0.18);
        for (int it = 0; it < iterations; it++)
        {
            var square = await FixedPointKernels.MultiplyTruncateAsync(runtime, inverse, inverse, f).ConfigureAwait(false);
            var scaledSquare = await FixedPointKernels.MultiplyTruncateAsync(runtime, y, square, f).ConfigureAwait(false);
            var factor = FixedPointKernels.AffinePublic(runtime, scaledSquare, 3.0, 1);
            inverse = await FixedPointKernels.MultiplyTruncateAsync(runtime, inverse, factor, f + 1).ConfigureAwait(false);
        }
        var rootY = await FixedPointKernels.MultiplyTruncateAsync(runtime, y, inverse, f).ConfigureAwait(false);
        var root = await FixedPointKernels.MultiplyTruncateAsync(runtime, rootY, s, f).ConfigureAwait(false);
        return x.With(root, f);
    }
}
