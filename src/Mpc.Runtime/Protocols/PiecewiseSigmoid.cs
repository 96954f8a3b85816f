using System.Collections.Concurrent;
using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// A cheaper logistic function 1 / (1 + e^-x) for callers whose result tolerates an absolute error of
/// <see cref="ErrorBound"/> (a Newton step of a regression: what the fit reaches moves by about that times the features'
/// scale, far below a glm comparison's 1e-3), where <see cref="Sigmoid"/> is exact to 2^-(f+1).
/// </summary>
/// <remarks>
/// Method: the range [-15, 15) is cut into <see cref="Pieces"/> pieces of width 2. One bit decomposition of
/// y = x + 17 (as in <see cref="Sigmoid"/>) gives the piece q as 16 step bits (against the 83 of the exact sigmoid's
/// positions on the log2 scale), and u = x - (centre of q) in [-1, 1) is exact, by subtraction. Each piece carries the
/// Chebyshev interpolant of sigma(centre + u) within 2^-26 (degree 8); below the range the code selects 0 and above it 1,
/// with u set to 0 there. The powers and the sum are <see cref="FixedPointKernels.PiecewisePolynomialAsync"/>'s, with
/// statistically masked truncations.
/// Input range: |x| &lt; 2^(k-2-f), as any fixed-point value. Accuracy: below sigma(-15) = 3.06e-7 (the saturation) plus
/// 2^-26 (interpolation) plus (D + 1) (N/2 + 1) units 2^-f (truncations), so below <see cref="ErrorBound"/> at f &gt;= 30.
/// </remarks>
public static class PiecewiseSigmoid
{
    /// <summary>Pieces of width 2 covering [-15, 15).</summary>
    public const int Pieces = 15;

    /// <summary>Largest absolute error for every input at f &gt;= 30 (Z_2^128 with f = 40).</summary>
    public const double ErrorBound = 3.3e-7;

    private const double Width = 2;
    private const double Low = -Pieces * Width / 2;
    private static readonly ConcurrentDictionary<int, (double[][] Coefficients, double Bound)> Tables = new();

    public static async Task<Secret<T>> ComputeAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        int f = runtime.Format.FractionalBits;
        var value = x.Upscale(f).Share;
        int n = value.Length, positions = Pieces + 2;
        // Position q = floor((x - Low) / 2) + 1: 0 below the range, 1..Pieces inside, Pieces + 1 at or above its end.
        var shifted = FixedPointKernels.AffinePublic(runtime, value, Width - Low, -1);
        var steps = await BitDecomposition.AtLeastMultiplesRawAsync(runtime, shifted, f + 1, positions).ConfigureAwait(false);
        var centres = new T[positions];
        for (int q = 0; q < positions; q++) centres[q] = FixedPointFormat.EncodeConstant<T>(Centre(q), f);
        var u = new T[n];
        RingArithmetic<T>.Subtract(value, Comparison.StepSum(runtime, steps, n, centres), u);
        var (table, bound) = Tables.GetOrAdd(f, Table);
        var accumulator = await FixedPointKernels.PiecewisePolynomialAsync(runtime, steps, u, table, bound).ConfigureAwait(false);
        return x.With(accumulator, f);
    }

    /// <summary>Per position q, the monomial coefficients in u of sigma(centre_q + u) (0 and 1 at the outer positions), and their bound.</summary>
    internal static (double[][] Coefficients, double Bound) Table(int fractionalBits)
    {
        int positions = Pieces + 2;
        double target = Math.Pow(2, -26);
        var polynomials = new double[positions][];
        polynomials[0] = [0.0];
        polynomials[positions - 1] = [1.0];
        for (int q = 1; q < positions - 1; q++)
        {
            double centre = Centre(q);
            polynomials[q] = FixedPointKernels.ChebyshevPolynomial(u => 1 / (1 + Math.Exp(-(centre + u))), target);
        }
        return FixedPointKernels.PiecewiseTable(polynomials);
    }

    // Centre of piece q (1..Pieces); the outer positions' value is never used (u is 0 there).
    private static double Centre(int q) => Low + (q - 1) * Width + Width / 2;
}
