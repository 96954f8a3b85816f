using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics;

/// <summary>
/// The start of the Newton iteration: every party fits its own rows in the clear and the fits are combined under MPC by one
/// Newton step from zero on the sum of the parties' quadratic approximations (the one-step estimator), which is never opened.
/// </summary>
public static partial class SecureLogisticRegression
{
    // The local fit's guards: Newton steps before it counts as failed, the step length at which it has converged, and the rows
    // per coefficient below which a party does not fit at all (its fit would follow its noise).
    private const int LocalIterations = 25;
    private const double LocalTolerance = 1e-8;
    private const int LocalRowsPerCoefficient = 2;

    /// <summary>
    /// This party's expansion point c for the start: its own penalised fit (penalty lambda / N per feature, or lambda s_j^2 / N with
    /// this party's own s_j under <see cref="LogisticRegressionOptions.Standardise"/>), or zero when it has fewer than two rows a
    /// coefficient, when Newton's method does not converge within 25 steps (separation) or fails. The choice is local and only
    /// enters the start as part of a secret input: which parties fell back is never opened, and the start is right either way.
    /// Returned in the design's columns (intercept slot first, 0 without an intercept).
    /// </summary>
    public static double[] LocalExpansionPoint(double[] features, double[] outcome, int featureCount, LogisticRegressionOptions options, int parties)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(options);
        if (features.Length != outcome.Length * featureCount) throw new ArgumentException($"{features.Length} feature values do not fill {outcome.Length} rows of {featureCount} features.", nameof(features));
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        return FitLocally(features, outcome, featureCount, options, parties);
    }

    private static double[] FitLocally(double[] features, double[] outcome, int featureCount, LogisticRegressionOptions options, int parties)
    {
        int f = featureCount, rows = outcome.Length, d = f + (options.Intercept ? 1 : 0);
        var point = new double[f + 1];
        if (rows < LocalRowsPerCoefficient * d) return point;
        var x = new double[rows, f];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < f; j++) x[i, j] = features[i * f + j];
        var penalties = options.Standardise ? LogisticRegressionReference.StandardisedPenalties(x, options.Lambda) : Enumerable.Repeat(options.Lambda, f).ToArray();
        for (int j = 0; j < f; j++) penalties[j] /= parties;
        try
        {
            var (coefficients, _, iterations) = LogisticRegressionReference.Fit(x, outcome, options.Intercept, penalties, LocalIterations, LocalTolerance);
            if (iterations > LocalIterations || coefficients.Any(c => !double.IsFinite(c))) return point;
            Array.Copy(coefficients, 0, point, options.Intercept ? 0 : 1, d);
            return point;
        }
        catch (Exception e) when (e is ArithmeticException or ArgumentException)
        {
            // A singular local Hessian (MathNet's solve): this party starts from zero like one that separates.
            return point;
        }
    }

    // Each party's A'(y - p) + M c and the upper triangle of M = A' diag(p (1 - p)) A at its expansion point c (p = sigmoid(A c)),
    // summed over the parties, and Bohning's bound A'A / 4 (the Hessian's data part at p = 1/2, at least every other). With b = 0
    // the first Newton step then solves (sum_i M_i + Lambda) beta = sum_i (M_i c_i + g_i(c_i)), the optimum of the parties'
    // quadratic expansions around their own points plus the exact penalty: the one-step estimator, exact for any c_i, and at
    // c_i = 0 the Newton step from zero.
    private static async Task<(Secret<T> Gradient, Secret<T> Hessian, Secret<T> Bound)> StartingDataTermsAsync<T>(MpcRuntime<T> runtime,
        (double[] Rows, double[] Transposed, double[] OuterProducts) design, double[] outcome, double[] point, int rows, int columns, int unique, int scale)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var weights = new double[rows];
        var residuals = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double eta = 0;
            for (int c = 0; c < columns; c++) eta += design.Rows[i * columns + c] * point[c];
            double p = 1 / (1 + Math.Exp(-eta));
            (weights[i], residuals[i]) = (p * (1 - p), outcome[i] - p);
        }
        var local = new double[columns + 2 * unique];
        var hessian = new double[columns * columns];
        for (int k = 0, t = 0; k < columns; k++)
            for (int l = k; l < columns; l++, t++)
            {
                double sum = 0, bound = 0;
                for (int i = 0; i < rows; i++)
                {
                    sum += design.OuterProducts[t * rows + i] * weights[i];
                    bound += design.OuterProducts[t * rows + i] * 0.25;
                }
                (local[columns + t], local[columns + unique + t]) = (sum, bound);
                hessian[k * columns + l] = hessian[l * columns + k] = sum;
            }
        for (int c = 0; c < columns; c++)
        {
            double sum = 0;
            for (int i = 0; i < rows; i++) sum += design.Transposed[c * rows + i] * residuals[i];
            for (int l = 0; l < columns; l++) sum += hessian[c * columns + l] * point[l];
            local[c] = sum;
        }
        var sums = await Input.SumAcrossPartiesAsync(runtime, local, 1, scale).ConfigureAwait(false);
        return (sums.Slice(0, columns), sums.Slice(columns, unique), sums.Slice(columns + unique, unique));
    }

    // Approximate inverses of two d x d matrices in one run of Newton-Schulz steps, as the blocks of their block-diagonal matrix
    // (the same rounds as one; the Jacobi start scales by 2d instead of d).
    private static async Task<(Secret<T> First, Secret<T> Second)> InversesAsync<T>(MpcRuntime<T> runtime, Secret<T> first, Secret<T> second)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var inverse = await SecureLinearAlgebra.InverseAsync(runtime, BlockDiagonal(runtime, first, second), StartSteps).ConfigureAwait(false);
        return (Block(inverse, 0), Block(inverse, 1));
    }

    /// <summary>
    /// The next iteration's inverse of <paramref name="hessian"/>: Newton-Schulz steps from the last inverse and, in the same
    /// products, from Bohning's bound's inverse (H X_B has every eigenvalue in (0, 1], so every step keeps them there: a damped but
    /// safe inverse even unconverged). The first is kept when its residual's squared Frobenius norm lies in [0, 1/4), else the
    /// second; the second keeps converging from there in the next iteration when the Hessian moved little.
    /// </summary>
    private static async Task<Secret<T>> RefineOrDampAsync<T>(MpcRuntime<T> runtime, Secret<T> hessian, Secret<T> last, Secret<T> bound, int steps)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int d = hessian.Rows;
        var (refined, residual) = await SecureLinearAlgebra.RefineInverseAsync(runtime, BlockDiagonal(runtime, hessian, hessian),
            BlockDiagonal(runtime, last, bound.Upscale(last.Scale)), steps).ConfigureAwait(false);
        var lastResidual = Block(residual, 0).Reshape(d * d, 1);
        var norm = await Multiplication.DotAsync(runtime, lastResidual, lastResidual).ConfigureAwait(false);
        // [norm - 1/4 < 0] and [norm < 0] in one comparison: kept = first (1 - second).
        var signs = await Comparison.LessThanZeroAsync(runtime, Secret<T>.Concatenate([norm - 0.25, norm])).ConfigureAwait(false);
        var kept = signs[0] - await Multiplication.MultiplyAsync(runtime, signs[0], signs[1]).ConfigureAwait(false);
        var bits = Secret<T>.Concatenate(Enumerable.Repeat(kept, d * d).ToList()).Reshape(d, d);
        return await Comparison.SelectAsync(runtime, bits, Block(refined, 0), Block(refined, 1)).ConfigureAwait(false);
    }

    // The 2d x 2d block-diagonal matrix of two d x d secrets (local).
    private static Secret<T> BlockDiagonal<T>(MpcRuntime<T> runtime, Secret<T> first, Secret<T> second)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int d = first.Rows, size = 2 * d;
        var zero = Input.Public(runtime, [0.0], 1, 1, first.Scale);
        var stacked = Secret<T>.Concatenate([first, second.Upscale(first.Scale), zero]);
        // Cell (r, c): first[r, c], second[r - d, c - d], or the zero after both.
        var cells = Enumerable.Range(0, size * size).Select(cell => (cell / size, cell % size) switch
        {
            var (r, c) when r < d && c < d => r * d + c,
            var (r, c) when r >= d && c >= d => d * d + (r - d) * d + c - d,
            _ => 2 * d * d,
        }).ToArray();
        return stacked.Gather(cells).Reshape(size, size);
    }

    // Block 0 or 1 on the diagonal of a 2d x 2d matrix (local).
    private static Secret<T> Block<T>(Secret<T> matrix, int block)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int size = matrix.Rows, d = size / 2, offset = block * d;
        return matrix.Gather([.. Enumerable.Range(0, d * d).Select(cell => (offset + cell / d) * size + offset + cell % d)]).Reshape(d, d);
    }
}
