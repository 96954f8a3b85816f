using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics;

/// <summary>
/// The start of the Newton iteration and the later inverses: the first step is the pooled Newton step from zero (a function of
/// the pooled rows only), and each later inverse is refined from the last one or, when that fails, from the first.
/// </summary>
public static partial class SecureLogisticRegression
{
    // A'r and the upper triangle of A'WA summed over the parties at b = 0, where p = 1/2 and w = 1/4 are public: every party
    // adds its own A'(y - 1/2) and A'A / 4, computed in the clear, so the first Newton step needs no sigmoid and no private
    // product. A'A / 4 is also Bohning's bound (at least every later Hessian), whose inverse makes a safe damped step.
    // The start must depend on the pooled rows only: the analyst chooses the iterations and sees the coefficients after them.
    private static async Task<(Secret<T> Gradient, Secret<T> Hessian)> StartingDataTermsAsync<T>(MpcRuntime<T> runtime, (double[] Rows, double[] Transposed, double[] OuterProducts) design,
        double[] outcome, int rows, int columns, int unique, int scale)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var local = new double[columns + unique];
        for (int c = 0; c < columns; c++)
            for (int i = 0; i < rows; i++) local[c] += design.Transposed[c * rows + i] * (outcome[i] - 0.5);
        for (int t = 0; t < unique; t++)
            for (int i = 0; i < rows; i++) local[columns + t] += design.OuterProducts[t * rows + i] * 0.25;
        var sums = await Input.SumAcrossPartiesAsync(runtime, local, 1, scale).ConfigureAwait(false);
        return (sums.Slice(0, columns), sums.Slice(columns, unique));
    }

    /// <summary>
    /// The next iteration's inverse of <paramref name="hessian"/> and the step it gives for <paramref name="gradient"/>: Newton-Schulz
    /// steps from the last inverse and, in the same products, from Bohning's bound's inverse (H X_B has every eigenvalue in (0, 1],
    /// so every step keeps them there: a damped but safe inverse even unconverged). The first is kept when its residual's squared
    /// Frobenius norm lies in [0, 1/4), else the second; the second keeps converging from there in the next iteration when the
    /// Hessian moved little. Both candidates' steps are computed in the products that compute the norm, and the kept inverse and
    /// step are selected together, so the step costs no round of its own.
    /// </summary>
    private static async Task<(Secret<T> Inverse, Secret<T> Step)> RefineOrDampAsync<T>(MpcRuntime<T> runtime, Secret<T> hessian, Secret<T> last, Secret<T> bound,
        Secret<T> gradient, int steps)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int d = hessian.Rows, cells = d * d;
        var (refined, residual) = await SecureLinearAlgebra.RefineInverseAsync(runtime, BlockDiagonal(runtime, hessian, hessian),
            BlockDiagonal(runtime, last, bound.Upscale(last.Scale)), steps).ConfigureAwait(false);
        var (kept, damped, lastResidual) = (Block(refined, 0), Block(refined, 1), Block(residual, 0).Reshape(cells, 1));
        // X_r g, X_b g and |R|^2 from one batch of elementwise products, summed locally (d units of truncation error a sum).
        var tiled = gradient.Gather([.. Enumerable.Range(0, cells).Select(cell => cell % d)]);
        var products = await Multiplication.MultiplyAsync(runtime, Secret<T>.Concatenate([kept, damped, lastResidual]),
            Secret<T>.Concatenate([tiled, tiled, lastResidual])).ConfigureAwait(false);
        var candidates = products.Slice(0, 2 * cells).Reshape(2 * d, d).Transpose().SumRows();
        var norm = products.Slice(2 * cells, cells).Sum();
        // [norm - 1/4 < 0] and [norm < 0] in one comparison: kept = first (1 - second).
        var signs = await Comparison.LessThanZeroAsync(runtime, Secret<T>.Concatenate([norm - 0.25, norm])).ConfigureAwait(false);
        var keep = signs[0] - await Multiplication.MultiplyAsync(runtime, signs[0], signs[1]).ConfigureAwait(false);
        var bits = Secret<T>.Concatenate(Enumerable.Repeat(keep, cells + d).ToList());
        var chosen = await Comparison.SelectAsync(runtime, bits, Secret<T>.Concatenate([kept, candidates.Slice(0, d)]),
            Secret<T>.Concatenate([damped, candidates.Slice(d, d)])).ConfigureAwait(false);
        return (chosen.Slice(0, cells).Reshape(d, d), chosen.Slice(cells, d).Reshape(d, 1));
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
