using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics;

/// <summary>The layout of the regression's data: each party's design matrix and the stacked secrets of all parties' rows.</summary>
public static partial class SecureLogisticRegression
{
    // This party's rows as A = [1 | X] (rows x (f+1)), A' ((f+1) x rows), and per row the upper triangle of its outer product
    // (a row of the matrix per (k, l) with k <= l, a column per data row): the private maps of eta = A beta, A'r and A'WA.
    private static (double[] Rows, double[] Transposed, double[] OuterProducts) LocalDesign(double[] features, int rows, int f)
    {
        int columns = f + 1;
        var design = new double[rows * columns];
        for (int i = 0; i < rows; i++)
        {
            design[i * columns] = 1;
            Array.Copy(features, i * f, design, i * columns + 1, f);
        }
        var transposed = new double[columns * rows];
        for (int i = 0; i < rows; i++)
            for (int c = 0; c < columns; c++) transposed[c * rows + i] = design[i * columns + c];
        var outer = new double[columns * (columns + 1) / 2 * rows];
        int t = 0;
        for (int k = 0; k < columns; k++)
            for (int l = k; l < columns; l++, t++)
                for (int i = 0; i < rows; i++) outer[t * rows + i] = design[i * columns + k] * design[i * columns + l];
        return (design, transposed, outer);
    }

    // Where the engine has no private products (resharing, dealer, Shamir), the owners' rows would be shared anew for every product:
    // instead every owner shares A and its outer products once (Multiplication.PrepareOwnedAsync: each owner's rows sent once), so each
    // iteration sends only the secret factor (n values) instead of the matrices (n (f + 1) (f + 4) / 2 values).
    // Null with private products, whose owners' rows never become shares.
    private static async Task<(PreparedMatrix<T> Rows, PreparedMatrix<T> Transposed, PreparedMatrix<T> OuterProducts)?> PrepareDesignAsync<T>(MpcRuntime<T> runtime,
        (double[] Rows, double[] Transposed, double[] OuterProducts) design, int[] rowCounts, int columns, int unique)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (runtime.Preprocessing is IPrivateProducts<T>) return null;
        int rows = rowCounts[runtime.PartyIndex];
        // Each row's outer products as a row (rows x unique), so that the parties' blocks stack by rows.
        var outer = new double[rows * unique];
        for (int t = 0; t < unique; t++)
            for (int i = 0; i < rows; i++) outer[i * unique + t] = design.OuterProducts[t * rows + i];
        var preparedRows = await Multiplication.PrepareOwnedAsync(runtime, design.Rows, rowCounts, columns).ConfigureAwait(false);
        var preparedOuter = (await Multiplication.PrepareOwnedAsync(runtime, outer, rowCounts, unique).ConfigureAwait(false)).Transpose();
        return (preparedRows, preparedRows.Transpose(), preparedOuter);
    }

    // Upper-triangle storage of a symmetric matrix: the number of entries, and for each cell of the full matrix its entry.
    private static (int Unique, int[] Full) SymmetricIndex(int columns)
    {
        var full = new int[columns * columns];
        int t = 0;
        for (int k = 0; k < columns; k++)
            for (int l = k; l < columns; l++, t++)
            {
                full[k * columns + l] = t;
                full[l * columns + k] = t;
            }
        return (t, full);
    }

    private static int[] Repeat(int value, int[] parties) => [.. parties.Select(_ => value)];

    // The rows of a stacked secret that belong to each party, as column vectors.
    private static Secret<T>[] Slices<T>(Secret<T> stacked, int[] rowCounts)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var slices = new Secret<T>[rowCounts.Length];
        int at = 0;
        for (int p = 0; p < rowCounts.Length; p++)
        {
            slices[p] = stacked.Slice(at, rowCounts[p]).Reshape(rowCounts[p], 1);
            at += rowCounts[p];
        }
        return slices;
    }

    // Sum of the parties' stacked parts of equal length (local).
    private static Secret<T> SumOfParts<T>(Secret<T> stacked, int length)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var sum = stacked.Slice(0, length);
        for (int at = length; at < stacked.Length; at += length) sum = sum + stacked.Slice(at, length);
        return sum;
    }

    // A d x d matrix with the vector on its diagonal (local).
    private static Secret<T> ScatterDiagonal<T>(MpcRuntime<T> runtime, Secret<T> vector, int d)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var zero = Input.Public(runtime, [0.0], 1, 1, vector.Scale);
        var combined = Secret<T>.Concatenate([vector, zero]);
        var index = Enumerable.Range(0, d * d).Select(k => k / d == k % d ? k / d : d).ToArray();
        return combined.Gather(index).Reshape(d, d);
    }
}
