using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Protocols;

/// <remarks>
/// Multiplication by resharing, for three parties (four to seven: Multiplication.ResharingReplicated.cs) with an honest majority (semi-honest, at most one corrupted), on an
/// engine that declares it (<see cref="IResharingMultiplication{T}"/>). Method: the additive shares x_i become
/// replicated pairs and the product is computed locally from the pairs, as in Araki, Furukawa, Lindell, Nof and Ohara
/// (CCS 2016). Each party P_i adds a fresh pseudo-random zero share to its shares of x and y, x'_i = x_i + a_i, and sends
/// (x'_i, y'_i) to P_(i-1), so P_i holds (x'_i, x'_(i+1)); then z_i = x'_i (y'_i + y'_(i+1)) + x'_(i+1) y'_i + b_i with a
/// second zero share b_i. The three z_i sum to all nine cross terms x'_j y'_l, that is to x y.
/// Security: a_i = ±G(i, i+1) ± G(i-1, i) (indices mod 3; <see cref="ZeroSharing{T}"/>), and P_(i-1), the only party that
/// sees x'_i, lacks the seed of P_i and P_(i+1), whose stream is used once; so every message is uniform and independent
/// of the receiver's view. b_i masks z_i the same way, so the result shares are a fresh additive sharing of x y: any one
/// party's view, openings included, is simulated from the values it is meant to learn.
/// Cost: one round; each party sends 2 ring elements a product to one peer (6 in all), against 2 to each peer (12) for a
/// Beaver product; no triples, and three zero shares a product (two AES-CTR streams each) instead of a triple's draws.
/// Matrix products send both factors the same way (n m + m p elements to one peer) and compute two local products.
/// </remarks>
public static partial class Multiplication
{
    /// <summary>Whether this runtime multiplies by resharing: on an engine that declares it (three to seven parties).</summary>
    internal static bool MultipliesByResharing<T>(MpcRuntime<T> runtime)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        runtime.Preprocessing is IResharingMultiplication<T> { OffersResharingMultiplication: true };

    // The pairwise (mod 3) replicated layout (prepared matrices, binary gates) holds for three parties only; four to seven share additively.
    internal static bool ResharesInPairs<T>(MpcRuntime<T> runtime)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        runtime.PartyCount == 3 && MultipliesByResharing(runtime);

