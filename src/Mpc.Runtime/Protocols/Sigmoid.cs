using System.Collections.Concurrent;
using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Secure logistic function 1 / (1 + e^-x).
/// </summary>
/// <remarks>
/// Method: with z = x log2(e), sigma(x) = 1 / (1 + 2^-z). One bit decomposition of z (as in <see cref="Exponential"/>)
/// gives the one-hot code of its integer part i = floor(z) over [-(f+2), f+1], and the fraction t = z - i in [0, 1).
/// For each i, h_i(t) = 1 / (1 + 2^-(i+t)) is smooth on [0, 1], and its Chebyshev interpolant in u = 2t - 1 of degree
/// at most D (D = 9 for f = 40, 4 for f = 16) is within 2^-(f+1). The one-hot code selects that interpolant's
/// coefficients locally (a public table times shared 0/1 values); the powers u^2..u^D take ceil(log2 D) rounds of products
/// and the sum of the secret coefficients times the powers one more (5 rounds of products for D = 9 where Horner's rule takes 9). Below the range sigma is under 2^-(f+1) and the code selects 0; above it, 1, and u is set to 0
/// there (one more multiplication). This replaces a comparison, an exponential and a reciprocal (20 multiplications in
/// Z_2^128) by 2D multiplications and one bit decomposition. Every coefficient sum is at most 1 and |u| &lt;= 1 for
/// every input, so in Z_2^128 the truncations of the powers and of the sum are statistically masked (<see cref="Truncation"/>)
/// and draw no preprocessing.
/// Input range: |x| &lt; 2^(k-2-2f) / log2(e), so that x log2(e) at scale 2f fits.
/// Accuracy: absolute error below 2^-(f+1) (interpolation) plus the truncations': u^j carries at most j of them and the
/// coefficients' sum is at most 1, so below (D + 1) units in Z_2^64 and (D + 1) (N/2 + 1) units in Z_2^128, whose truncations
/// are statistically masked (<see cref="Truncation.TruncateBoundedRawAsync"/>).
/// </remarks>
public static class Sigmoid
{
    private static readonly ConcurrentDictionary<int, (double[][] Coefficients, double Bound)> Tables = new();

    public static async Task<Secret<T>> ComputeAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        int f = runtime.Format.FractionalBits;
        var value = x.Upscale(f).Share;
        int n = value.Length;
        var log2e = RingArithmetic<T>.FromInt128((Int128)Math.Round(Math.Pow(2, f) / Math.Log(2)));
        var scaled = new T[n];
        RingArithmetic<T>.Scale(value, log2e, scaled);
        var z = await Truncation.TruncateRawAsync(runtime, scaled, f).ConfigureAwait(false);

        // Position q: floor(z) = low + q, with q = 0 for z below low + 1 and the last for z at or above f + 1.
        int low = -(f + 2), positions = 2 * f + 4;
        var shifted = (T[])z.Clone();
        if (runtime.IsLeader)
        {
            T offset = RingArithmetic<T>.FromInt64(low) << f;
            unchecked
            {
                for (int i = 0; i < n; i++) shifted[i] -= offset;
            }
        }
        var steps = await BitDecomposition.AtLeastMultiplesRawAsync(runtime, shifted, f, positions).ConfigureAwait(false);
        var integerPart = new T[positions];
        for (int q = 0; q < positions; q++) integerPart[q] = RingArithmetic<T>.FromInt64(low + q) << f;
        var fraction = new T[n];
        RingArithmetic<T>.Subtract(z, Comparison.StepSum(runtime, steps, n, integerPart), fraction);
        // u = 2t - 1 in [-1, 1) inside the range (set to 0 at the outer positions by the evaluation).
        var u = FixedPointKernels.AffinePublic(runtime, fraction, -1.0, -2);
        var (table, bound) = Tables.GetOrAdd(f, Table);
        var accumulator = await FixedPointKernels.PiecewisePolynomialAsync(runtime, steps, u, table, bound).ConfigureAwait(false);
        return x.With(accumulator, f);
    }

    /// <summary>
    /// Per position q of <see cref="ComputeAsync"/>, the monomial coefficients in u (degree D, zero-padded) of h_(low+q), with 0
    /// and 1 at the outer positions; and the largest sum of |coefficients| (a bound on sum_j c_j u^j for |u| &lt;= 1).
    /// </summary>
    internal static (double[][] Coefficients, double Bound) Table(int fractionalBits)
    {
        int f = fractionalBits, low = -(f + 2), positions = 2 * f + 4;
        double target = Math.Pow(2, -(f + 1));
        var polynomials = new double[positions][];
        polynomials[0] = [0.0];
        polynomials[positions - 1] = [1.0];
        for (int q = 1; q < positions - 1; q++)
        {
            int i = low + q;
            polynomials[q] = FixedPointKernels.ChebyshevPolynomial(u => 1 / (1 + Math.Pow(2, -(i + (u + 1) / 2))), target);
        }
        return FixedPointKernels.PiecewiseTable(polynomials);
    }
}
