using System.Numerics;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics;

/// <summary>Inverses of secret symmetric positive definite matrices by Newton-Schulz steps (rounds independent of the size).</summary>
public static partial class SecureLinearAlgebra
{
    /// <summary>
    /// An approximate inverse of a secret symmetric positive definite d x d matrix H: from the Jacobi start diag(1 / (d H_jj)), at
    /// which every eigenvalue of H X lies in (0, 1], <paramref name="steps"/> Newton-Schulz steps (<see cref="RefineInverseAsync"/>).
    /// One batch of d reciprocals, then two rounds of products a step. The error I - H X after s steps is (I - H X_0)^(2^s): with
    /// kappa the condition number of H scaled to a unit diagonal, about 2^s &gt;= d kappa ln(1 / error) steps make it small.
    /// </summary>
    public static async Task<Secret<T>> InverseAsync<T>(MpcRuntime<T> runtime, Secret<T> matrix, int steps)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(matrix);
        int d = matrix.Rows;
        if (matrix.Columns != d) throw new ArgumentException(ErrorMessages.NotSquare(matrix.Rows, matrix.Columns), nameof(matrix));
        var diagonal = matrix.Upscale(runtime.Format.FractionalBits).Gather([.. Enumerable.Range(0, d).Select(j => j * d + j)]);
        // H_jj >= lambda_max(H scaled to a unit diagonal) / d, so 1 / (d H_jj) keeps every eigenvalue of H X_0 at most 1.
        var start = await Reciprocal.ComputeAsync(runtime, diagonal * d).ConfigureAwait(false);
        var zero = Input.Public(runtime, [0.0], 1, 1, start.Scale);
        var startMatrix = Secret<T>.Concatenate([start, zero]).Gather([.. Enumerable.Range(0, d * d).Select(c => c / d == c % d ? c / d : d)]).Reshape(d, d);
        var (inverse, _) = await RefineInverseAsync(runtime, matrix, startMatrix, steps).ConfigureAwait(false);
        return inverse;
    }

    /// <summary>
    /// Newton-Schulz steps X &lt;- X (2I - H X) from an approximate inverse X of a secret d x d matrix H, written as X &lt;- X + X R,
    /// R &lt;- R R with R = I - H X, so that both products of a step are one matrix product ([X; R] R: two rounds a step). Every
    /// step squares the residual R; it converges when every eigenvalue of H X lies in (0, 2). Returns X and the residual
    /// I - H X after the last step.
    /// </summary>
    public static async Task<(Secret<T> Inverse, Secret<T> Residual)> RefineInverseAsync<T>(MpcRuntime<T> runtime, Secret<T> matrix, Secret<T> inverse, int steps)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(inverse);
        int d = matrix.Rows;
        if (matrix.Columns != d || inverse.Rows != d || inverse.Columns != d) throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(d, matrix.Columns, inverse.Rows, inverse.Columns));
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), ErrorMessages.NegativeSteps(steps));
        var identity = Input.Public(runtime, [.. Enumerable.Range(0, d * d).Select(c => c / d == c % d ? 1.0 : 0.0)], d, d, runtime.Format.FractionalBits);
        var x = inverse;
        var r = identity - await Multiplication.MatrixMultiplyAsync(runtime, matrix, x).ConfigureAwait(false);
        for (int step = 0; step < steps; step++)
        {
            var products = await Multiplication.MatrixMultiplyAsync(runtime, Secret<T>.Concatenate([x, r]).Reshape(2 * d, d), r).ConfigureAwait(false);
            x = x + products.Slice(0, d * d).Reshape(d, d);
            r = products.Slice(d * d, d * d).Reshape(d, d);
        }
        return (x, r);
    }

    /// <summary>
    /// <see cref="RefineInverseAsync"/> from <paramref name="start"/> when it converged, else <paramref name="fallback"/>: the
    /// refined inverse is kept when the squared Frobenius norm of its residual lies in [0, 1/4) (then every eigenvalue of
    /// I - H X is within 1/2 of 0), which a diverged run (whose overflowed values are garbage) meets with probability about
    /// 2^-(k - f - 2). One inner product, one comparison of two values and one selection more than the refinement.
    /// </summary>
    public static async Task<Secret<T>> RefineOrFallBackAsync<T>(MpcRuntime<T> runtime, Secret<T> matrix, Secret<T> start, Secret<T> fallback, int steps)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(fallback);
        var (refined, residual) = await RefineInverseAsync(runtime, matrix, start, steps).ConfigureAwait(false);
        var norm = await Multiplication.DotAsync(runtime, residual.Reshape(residual.Length, 1), residual.Reshape(residual.Length, 1)).ConfigureAwait(false);
        // [norm - 1/4 < 0] and [norm < 0] in one comparison: kept = first (1 - second).
        var signs = await Comparison.LessThanZeroAsync(runtime, Secret<T>.Concatenate([norm - 0.25, norm])).ConfigureAwait(false);
        var kept = signs[0] - await Multiplication.MultiplyAsync(runtime, signs[0], signs[1]).ConfigureAwait(false);
        var bits = Secret<T>.Concatenate(Enumerable.Repeat(kept, refined.Length).ToList()).Reshape(refined.Rows, refined.Columns);
        return await Comparison.SelectAsync(runtime, bits, refined, fallback.Upscale(refined.Scale)).ConfigureAwait(false);
    }
}
