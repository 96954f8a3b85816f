using System.Numerics;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics;

/// <summary>Linear algebra on secret matrices.</summary>
public static partial class SecureLinearAlgebra
{
    /// <summary>
    /// H = L D L' for a secret symmetric positive definite d x d matrix, with L unit lower triangular and D block diagonal
    /// with 2 x 2 blocks (the last one 1 x 1 when d is odd), by the block-column Cholesky recurrence without square roots.
    /// Per block one matrix product (a matrix triple), one secure reciprocal (of the block's determinant, whose inverse is
    /// then the adjugate over it) and the block's column of L, so d / 2 reciprocals in sequence instead of d, and about
    /// d^2 / 2 multiplications in all instead of the 2 d^3 of Gauss-Jordan. Returns L and D^-1 (both d x d, row-major).
    /// </summary>
    public static async Task<(Secret<T> Lower, Secret<T> InverseBlocks)> FactorAsync<T>(MpcRuntime<T> runtime, Secret<T> matrix)
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
        // lower[i][k] = L_ik and scaled[i][k] = (L D)_ik for k < i, filled block by block; inverse[(r, c)] = (D^-1)_rc.
        var lower = Enumerable.Range(0, d).Select(_ => new List<Secret<T>>()).ToArray();
        var scaled = Enumerable.Range(0, d).Select(_ => new List<Secret<T>>()).ToArray();
        var inverse = new Dictionary<(int, int), Secret<T>>();
        for (int j = 0; j < d; j += 2)
        {
            int b = Math.Min(2, d - j), below = d - j;
            // E = H[j.., J] - L[j.., :j] (L D)[J, :j]': rows j.., the block's b columns, row-major (below x b).
            var e = h.Gather(Enumerable.Range(j, below).SelectMany(i => Enumerable.Range(j, b).Select(c => i * d + c)).ToArray()).Reshape(below, b);
            if (j > 0)
            {
                var left = Secret<T>.Concatenate(Enumerable.Range(j, below).SelectMany(i => lower[i]).ToList()).Reshape(below, j);
                var right = Secret<T>.Concatenate(Enumerable.Range(0, j).SelectMany(k => Enumerable.Range(j, b).Select(c => scaled[c][k])).ToList()).Reshape(j, b);
                e = e - await Multiplication.MatrixMultiplyAsync(runtime, left, right).ConfigureAwait(false);
            }
            Secret<T> blockInverse;
            if (b == 1)
            {
                blockInverse = (await Reciprocal.ComputeAsync(runtime, e[0]).ConfigureAwait(false)).Reshape(1, 1);
            }
            else
            {
                // [[p, q], [q, r]]^-1 = [[r, -q], [-q, p]] / (p r - q^2).
                var (pivot, off, last) = (e[0], e[1], e[3]);
                var products = await Multiplication.MultiplyAsync(runtime, Secret<T>.Concatenate([pivot, off]), Secret<T>.Concatenate([last, off])).ConfigureAwait(false);
                var reciprocal = await Reciprocal.ComputeAsync(runtime, products[0] - products[1]).ConfigureAwait(false);
                var adjugate = Secret<T>.Concatenate([last, -off, -off, pivot]);
                blockInverse = (await Multiplication.MultiplyAsync(runtime, adjugate, Secret<T>.Concatenate([reciprocal, reciprocal, reciprocal, reciprocal])).ConfigureAwait(false)).Reshape(2, 2);
            }
            for (int r = 0; r < b; r++)
                for (int c = 0; c < b; c++) inverse[(j + r, j + c)] = blockInverse[r * b + c];
            // Within the block L is the identity, and (L D)[j+1, j] is D's off-diagonal entry.
            if (b == 2)
            {
                scaled[j + 1].Add(e[2]);
                lower[j + 1].Add(zero);
            }
            if (below == b) continue;
            var rest = e.Slice(b * b, (below - b) * b).Reshape(below - b, b);
            var factors = await Multiplication.MatrixMultiplyAsync(runtime, rest, blockInverse).ConfigureAwait(false);
            for (int i = j + b; i < d; i++)
                for (int c = 0; c < b; c++)
                {
                    scaled[i].Add(rest[(i - j - b) * b + c]);
                    lower[i].Add(factors[(i - j - b) * b + c]);
                }
        }
        var cells = new List<Secret<T>>(d * d);
        var inverseCells = new List<Secret<T>>(d * d);
        for (int i = 0; i < d; i++)
            for (int k = 0; k < d; k++)
            {
                cells.Add(k < i ? lower[i][k] : k == i ? one : zero);
                inverseCells.Add(inverse.TryGetValue((i, k), out var value) ? value : zero);
            }
        return (Secret<T>.Concatenate(cells).Reshape(d, d), Secret<T>.Concatenate(inverseCells).Reshape(d, d));
    }

    /// <summary>
    /// X with L X = B for a secret unit lower triangular L (d x d) and secret B (d x c), a block of rows at a time:
    /// <paramref name="blockSize"/> 2 for the factors of <see cref="FactorAsync"/>, whose 2 x 2 diagonal blocks are the
    /// identity, so the two rows of a block need only the rows before it (d / 2 rounds of products); 1 for any L.
    /// </summary>
    public static Task<Secret<T>> SolveLowerAsync<T>(MpcRuntime<T> runtime, Secret<T> lower, Secret<T> right, int blockSize = 1)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => SubstituteAsync(runtime, lower, right, transposed: false, blockSize);

    /// <summary>X with L' X = B, from the last block of rows up (see <see cref="SolveLowerAsync"/> for the blocks).</summary>
    public static Task<Secret<T>> SolveUpperTransposedAsync<T>(MpcRuntime<T> runtime, Secret<T> lower, Secret<T> right, int blockSize = 1)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => SubstituteAsync(runtime, lower, right, transposed: true, blockSize);

    /// <summary>H^-1 B from the factors of H = L D L' (<see cref="FactorAsync"/>): forward substitution, D^-1, back substitution.</summary>
    public static async Task<Secret<T>> SolveAsync<T>(MpcRuntime<T> runtime, Secret<T> lower, Secret<T> inverseBlocks, Secret<T> right)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(inverseBlocks);
        ArgumentNullException.ThrowIfNull(right);
        var z = await SolveLowerAsync(runtime, lower, right, 2).ConfigureAwait(false);
        var scaledZ = await Multiplication.MatrixMultiplyAsync(runtime, inverseBlocks, z).ConfigureAwait(false);
        return await SolveUpperTransposedAsync(runtime, lower, scaledZ, 2).ConfigureAwait(false);
    }

    private static async Task<Secret<T>> SubstituteAsync<T>(MpcRuntime<T> runtime, Secret<T> lower, Secret<T> right, bool transposed, int blockSize)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(right);
        if (blockSize is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(blockSize), "Blocks of rows are 1 or 2 rows.");
        int d = lower.Rows, c = right.Columns;
        if (lower.Columns != d || right.Rows != d) throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(d, lower.Columns, right.Rows, c));
        var solved = new Secret<T>[d];
        int blocks = (d + blockSize - 1) / blockSize;
        for (int step = 0; step < blocks; step++)
        {
            // Forward: block rows need L[i, k] for k before the block; backward: L[k, i] for k after it.
            int block = transposed ? blocks - 1 - step : step;
            var rows = Enumerable.Range(block * blockSize, Math.Min(blockSize, d - block * blockSize)).ToArray();
            var known = transposed ? Enumerable.Range(rows[^1] + 1, d - 1 - rows[^1]).ToArray() : Enumerable.Range(0, rows[0]).ToArray();
            var values = right.Gather(rows.SelectMany(i => Enumerable.Range(i * c, c)).ToArray()).Reshape(rows.Length, c);
            if (known.Length > 0)
            {
                var coefficients = lower.Gather(rows.SelectMany(i => known.Select(k => transposed ? k * d + i : i * d + k)).ToArray()).Reshape(rows.Length, known.Length);
                var previous = Secret<T>.Concatenate(known.Select(k => solved[k]).ToList()).Reshape(known.Length, c);
                values = values - await Multiplication.MatrixMultiplyAsync(runtime, coefficients, previous).ConfigureAwait(false);
            }
            for (int r = 0; r < rows.Length; r++) solved[rows[r]] = values.Slice(r * c, c).Reshape(1, c);
        }
        return Secret<T>.Concatenate(solved).Reshape(d, c);
    }
}
