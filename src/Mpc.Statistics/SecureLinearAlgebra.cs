using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics;

/// <summary>Linear algebra on secret matrices.</summary>
public static class SecureLinearAlgebra
{
    /// <summary>
    /// The inverse of a secret symmetric positive definite d x d matrix by Gauss-Jordan elimination
    /// without pivoting (safe for SPD matrices): per column one secure reciprocal of the pivot and
    /// one batched rank-one update, so 2d + d * (reciprocal rounds) rounds in all.
    /// </summary>
    public static async Task<Secret<T>> InvertSymmetricPositiveDefiniteAsync<T>(MpcRuntime<T> runtime, Secret<T> matrix)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(matrix);
        int d = matrix.Rows;
        if (matrix.Columns != d) throw new ArgumentException($"A {matrix.Rows}x{matrix.Columns} matrix is not square.", nameof(matrix));
        // Rows of the augmented matrix [A | I], each of length 2d.
        var identity = Input.Public(runtime, Enumerable.Range(0, d * d).Select(i => i / d == i % d ? 1.0 : 0.0).ToArray(), d, d, runtime.Format.FractionalBits);
        var a = matrix.Upscale(runtime.Format.FractionalBits);
        var rows = Enumerable.Range(0, d).Select(i => Secret<T>.Concatenate([a.Slice(i * d, d), identity.Slice(i * d, d)])).ToArray();
        for (int j = 0; j < d; j++)
        {
            var inverse = await Reciprocal.ComputeAsync(runtime, rows[j][j]).ConfigureAwait(false);
            var broadcast = Secret<T>.Concatenate(Enumerable.Repeat(inverse, 2 * d).ToList());
            rows[j] = await Multiplication.MultiplyAsync(runtime, rows[j], broadcast).ConfigureAwait(false);
            // Every other row i loses A[i, j] times the normalised pivot row, in one batch.
            var others = Enumerable.Range(0, d).Where(i => i != j).ToList();
            if (others.Count == 0) continue;
            var factors = Secret<T>.Concatenate(others.SelectMany(i => Enumerable.Repeat(rows[i][j], 2 * d)).ToList());
            var pivots = Secret<T>.Concatenate(others.Select(_ => rows[j]).ToList());
            var updates = await Multiplication.MultiplyAsync(runtime, factors, pivots).ConfigureAwait(false);
            for (int o = 0; o < others.Count; o++) rows[others[o]] = rows[others[o]] - updates.Slice(o * 2 * d, 2 * d);
        }
        return Secret<T>.Concatenate(rows.Select(r => r.Slice(d, d)).ToList()).Reshape(d, d);
    }
}
