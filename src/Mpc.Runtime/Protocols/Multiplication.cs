using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// The Multiplication role: products of secrets with Beaver triples (Beaver, CRYPTO 1991) and
/// matrix products with matrix triples (as in SecureML, Mohassel and Zhang 2017). Results with more
/// fractional bits than the format's are truncated back to it, so fixed x fixed stays fixed and
/// integer x integer stays integer.
/// </summary>
public static partial class Multiplication
{
    /// <summary>Element-wise product of two secrets of the same shape (one round, plus one for truncation when needed).</summary>
    public static async Task<Secret<T>> MultiplyAsync<T>(MpcRuntime<T> runtime, Secret<T> x, Secret<T> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        runtime.CheckOwns(y);
        if (x.Rows != y.Rows || x.Columns != y.Columns) throw new ArgumentException(RuntimeErrors.ShapeMismatch("Multiply", x.Rows, x.Columns, y.Rows, y.Columns));
        var raw = await MultiplyRawAsync(runtime, x.Share, y.Share).ConfigureAwait(false);
        return await Truncation.NormalizeAsync(runtime, raw, x.Scale + y.Scale, x.Rows, x.Columns).ConfigureAwait(false);
    }

    /// <summary>
    /// Element-wise product at <paramref name="scale"/> fractional bits (at most the operands' together) for secrets whose
    /// product is known to satisfy |x y| &lt;= <paramref name="magnitude"/> for every input, such as probabilities: the
    /// truncation is statistically masked and draws no preprocessing where the ring has room (<see cref="Truncation"/>),
    /// with an error of up to about N/2 units. A product beyond the bound is wrong and no longer hidden to 2^-40.
    /// </summary>
    public static async Task<Secret<T>> MultiplyBoundedAsync<T>(MpcRuntime<T> runtime, Secret<T> x, Secret<T> y, double magnitude, int scale)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        runtime.CheckOwns(y);
        if (x.Rows != y.Rows || x.Columns != y.Columns) throw new ArgumentException(RuntimeErrors.ShapeMismatch("Multiply", x.Rows, x.Columns, y.Rows, y.Columns));
        if (!(magnitude > 0) || double.IsInfinity(magnitude)) throw new ArgumentOutOfRangeException(nameof(magnitude), "The bound on the product must be positive and finite.");
        int productScale = x.Scale + y.Scale;
        if (scale < 0 || scale > productScale) throw new ArgumentOutOfRangeException(nameof(scale), $"The scale must lie in [0, {productScale}].");
        var raw = await MultiplyRawAsync(runtime, x.Share, y.Share).ConfigureAwait(false);
        if (scale == productScale) return new Secret<T>(runtime, raw, x.Rows, x.Columns, scale);
        var share = await Truncation.TruncateBoundedRawAsync(runtime, raw, productScale - scale, FixedPointKernels.BoundBits(magnitude, productScale)).ConfigureAwait(false);
        return new Secret<T>(runtime, share, x.Rows, x.Columns, scale);
    }

    /// <summary>Matrix product X (n x m) * Y (m x p) with one matrix triple: opens n*m + m*p elements.</summary>
    public static async Task<Secret<T>> MatrixMultiplyAsync<T>(MpcRuntime<T> runtime, Secret<T> x, Secret<T> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        runtime.CheckOwns(y);
        if (x.Columns != y.Rows) throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(x.Rows, x.Columns, y.Rows, y.Columns));
        var raw = await MatrixMultiplyRawAsync(runtime, x.Share, y.Share, x.Rows, x.Columns, y.Columns).ConfigureAwait(false);
        return await Truncation.NormalizeAsync(runtime, raw, x.Scale + y.Scale, x.Rows, y.Columns).ConfigureAwait(false);
    }

    /// <summary>
    /// L * y for a matrix L (rows x y.Rows) that one party, <paramref name="owner"/>, holds in the clear (null at the others):
    /// see <see cref="PrivateMatrixMultiplyEachAsync"/>.
    /// </summary>
    public static Task<Secret<T>> PrivateMatrixMultiplyAsync<T>(MpcRuntime<T> runtime, int owner, double[]? matrix, int rows, Secret<T> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(y);
        if (owner < 0 || owner >= runtime.PartyCount) throw new ArgumentOutOfRangeException(nameof(owner), ErrorMessages.PartyIndexOutOfRange(owner, runtime.PartyCount));
        if ((matrix is null) == (owner == runtime.PartyIndex)) throw new ArgumentException(ErrorMessages.PrivateMatrixOwner(owner, runtime.PartyIndex), nameof(matrix));
        var rowCounts = Enumerable.Range(0, runtime.PartyCount).Select(p => p == owner ? rows : 0).ToArray();
        return PrivateMatrixMultiplyEachAsync(runtime, matrix ?? [], rowCounts, Enumerable.Repeat(y, runtime.PartyCount).ToArray());
    }

    /// <summary>
    /// Every party's private matrix times a secret, stacked in party order: party p holds L_p (rows[p] x y[p].Rows) in
    /// the clear (this party gives its own as <paramref name="ownMatrix"/>), encoded at the format's scale, and the result
    /// is [L_0 y_0; L_1 y_1; ...]. The matrices stay private to their owners and are never secret-shared: with OT
    /// preprocessing every other party runs one oblivious product with each owner, chosen by the bits of its share of
    /// y_p (<see cref="IPrivateProducts{T}"/>), all owners at once; otherwise each owner shares L_p and a matrix triple is used.
    /// </summary>
    public static async Task<Secret<T>> PrivateMatrixMultiplyEachAsync<T>(MpcRuntime<T> runtime, double[] ownMatrix, IReadOnlyList<int> rows, IReadOnlyList<Secret<T>> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckPrivateProduct(runtime, ownMatrix, rows, y);
        int parties = runtime.PartyCount, self = runtime.PartyIndex, columns = y[0].Columns, f = runtime.Format.FractionalBits;
        var parts = new T[parties][];
        if (runtime.Preprocessing is IPrivateProducts<T> products)
        {
            var encoded = runtime.Format.Encode<T>(ownMatrix, f);
            // Every product is numbered when it is asked for, so they can all run at once.
            var tasks = Enumerable.Range(0, parties).Select(p =>
                products.PrivateProductAsync(p, p == self ? encoded : null, y[p].Share, rows[p], y[p].Rows, columns, RingArithmetic<T>.Bits, RingArithmetic<T>.Bits, runtime.Cancellation).AsTask()).ToArray();
            parts = await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        else
        {
            for (int p = 0; p < parties; p++)
            {
                var shared = Input.Share(runtime, p, p == self ? ownMatrix : null, rows[p], y[p].Rows, f);
                parts[p] = await MatrixMultiplyRawAsync(runtime, shared.Share, y[p].Share, rows[p], y[p].Rows, columns).ConfigureAwait(false);
            }
        }
        var raw = parts.SelectMany(part => part).ToArray();
        return await Truncation.NormalizeAsync(runtime, raw, f + y[0].Scale, rows.Sum(), columns).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="PrivateMatrixMultiplyEachAsync"/> for secrets known to be small, |y| &lt; 2^valueBits as ring integers (at
    /// their scale), such as weights truncated to a few fractional bits: every party masks y with its own uniform R_i below
    /// 2^(valueBits + 40) and y + sum R_i is opened (statistically hiding y, to 2^-40); then L y = L (y + R) - sum_i L R_i,
    /// where L (y + R) is the owner's alone and each L R_i a Gilboa product over only valueBits + 40 choice bits instead
    /// of k. Falls back to the general product where that would not be fewer bits, or without OT preprocessing.
    /// </summary>
    public static async Task<Secret<T>> PrivateMatrixMultiplySmallEachAsync<T>(MpcRuntime<T> runtime, double[] ownMatrix, IReadOnlyList<int> rows, IReadOnlyList<Secret<T>> y, int valueBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckPrivateProduct(runtime, ownMatrix, rows, y);
        int k = RingArithmetic<T>.Bits, maskBits = valueBits + Truncation.StatisticalSecurity;
        if (valueBits < 1) throw new ArgumentOutOfRangeException(nameof(valueBits), "The values' bound must be at least one bit.");
        if (runtime.Preprocessing is not IPrivateProducts<T> products || maskBits >= k - 1) return await PrivateMatrixMultiplyEachAsync(runtime, ownMatrix, rows, y).ConfigureAwait(false);
        int parties = runtime.PartyCount, self = runtime.PartyIndex, columns = y[0].Columns, f = runtime.Format.FractionalBits;
        var (masks, opened) = await OpenMaskedAsync(runtime, y, maskBits).ConfigureAwait(false);
        var encoded = runtime.Format.Encode<T>(ownMatrix, f);
        var tasks = Enumerable.Range(0, parties).Select(p =>
            products.PrivateProductAsync(p, p == self ? encoded : null, masks[p], rows[p], y[p].Rows, columns, maskBits, k, runtime.Cancellation).AsTask()).ToArray();
        var parts = UnmaskedShares(runtime, await Task.WhenAll(tasks).ConfigureAwait(false), encoded, opened, rows, y);
        var raw = parts.SelectMany(part => part).ToArray();
        return await Truncation.NormalizeAsync(runtime, raw, f + y[0].Scale, rows.Sum(), columns).ConfigureAwait(false);
    }

    private static void CheckPrivateProduct<T>(MpcRuntime<T> runtime, double[] ownMatrix, IReadOnlyList<int> rows, IReadOnlyList<Secret<T>> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(ownMatrix);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(y);
        int parties = runtime.PartyCount, self = runtime.PartyIndex;
        if (rows.Count != parties || y.Count != parties) throw new ArgumentException(ErrorMessages.LengthMismatch(rows.Count, y.Count, parties), nameof(rows));
        foreach (var secret in y) runtime.CheckOwns(secret);
        int columns = y[0].Columns, scale = y[0].Scale;
        for (int p = 0; p < parties; p++)
        {
            if (rows[p] < 0 || y[p].Columns != columns || y[p].Scale != scale) throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(rows[p], y[p].Rows, y[p].Rows, y[p].Columns), nameof(y));
        }
        if (ownMatrix.Length != checked(rows[self] * y[self].Rows)) throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(rows[self], y[self].Rows, y[self].Rows, columns), nameof(ownMatrix));
    }

    /// <summary>Inner product of two secrets of equal length, as a 1x1 secret.</summary>
    public static Task<Secret<T>> DotAsync<T>(MpcRuntime<T> runtime, Secret<T> x, Secret<T> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length) throw new ArgumentException(ErrorMessages.LengthMismatch(x.Length, y.Length, 1));
        return MatrixMultiplyAsync(runtime, x.Reshape(1, x.Length), y.Reshape(y.Length, 1));
    }

    /// <summary>Multiplies element-wise by public reals (local product, then truncation back to the format's scale).</summary>
    public static async Task<Secret<T>> MultiplyPublicAsync<T>(MpcRuntime<T> runtime, Secret<T> x, ReadOnlyMemory<double> constants)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        if (constants.Length != x.Length && constants.Length != 1) throw new ArgumentException(ErrorMessages.LengthMismatch(x.Length, constants.Length, x.Length));
        int f = runtime.Format.FractionalBits;
        var encoded = runtime.Format.Encode<T>(constants.Span, f);
        var raw = new T[x.Length];
        if (encoded.Length == 1) RingArithmetic<T>.Scale(x.Share, encoded[0], raw);
        else RingArithmetic<T>.Multiply(x.Share, encoded, raw);
        return await Truncation.NormalizeAsync(runtime, raw, x.Scale + f, x.Rows, x.Columns).ConfigureAwait(false);
    }

    /// <summary>Element-wise product of shares with no truncation: z = c + d*b + e*a (+ d*e at party 0), or by resharing where the engine offers it.</summary>
    internal static async Task<T[]> MultiplyRawAsync<T>(MpcRuntime<T> runtime, T[] x, T[] y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (MultipliesByResharing(runtime)) return await MultiplyResharedAsync(runtime, x, y).ConfigureAwait(false);
        int n = x.Length;
        var triple = await runtime.Preprocessing.GetTriplesAsync(n, runtime.Cancellation).ConfigureAwait(false);
        CheckDelivered("triples", n, triple.A.Length);
        // d = x - a and e = y - b travel in one block of 2n elements.
        var masked = new T[2 * n];
        RingArithmetic<T>.Subtract(x, triple.A, masked.AsSpan(0, n));
        RingArithmetic<T>.Subtract(y, triple.B, masked.AsSpan(n, n));
        var opened = await Opening.OpenAsync(runtime, masked).ConfigureAwait(false);
        var z = triple.C;
        bool leader = runtime.IsLeader;
        unchecked
        {
            for (int i = 0; i < n; i++)
            {
                T d = opened[i], e = opened[n + i];
                T zi = z[i] + d * triple.B[i] + e * triple.A[i];
                if (leader) zi += d * e;
                z[i] = zi;
            }
        }
        return z;
    }

    /// <summary>Matrix product of shares with no truncation: Z = C + D*B + A*E (+ D*E at party 0), or by resharing where the engine offers it.</summary>
    internal static async Task<T[]> MatrixMultiplyRawAsync<T>(MpcRuntime<T> runtime, T[] x, T[] y, int n, int m, int p)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (MultipliesByResharing(runtime)) return await MatrixMultiplyResharedAsync(runtime, x, y, n, m, p).ConfigureAwait(false);
        var triple = await runtime.Preprocessing.GetMatrixTripleAsync(n, m, p, runtime.Cancellation).ConfigureAwait(false);
        CheckDelivered("matrix triple elements", n * p, triple.C.Length);
        int nx = n * m, ny = m * p;
        var masked = new T[nx + ny];
        RingArithmetic<T>.Subtract(x, triple.A, masked.AsSpan(0, nx));
        RingArithmetic<T>.Subtract(y, triple.B, masked.AsSpan(nx, ny));
        var opened = await Opening.OpenAsync(runtime, masked).ConfigureAwait(false);
        var d = opened.AsSpan(0, nx);
        var e = opened.AsSpan(nx, ny);
        var z = triple.C;
        var term = new T[n * p];
        RingArithmetic<T>.MatrixMultiply(d, triple.B, term, n, m, p);
        RingArithmetic<T>.AddInPlace(z, term);
        RingArithmetic<T>.MatrixMultiply(triple.A, e, term, n, m, p);
        RingArithmetic<T>.AddInPlace(z, term);
        if (runtime.IsLeader)
        {
            RingArithmetic<T>.MatrixMultiply(d, e, term, n, m, p);
            RingArithmetic<T>.AddInPlace(z, term);
        }
        return z;
    }

    internal static void CheckDelivered(string kind, int requested, int delivered)
    {
        if (requested != delivered) throw new ProtocolAbortedException(RuntimeErrors.PreprocessingShortfall(kind, requested, delivered));
    }
}
