using System.Runtime.InteropServices;
using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

// How each kind of item is made from pairwise oblivious products.
public sealed partial class OtPreprocessing<T>
{
    private async Task<TripleBatch<T>> ProduceTriplesAsync(long batch, int count)
    {
        var session = await SessionAsync().ConfigureAwait(false);
        var a = RandomRing(count);
        var b = RandomRing(count);
        var c = new T[count];
        RingArithmetic<T>.Multiply(a, b, c);
        long tag = PreprocessingTags.Of(PreprocessingTags.Triples, K, batch, 0);
        var choices = MemoryMarshal.Cast<T, ulong>(b.AsSpan()).ToArray();
        var parts = new List<Task<T[]>>();
        foreach (int peer in Peers())
        {
            // Shares of a_peer * b_self (this party chooses with b's bits) and of a_self * b_peer.
            parts.Add(Task.Run(() => ObliviousProducts.ReceiveAsync<T>(session, peer, tag, choices, count, K, 1, _cancellation)));
            parts.Add(Task.Run(() => ObliviousProducts.SendAsync(session, peer, tag, a, count, K, 1, _cancellation)));
        }
        foreach (var part in await Task.WhenAll(parts).ConfigureAwait(false)) RingArithmetic<T>.AddInPlace(c, part);
        return new TripleBatch<T>(a, b, c);
    }

    private async Task<TripleBatch<ulong>> ProduceBinaryAsync(long batch, int words)
    {
        var session = await SessionAsync().ConfigureAwait(false);
        var a = RandomWords(words);
        var b = RandomWords(words);
        var c = new ulong[words];
        BitSlicing.And(a, b, c);
        long tag = PreprocessingTags.Of(PreprocessingTags.BinaryTriples, K, batch, 0);
        var parts = new List<Task<ulong[]>>();
        foreach (int peer in Peers())
        {
            parts.Add(Task.Run(() => ObliviousProducts.ReceiveBitsAsync(session, peer, tag, b, _cancellation)));
            parts.Add(Task.Run(() => ObliviousProducts.SendBitsAsync(session, peer, tag, a, _cancellation)));
        }
        foreach (var part in await Task.WhenAll(parts).ConfigureAwait(false)) BitSlicing.Xor(c, part, c);
        return new TripleBatch<ulong>(a, b, c);
    }

    // Party m folds its bit s_m into the arithmetic sharing of s_0 XOR ... XOR s_(m-1): x XOR s = x + s - 2 x s. Only the
    // instances from each j < m to m are used, so a daBits-only engine sets up no others.
    private async Task<DaBitBatch> ProduceDaBitsAsync(long batch, int count)
    {
        var session = await SessionAsync().ConfigureAwait(false);
        var bits = RandomWords(count / 64);
        var share = new T[count];
        if (Self == 0)
        {
            for (int i = 0; i < count; i++) share[i] = BitSlicing.Get(bits, i) ? T.One : T.Zero;
        }
        for (int m = 1; m < Parties; m++)
        {
            long tag = PreprocessingTags.Of(PreprocessingTags.DaBits, K, batch, 2 * m);
            if (Self == m)
            {
                var products = await Task.WhenAll(Enumerable.Range(0, m).Select(j =>
                    Task.Run(() => ObliviousProducts.ReceiveAsync<T>(session, j, tag, bits, count, 1, 1, _cancellation)))).ConfigureAwait(false);
                unchecked
                {
                    for (int i = 0; i < count; i++)
                    {
                        T xs = T.Zero;
                        foreach (var p in products) xs += p[i];
                        share[i] = (BitSlicing.Get(bits, i) ? T.One : T.Zero) - (xs << 1);
                    }
                }
            }
            else if (Self < m)
            {
                var product = await ObliviousProducts.SendAsync(session, m, tag, share, count, 1, 1, _cancellation).ConfigureAwait(false);
                unchecked
                {
                    for (int i = 0; i < count; i++) share[i] -= product[i] << 1;
                }
            }
        }
        return new DaBitBatch(share, bits);
    }