    /// <summary>
    /// The owners' matrices stacked in party order ([L_0; L_1; L_2], L_p with rows[p] rows, this party's given as
    /// <paramref name="ownMatrix"/>), prepared for products (<see cref="MatrixMultiplyPreparedAsync"/>) at the format's scale. With
    /// resharing, owner p's block is the replicated sharing c_(p+1) = G(p, p+1), c_p = L_p - c_(p+1), c_(p+2) = 0 (party i holds
    /// c_i and c_(i+1)): p sends only c_p, to p + 2, which lacks the seed of G(p, p+1) and so sees a uniform block; p + 1 sees
    /// G and 0. Each owner sends its rows once, n columns elements in all, against 3 n columns for preparing shares. Without
    /// resharing, or with more than three parties, the owners share additively (locally).
    /// </summary>
    public static async Task<PreparedMatrix<T>> PrepareOwnedAsync<T>(MpcRuntime<T> runtime, double[] ownMatrix, IReadOnlyList<int> rows, int columns)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(ownMatrix);
        ArgumentNullException.ThrowIfNull(rows);
        int parties = runtime.PartyCount, self = runtime.PartyIndex, f = runtime.Format.FractionalBits, n = rows.Sum();
        if (rows.Count != parties) throw new ArgumentException(ErrorMessages.LengthMismatch(rows.Count, parties, parties), nameof(rows));
        if (ownMatrix.Length != checked(rows[self] * columns)) throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(rows[self], columns, ownMatrix.Length, 1), nameof(ownMatrix));
        if (!ResharesInPairs(runtime))
        {
            var stacked = Secret<T>.Concatenate([.. Enumerable.Range(0, parties).Select(p => Input.Share(runtime, p, p == self ? ownMatrix : null, rows[p], columns, f))]);
            return new PreparedMatrix<T>(runtime, n, columns, f, stacked.Share, null);
        }
        int previous = (self + 2) % 3, next = (self + 1) % 3;
        long tag = runtime.NextTag();
        var mine = new T[n * columns];
        var following = new T[n * columns];
        var offsets = new int[parties + 1];
        for (int p = 0; p < parties; p++) offsets[p + 1] = offsets[p] + rows[p] * columns;
        // Own block: c_self = L - G(self, next) and c_next = G(self, next). The previous owner's: c_self = G(previous, self), c_next = 0.
        var ownMask = runtime.NextPairwiseInputMask(next, rows[self] * columns);
        var own = runtime.Format.Encode<T>(ownMatrix, f);
        RingArithmetic<T>.Subtract(own, ownMask, mine.AsSpan(offsets[self], own.Length));
        ownMask.CopyTo(following, offsets[self]);
        runtime.NextPairwiseInputMask(previous, rows[previous] * columns).CopyTo(mine, offsets[previous]);
        // Wire format: c_self of this party's rows, little-endian ring elements (RingCodec), to P_(i-1) only.
        var send = runtime.SendAsync(previous, tag, RingCodec.Encode<T>(mine.AsSpan(offsets[self], own.Length).ToArray()));
        // The next owner's block: c_self = 0 and c_next = c_(next), received.
        (await CheckedReceive.ElementsAsync<T>(runtime.Channel, next, tag, checked(rows[next] * columns), runtime.Cancellation).ConfigureAwait(false)).CopyTo(following, offsets[next]);
        await send.ConfigureAwait(false);
        return new PreparedMatrix<T>(runtime, n, columns, f, mine, following);
    }

    /// <summary>
    /// x y for a prepared x (<see cref="PrepareOwnedAsync"/>), truncated to the format's scale: with resharing only y's shares travel
    /// (m p elements to one peer), z_i = x'_i (y'_i + y'_(i+1)) + x'_(i+1) y'_i + b_i; otherwise an ordinary matrix product.
    /// </summary>
    public static async Task<Secret<T>> MatrixMultiplyPreparedAsync<T>(MpcRuntime<T> runtime, PreparedMatrix<T> x, Secret<T> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(x);
        runtime.CheckOwns(y);
        if (!ReferenceEquals(x.Runtime, runtime)) throw new ArgumentException(RuntimeErrors.WrongRuntime(), nameof(x));
        if (x.Columns != y.Rows) throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(x.Rows, x.Columns, y.Rows, y.Columns));
        int n = x.Rows, m = x.Columns, p = y.Columns;
        T[] raw;
        if (x.Next is null) raw = await MatrixMultiplyRawAsync(runtime, x.Mine, y.Share, n, m, p).ConfigureAwait(false);
        else
        {
            var (mine, next, z) = await ExchangePairsAsync(runtime, [], y.Share, n * p).ConfigureAwait(false);
            var term = new T[n * p];
            // y'_i + y'_(i+1) overwrites the received block, which is not needed again.
            RingArithmetic<T>.AddInPlace(next, mine);
            RingArithmetic<T>.MatrixMultiply(x.Mine, next, term, n, m, p);
            RingArithmetic<T>.AddInPlace(z, term);
            RingArithmetic<T>.MatrixMultiply(x.Next, mine, term, n, m, p);
            RingArithmetic<T>.AddInPlace(z, term);
            raw = z;
        }
        return await Truncation.NormalizeAsync(runtime, raw, x.Scale + y.Scale, n, p).ConfigureAwait(false);
    }

    private static async Task<T[]> MultiplyResharedAsync<T>(MpcRuntime<T> runtime, T[] x, T[] y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (runtime.PartyCount > 3) return await MultiplyReplicatedAsync(runtime, x, y, (a, b, into) => RingArithmetic<T>.Multiply(a, b, into), x.Length).ConfigureAwait(false);
        int n = x.Length;
        var (mine, theirs, z) = await ExchangePairsAsync(runtime, x, y, n).ConfigureAwait(false);
        unchecked
        {
            for (int i = 0; i < n; i++)
            {
                T xi = mine[i], yi = mine[n + i];
                z[i] += xi * (yi + theirs[n + i]) + theirs[i] * yi;
            }
        }
        return z;
    }

    private static async Task<T[]> MatrixMultiplyResharedAsync<T>(MpcRuntime<T> runtime, T[] x, T[] y, int n, int m, int p)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (runtime.PartyCount > 3) return await MultiplyReplicatedAsync(runtime, x, y, (a, b, into) => RingArithmetic<T>.MatrixMultiply(a, b, into, n, m, p), n * p).ConfigureAwait(false);
        int nx = n * m, ny = m * p;
        var (mine, theirs, z) = await ExchangePairsAsync(runtime, x, y, n * p).ConfigureAwait(false);
        var term = new T[n * p];
        // Y'_i + Y'_(i+1) overwrites the received Y block, which is not needed again.
        var ySum = theirs.AsSpan(nx, ny);
        RingArithmetic<T>.AddInPlace(ySum, mine.AsSpan(nx, ny));
        RingArithmetic<T>.MatrixMultiply(mine.AsSpan(0, nx), ySum, term, n, m, p);
        RingArithmetic<T>.AddInPlace(z, term);
        RingArithmetic<T>.MatrixMultiply(theirs.AsSpan(0, nx), mine.AsSpan(nx, ny), term, n, m, p);
        RingArithmetic<T>.AddInPlace(z, term);
        return z;
    }

    // Re-randomises this party's shares of x and y (one block) and swaps them for the next party's (sent to the previous);
    // also draws the result's zero share. Tag and zero shares are drawn before the first await, in program order.
    private static async Task<(T[] Mine, T[] Theirs, T[] ResultMask)> ExchangePairsAsync<T>(MpcRuntime<T> runtime, T[] x, T[] y, int resultLength)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int self = runtime.PartyIndex, previous = (self + 2) % 3, next = (self + 1) % 3, length = x.Length + y.Length;
        long tag = runtime.NextTag();
        var mine = runtime.NextZeroShares(length);
        var resultMask = runtime.NextZeroShares(resultLength);
        RingArithmetic<T>.AddInPlace(mine.AsSpan(0, x.Length), x);
        RingArithmetic<T>.AddInPlace(mine.AsSpan(x.Length), y);
        // Wire format: the sender's re-randomised shares of x then of y, little-endian ring elements (RingCodec), to P_(i-1) only.
        var send = runtime.SendAsync(previous, tag, RingCodec.Encode<T>(mine));
        var theirs = await CheckedReceive.ElementsAsync<T>(runtime.Channel, next, tag, length, runtime.Cancellation).ConfigureAwait(false);
        await send.ConfigureAwait(false);
        return (mine, theirs, resultMask);
    }
}
