using System.Numerics;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics;

/// <summary>Linear algebra on secret matrices.</summary>
public static class SecureLinearAlgebra
{
    /// <summary>
    /// H = L D L' for a secret symmetric positive definite d x d matrix (L unit lower triangular, D diagonal), by the
    /// column-wise Cholesky recurrence without square roots: per column one matrix-vector product (a matrix triple),
    /// one secure reciprocal of the pivot and d - j products, so about d^2 / 2 multiplications in all instead of the
    /// 2 d^3 of Gauss-Jordan, and d reciprocal depths of rounds. Returns L (row-major) and 1 / D.
    /// </summary>
    public static async Task<(Secret<T> Lower, Secret<T> InverseDiagonal)> FactorAsync<T>(MpcRuntime<T> runtime, Secret<T> matrix)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(matrix);
        int d = matrix.Rows;
        if (matrix.Columns != d) throw new ArgumentException($"A {matrix.Rows}x{matrix.Columns} matrix is not square.", nameof(matrix));
        int scale = runtime.Format.FractionalBits;
        var h = matrix.Upscale(scale);
        var zero = Input.Public(runtime, [0.0], 1, 1, scale);
        var one = Input.Public(runtime, [1.0], 1, 1, scale);
        // lower[i][k] = L_ik and scaled[i][k] = L_ik D_k for k < i, filled column by column.
        var lower = Enumerable.Range(0, d).Select(_ => new List<Secret<T>>()).ToArray();
        var scaled = Enumerable.Range(0, d).Select(_ => new List<Secret<T>>()).ToArray();
        var inverses = new List<Secret<T>>();
        for (int j = 0; j < d; j++)
        {
            // Column j from row j down: H[i, j] - sum_{k<j} L_ik (L_jk D_k).
            var column = h.Gather(Enumerable.Range(j, d - j).Select(i => i * d + j).ToArray());
            if (j > 0)
            {
                var left = Secret<T>.Concatenate(Enumerable.Range(j, d - j).SelectMany(i => lower[i]).ToList()).Reshape(d - j, j);
                var right = Secret<T>.Concatenate(scaled[j]).Reshape(j, 1);
                column = column - await Multiplication.MatrixMultiplyAsync(runtime, left, right).ConfigureAwait(false);
            }
            var inverse = await Reciprocal.ComputeAsync(runtime, column[0]).ConfigureAwait(false);
            inverses.Add(inverse);
            if (j == d - 1) break;
            var below = column.Slice(1, d - j - 1);
            var factors = await Multiplication.MultiplyAsync(runtime, below, Secret<T>.Concatenate(Enumerable.Repeat(inverse, d - j - 1).ToList())).ConfigureAwait(false);
            for (int i = j + 1; i < d; i++)
            {
                scaled[i].Add(below[i - j - 1]);
                lower[i].Add(factors[i - j - 1]);
            }
        }
        var cells = new List<Secret<T>>(d * d);
        for (int i = 0; i < d; i++)
            for (int k = 0; k < d; k++) cells.Add(k < i ? lower[i][k] : k == i ? one : zero);
        return (Secret<T>.Concatenate(cells).Reshape(d, d), Secret<T>.Concatenate(inverses).Reshape(d, 1));
    }

    /// <summary>X with L X = B for a secret unit lower triangular L (d x d) and secret B (d x c), row by row (d - 1 rounds of products).</summary>
    public static Task<Secret<T>> SolveLowerAsync<T>(MpcRuntime<T> runtime, Secret<T> lower, Secret<T> right)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => SubstituteAsync(runtime, lower, right, transposed: false);

    /// <summary>X with L' X = B for a secret unit lower triangular L (d x d) and secret B (d x c), from the last row up.</summary>
    public static Task<Secret<T>> SolveUpperTransposedAsync<T>(MpcRuntime<T> runtime, Secret<T> lower, Secret<T> right)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => SubstituteAsync(runtime, lower, right, transposed: true);

    /// <summary>H^-1 B from the factors of H = L D L': forward substitution, 1 / D, back substitution.</summary>
    public static async Task<Secret<T>> SolveAsync<T>(MpcRuntime<T> runtime, Secret<T> lower, Secret<T> inverseDiagonal, Secret<T> right)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(inverseDiagonal);
        ArgumentNullException.ThrowIfNull(right);
        int d = lower.Rows, c = right.Columns;
        var z = await SolveLowerAsync(runtime, lower, right).ConfigureAwait(false);
        var scaledZ = await Multiplication.MultiplyAsync(runtime, z, inverseDiagonal.Gather(Enumerable.Range(0, d * c).Select(i => i / c).ToArray()).Reshape(d, c)).ConfigureAwait(false);
        return await SolveUpperTransposedAsync(runtime, lower, scaledZ.Reshape(d, c)).ConfigureAwait(false);
    }

    private static async Task<Secret<T>> SubstituteAsync<T>(MpcRuntime<T> runtime, Secret<T> lower, Secret<T> right, bool transposed)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(right);
        int d = lower.Rows, c = right.Columns;
        if (lower.Columns != d || right.Rows != d) throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(d, lower.Columns, right.Rows, c));
        var solved = new Secret<T>[d];
        for (int step = 0; step < d; step++)
        {
            // Forward: row i = step needs L[i, k] for k < i; backward: row i = d-1-step needs L[k, i] for k > i.
            int i = transposed ? d - 1 - step : step;
            var row = right.Slice(i * c, c).Reshape(1, c);
            var known = transposed ? Enumerable.Range(i + 1, d - 1 - i).ToArray() : Enumerable.Range(0, i).ToArray();
            if (known.Length > 0)
            {
                var coefficients = lower.Gather(known.Select(k => transposed ? k * d + i : i * d + k).ToArray()).Reshape(1, known.Length);
                var values = Secret<T>.Concatenate(known.Select(k => solved[k]).ToList()).Reshape(known.Length, c);
                row = row - await Multiplication.MatrixMultiplyAsync(runtime, coefficients, values).ConfigureAwait(false);
            }
            solved[i] = row;
        }
        return Secret<T>.Concatenate(solved).Reshape(d, c);
    }
}