    public async ValueTask<MatrixTriple<T>> GetMatrixTripleAsync(int rows, int inner, int columns, CancellationToken cancellationToken)
    {
        RequireBothDirections("matrix triples");
        long index;
        lock (_matrixTasks)
        {
            index = _matrixCount++;
        }
        var task = Task.Run(() => ProduceMatrixTripleAsync(index, rows, inner, columns));
        lock (_matrixTasks)
        {
            _matrixTasks.RemoveAll(t => t.IsCompleted);
            _matrixTasks.Add(task);
        }
        return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // C = A B with A (rows x inner), B (inner x columns). The chooser's matrix is the one with fewer OTs:
    // B's entries (vectors are A's columns) when columns <= rows, else A's entries (vectors are B's rows).
    private async Task<MatrixTriple<T>> ProduceMatrixTripleAsync(long batch, int rows, int inner, int columns)
    {
        var session = await SessionAsync().ConfigureAwait(false);
        var a = RandomRing(checked(rows * inner));
        var b = RandomRing(checked(inner * columns));
        var c = new T[checked(rows * columns)];
        RingArithmetic<T>.MatrixMultiply(a, b, c, rows, inner, columns);
        long tag = PreprocessingTags.Of(PreprocessingTags.MatrixTriples, K, batch, 0);
        bool chooseB = columns <= rows;
        int entries = chooseB ? inner * columns : rows * inner;
        int length = chooseB ? rows : columns;
        var chooser = chooseB ? b : a;
        // The vector sent against entry e: column l of A for B's entry (l, q); row l of B for A's entry (i, l).
        var vectors = new T[checked(entries * length)];
        for (int e = 0; e < entries; e++)
        {
            int l = chooseB ? e / columns : e % inner;
            for (int u = 0; u < length; u++) vectors[e * length + u] = chooseB ? a[u * inner + l] : b[l * columns + u];
        }
        var chooserWords = MemoryMarshal.Cast<T, ulong>(chooser.AsSpan()).ToArray();
        var products = await ChunkedProductsAsync(session, tag, chooserWords, K, vectors, entries, length, K, Peers(), Peers()).ConfigureAwait(false);
        unchecked
        {
            for (int e = 0; e < entries; e++)
                for (int u = 0; u < length; u++)
                {
                    // Entry (l, q) of B contributes to C[u, q]; entry (i, l) of A contributes to C[i, u].
                    int target = chooseB ? u * columns + e % columns : (e / inner) * columns + u;
                    c[target] += products[e * length + u];
                }
        }
        return new MatrixTriple<T>(a, b, c, rows, inner, columns);
    }

    public async ValueTask<T[]> PrivateProductAsync(int owner, T[]? matrix, T[] share, int rows, int inner, int columns, int choiceBits, int outputBits, CancellationToken cancellationToken)
    {
        RequireBothDirections("private products");
        ArgumentNullException.ThrowIfNull(share);
        if (owner < 0 || owner >= Parties) throw new ArgumentOutOfRangeException(nameof(owner), ErrorMessages.PartyIndexOutOfRange(owner, Parties));
        if ((matrix is null) == (owner == Self)) throw new ArgumentException(ErrorMessages.PrivateMatrixOwner(owner, Self), nameof(matrix));
        if (share.Length != checked(inner * columns) || (matrix is not null && matrix.Length != checked(rows * inner)))
            throw new ArgumentException(ErrorMessages.MatrixShapeMismatch(rows, inner, inner, columns));
        CheckChoiceBits(choiceBits, outputBits);
        // Shapes are public, so every party skips an empty product alike.
        if (rows == 0 || inner == 0 || columns == 0) return new T[checked(rows * columns)];
        return await RunPrivateAsync(index => ProducePrivateProductAsync(index, owner, matrix, share, rows, inner, columns, choiceBits, outputBits), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<T[]> PrivateScaleAsync(int owner, T[]? scalars, T[] share, int choiceBits, CancellationToken cancellationToken)
    {
        RequireBothDirections("private products");
        ArgumentNullException.ThrowIfNull(share);
        if (owner < 0 || owner >= Parties) throw new ArgumentOutOfRangeException(nameof(owner), ErrorMessages.PartyIndexOutOfRange(owner, Parties));
        if ((scalars is null) == (owner == Self)) throw new ArgumentException(ErrorMessages.PrivateMatrixOwner(owner, Self), nameof(scalars));
        if (scalars is not null && scalars.Length != share.Length) throw new ArgumentException(ErrorMessages.LengthMismatch(scalars.Length, share.Length, share.Length), nameof(scalars));
        CheckChoiceBits(choiceBits, K);
        if (share.Length == 0) return [];
        return await RunPrivateAsync(index => ProducePrivateScaleAsync(index, owner, scalars, share, choiceBits), cancellationToken).ConfigureAwait(false);
    }

    private static void CheckChoiceBits(int choiceBits, int outputBits)
    {
        if (choiceBits < 1 || choiceBits > K) throw new ArgumentOutOfRangeException(nameof(choiceBits), $"Choice bits must be in 1..{K}.");
        if (outputBits < choiceBits || outputBits > K) throw new ArgumentOutOfRangeException(nameof(outputBits), $"Output bits must be in {choiceBits}..{K}.");
    }

    // Private products and scalings are numbered when they are asked for, in the same order at every party, so they can all run at once.
    private async Task<T[]> RunPrivateAsync(Func<long, Task<T[]>> produce, CancellationToken cancellationToken)
    {
        long index;
        lock (_matrixTasks)
        {
            index = _privateCount++;
        }
        var task = Task.Run(() => produce(index));
        lock (_matrixTasks)
        {
            _matrixTasks.RemoveAll(t => t.IsCompleted);
            _matrixTasks.Add(task);
        }
        return await task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // s * U = s * U_owner (local at the owner) + sum over the others i of s_e U_i[e], each a Gilboa product of one element.
    private async Task<T[]> ProducePrivateScaleAsync(long batch, int owner, T[]? scalars, T[] share, int choiceBits)
    {
        var session = await SessionAsync().ConfigureAwait(false);
        long tag = PreprocessingTags.Of(PreprocessingTags.PrivateProducts, K, batch, 0);
        var result = new T[share.Length];
        if (Self == owner)
        {
            RingArithmetic<T>.Multiply(scalars!, share, result);
            var products = await ChunkedProductsAsync(session, tag, null, choiceBits, scalars, share.Length, 1, K, [], Peers()).ConfigureAwait(false);
            RingArithmetic<T>.AddInPlace(result, products);
            return result;
        }
        return await ChunkedProductsAsync(session, tag, LowBits(share, choiceBits), choiceBits, null, share.Length, 1, K, [owner], []).ConfigureAwait(false);
    }

    // L U = L U_owner (local at the owner) + sum over the others i of L U_i, each a Gilboa product where i chooses with the
    // low choiceBits bits of its entry U_i[l, q] and the owner's vector is column l of L: i gets shares of U_i[l, q] L[:, l].
    private async Task<T[]> ProducePrivateProductAsync(long batch, int owner, T[]? matrix, T[] share, int rows, int inner, int columns, int choiceBits, int outputBits)
    {
        var session = await SessionAsync().ConfigureAwait(false);
        long tag = PreprocessingTags.Of(PreprocessingTags.PrivateProducts, K, batch, 0);
        int entries = checked(inner * columns);
        var result = new T[checked(rows * columns)];
        T[] products;
        if (Self == owner)
        {
            RingArithmetic<T>.MatrixMultiply(matrix!, share, result, rows, inner, columns);
            var vectors = new T[checked(entries * rows)];
            for (int e = 0; e < entries; e++)
            {
                int l = e / columns;
                for (int u = 0; u < rows; u++) vectors[e * rows + u] = matrix![u * inner + l];
            }
            products = await ChunkedProductsAsync(session, tag, null, choiceBits, vectors, entries, rows, outputBits, [], Peers()).ConfigureAwait(false);
        }
        else
        {
            products = await ChunkedProductsAsync(session, tag, LowBits(share, choiceBits), choiceBits, null, entries, rows, outputBits, [owner], []).ConfigureAwait(false);
        }
        unchecked
        {
            for (int e = 0; e < entries; e++)
                for (int u = 0; u < rows; u++) result[u * columns + e % columns] += products[e * rows + u];
        }
        return result;
    }

    // The low `bits` bits of every value, packed: bit l of value e at position e * bits + l.
    private static ulong[] LowBits(T[] values, int bits)
    {
        if (bits == K) return MemoryMarshal.Cast<T, ulong>(values.AsSpan()).ToArray();
        var packed = new ulong[BitSlicing.WordsFor(checked(values.Length * bits))];
        var words = MemoryMarshal.Cast<T, ulong>(values.AsSpan());
        int perValue = K / 64;
        for (int e = 0; e < values.Length; e++)
            for (int l = 0; l < bits; l++)
                if (((words[e * perValue + (l >> 6)] >> (l & 63)) & 1) != 0)
                {
                    int target = e * bits + l;
                    packed[target >> 6] |= 1UL << (target & 63);
                }
        return packed;
    }

    // Gilboa products of every entry's `bits` choice bits (chooserBits, as receiver from receiveFrom) and vectors of `length` elements
    // (as sender to sendTo), summed over the peers: entries * length elements. Entries go in chunks of about 16 MB of
    // hashes each, so a large product (X'WX) never holds gigabytes at once; chunk c uses tags tag + 2c and tag + 2c + 1.
    private async Task<T[]> ChunkedProductsAsync(OtSession session, long tag, ulong[]? chooserBits, int bits, T[]? vectors, int entries, int length, int outputBits,
        IReadOnlyCollection<int> receiveFrom, IReadOnlyCollection<int> sendTo)
    {
        int blocks = (length * K + 127) / 128;
        int chunk = Math.Max(1, (16 << 20) / (bits * blocks * 16));
        int chunks = (entries + chunk - 1) / chunk;
        if (2 * chunks >= 1 << 16) throw new ArgumentOutOfRangeException(nameof(entries), $"A product of {entries} entries by vectors of {length} elements is too large for one batch.");
        var sums = new T[checked(entries * length)];
        for (int chunkIndex = 0; chunkIndex < chunks; chunkIndex++)
        {
            int first = chunkIndex * chunk, count = Math.Min(chunk, entries - first);
            long chunkTag = tag + 2 * chunkIndex;
            var parts = new List<Task<T[]>>();
            if (receiveFrom.Count > 0)
            {
                var choices = new ulong[ObliviousProducts.PaddedCount(checked(count * bits)) / 64];
                if (bits % 64 == 0) Array.Copy(chooserBits!, first * (bits / 64), choices, 0, count * (bits / 64));
                else DaBitComposition.CopyBits(chooserBits!, first * bits, choices, count * bits);
                foreach (int peer in receiveFrom) parts.Add(Task.Run(() => ObliviousProducts.ReceiveAsync<T>(session, peer, chunkTag, choices, count, bits, length, outputBits, _cancellation)));
            }
            if (sendTo.Count > 0)
            {
                var slice = vectors.AsSpan(first * length, count * length).ToArray();
                foreach (int peer in sendTo) parts.Add(Task.Run(() => ObliviousProducts.SendAsync(session, peer, chunkTag, slice, count, bits, length, outputBits, _cancellation)));
            }
            foreach (var part in await Task.WhenAll(parts).ConfigureAwait(false)) RingArithmetic<T>.AddInPlace(sums.AsSpan(first * length, count * length), part);
        }
        return sums;
    }

    private int[] Peers() => [.. Enumerable.Range(0, Parties).Where(p => p != Self)];
}
