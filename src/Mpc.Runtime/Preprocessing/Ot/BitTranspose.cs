using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// Transposes the 128 x m bit matrix of OT extension (128 columns of m bits) into m rows of 128
/// bits, by 64 x 64 blocks with the recursive block-swap method (Hacker's Delight, 7-3).
/// </summary>
public static class BitTranspose
{
    /// <summary>
    /// columns: 128 columns of <paramref name="words"/> ulongs each (column i at [i * words]);
    /// rows: m = 64 * words rows of two ulongs (bit i of row j = bit j of column i).
    /// </summary>
    public static void ColumnsToRows(ReadOnlySpan<ulong> columns, int words, Span<ulong> rows)
    {
        if (columns.Length != 128 * words || rows.Length != 128 * words) throw new ArgumentException("Bit matrix sizes do not match 128 columns.");
        Rows(columns, words, words, 0, words, rows);
    }

    /// <summary><see cref="ColumnsToRows(ReadOnlySpan{ulong}, int, Span{ulong})"/> for columns <see cref="ColumnStride"/> apart.</summary>
    public static void StridedColumnsToRows(ReadOnlySpan<ulong> columns, int words, Span<ulong> rows)
    {
        if (columns.Length != 128 * ColumnStride(words) || rows.Length != 128 * words) throw new ArgumentException("Bit matrix sizes do not match 128 columns.");
        Rows(columns, ColumnStride(words), words, 0, words, rows);
    }

    /// <summary>
    /// The distance in ulongs between columns of <paramref name="words"/> words in the extensions' column arrays: one cache line
    /// more than the column, so the 128 columns a transpose reads at once do not all fall into the same cache sets (with
    /// batches of 2^k OTs the columns would lie a power of two apart).
    /// </summary>
    public static int ColumnStride(int words) => checked(words + 8);

    /// <summary>
    /// The first m rows of columns <see cref="ColumnStride"/> apart, hashed on the way out: outputs[o] receives H(row_j XOR offsets[o]) for j &lt; m (2m ulongs each). A tile
    /// of rows at a time is transposed into cache and hashed there, so the rows never make a trip through memory.
    /// </summary>
    public static void ColumnsToHashedRows(ReadOnlySpan<ulong> columns, int words, int m, CorrelationRobustHash hash, ReadOnlySpan<ulong> offset0, Span<ulong> output0,
        ReadOnlySpan<ulong> offset1, Span<ulong> output1)
    {
        bool second = !output1.IsEmpty;
        if (m < 0 || output0.Length < 2 * m || (second && output1.Length < 2 * m)) throw new ArgumentException("Hash outputs are shorter than the rows.");
        var outputs = new WholeOutputs(output0, output1);
        HashRows(columns, words, m, hash, offset0, second ? offset1 : default, ref outputs);
    }

    /// <summary>
    /// The first m rows of columns <see cref="ColumnStride"/> apart, hashed a tile at a time: H(row_j XOR offset0) (and
    /// H(row_j XOR offset1) when that offset is given) into the consumer's outputs, which then consumes them.
    /// </summary>
    internal static void HashRows<TConsumer>(ReadOnlySpan<ulong> columns, int words, int m, CorrelationRobustHash hash, ReadOnlySpan<ulong> offset0, ReadOnlySpan<ulong> offset1,
        ref TConsumer consumer)
        where TConsumer : IHashedRowsConsumer, allows ref struct
    {
        ArgumentNullException.ThrowIfNull(hash);
        int stride = ColumnStride(words);
        if (columns.Length != 128 * stride || m < 0 || m > 64 * words) throw new ArgumentException("Bit matrix sizes do not match 128 columns.");
        bool second = !offset1.IsEmpty;
        var tile = Tile ??= new ulong[TileWords * 128];
        for (int w = 0; w * 64 < m; w += TileWords)
        {
            int end = Math.Min(words, w + TileWords), first = w * 64, count = Math.Min(m, end * 64) - first;
            Rows(columns, stride, words, w, end, tile);
            hash.Hash(tile.AsSpan(0, 2 * count), offset0, consumer.Output(0, first, count));
            if (second) hash.Hash(tile.AsSpan(0, 2 * count), offset1, consumer.Output(1, first, count));
            consumer.Consume(first, count);
        }
    }

    // ColumnsToHashedRows' consumer: the hashes go straight to their place in the caller's outputs.
    private readonly ref struct WholeOutputs(Span<ulong> output0, Span<ulong> output1) : IHashedRowsConsumer
    {
        private readonly Span<ulong> _output0 = output0;
        private readonly Span<ulong> _output1 = output1;

        public Span<ulong> Output(int which, int first, int count) => (which == 0 ? _output0 : _output1).Slice(2 * first, 2 * count);

        public void Consume(int first, int count)
        {
        }
    }

    // Words per tile of ColumnsToHashedRows: 2048 rows, 32 KB.
    private const int TileWords = 32;

    /// <summary>The most rows <see cref="HashRows{TConsumer}"/> hands a consumer at once.</summary>
    internal const int TileRows = TileWords * 64;

    [ThreadStatic]
    private static ulong[]? Tile;

    // Rows of words [from, to) into rows, starting at row 0; column i starts at i * stride.
    private static void Rows(ReadOnlySpan<ulong> columns, int stride, int words, int from, int to, Span<ulong> rows)
    {
        if (stride < words || columns.Length < 127 * stride + words) throw new ArgumentException("Bit matrix sizes do not match 128 columns.");
        int w = from;
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated)
        {
            for (; w + 8 <= to; w += 8) EightWords(columns, stride, rows, w, from);
        }
        if (Avx2.IsSupported)
        {
            for (; w + 4 <= to; w += 4) FourWords(columns, stride, rows, w, from);
        }
        Span<ulong> block = stackalloc ulong[64];
        for (; w < to; w++)
        {
            for (int half = 0; half < 2; half++)
            {
                for (int i = 0; i < 64; i++) block[i] = columns[(half * 64 + i) * stride + w];
                Transpose64(block);
                int row = (w - from) * 64;
                for (int j = 0; j < 64; j++) rows[(row + j) * 2 + half] = block[j];
            }
        }
    }

    // Words ahead that EightWords asks the cache for: 128 column streams are more than the hardware prefetcher follows, and
    // cold columns transposed at 5.2 GB/s without the hint, 7.0 GB/s with it (8 GB/s from cache).
    private const int Ahead = 16;

    // Words w..w+7 of every column: lane q of low[i] (high[i]) is word w + q of column i (64 + i), each load contiguous;
    // the lanes transpose independently, and an unpack pairs each row's two halves into one 128-bit store.
    private static void EightWords(ReadOnlySpan<ulong> columns, int stride, Span<ulong> rows, int w, int from)
    {
        Span<Vector512<ulong>> low = stackalloc Vector512<ulong>[64];
        Span<Vector512<ulong>> high = stackalloc Vector512<ulong>[64];
        ref ulong source = ref MemoryMarshal.GetReference(columns);
        for (int i = 0; i < 64; i++)
        {
            low[i] = Vector512.LoadUnsafe(ref source, (nuint)(i * stride + w));
            high[i] = Vector512.LoadUnsafe(ref source, (nuint)((64 + i) * stride + w));
        }
        // Prefetching never faults, but the address must stay inside the array: the last column has no stride's slack.
        if (Sse.IsSupported && 127 * stride + w + Ahead < columns.Length)
        {
            unsafe
            {
                for (int i = 0; i < 128; i++) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref source, i * stride + w + Ahead)));
            }
        }
        Transpose(low);
        Transpose(high);
        ref ulong target = ref MemoryMarshal.GetReference(rows);
        for (int j = 0; j < 64; j++)
        {
            // Per 128-bit lane t: even holds the rows of word w + 2t, odd those of word w + 2t + 1.
            var even = Avx512F.UnpackLow(low[j], high[j]);
            var odd = Avx512F.UnpackHigh(low[j], high[j]);
            Store(even.GetLower(), odd.GetLower(), ref target, w - from, j);
            Store(even.GetUpper(), odd.GetUpper(), ref target, w - from + 4, j);
        }
    }

    // The same with four words per vector.
    private static void FourWords(ReadOnlySpan<ulong> columns, int stride, Span<ulong> rows, int w, int from)
    {
        Span<Vector256<ulong>> low = stackalloc Vector256<ulong>[64];
        Span<Vector256<ulong>> high = stackalloc Vector256<ulong>[64];
        ref ulong source = ref MemoryMarshal.GetReference(columns);
        for (int i = 0; i < 64; i++)
        {
            low[i] = Vector256.LoadUnsafe(ref source, (nuint)(i * stride + w));
            high[i] = Vector256.LoadUnsafe(ref source, (nuint)((64 + i) * stride + w));
        }
        Transpose(low);
        Transpose(high);
        ref ulong target = ref MemoryMarshal.GetReference(rows);
        for (int j = 0; j < 64; j++) Store(Avx2.UnpackLow(low[j], high[j]), Avx2.UnpackHigh(low[j], high[j]), ref target, w - from, j);
    }

    // Row j of words w..w+3: even holds those of words w and w + 2, odd those of w + 1 and w + 3, each as its two halves.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<ulong> even, Vector256<ulong> odd, ref ulong target, int w, int j)
    {
        even.GetLower().StoreUnsafe(ref target, (nuint)(((w * 64) + j) * 2));
        odd.GetLower().StoreUnsafe(ref target, (nuint)((((w + 1) * 64) + j) * 2));
        even.GetUpper().StoreUnsafe(ref target, (nuint)((((w + 2) * 64) + j) * 2));
        odd.GetUpper().StoreUnsafe(ref target, (nuint)((((w + 3) * 64) + j) * 2));
    }

    // 64 x 64 transposes, one per lane.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(Span<Vector512<ulong>> a)
    {
        var mask = Vector512.Create(0x00000000FFFFFFFFUL);
        for (int j = 32; j != 0; j >>= 1)
        {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j)
            {
                var t = (Vector512.ShiftRightLogical(a[k], j) ^ a[k | j]) & mask;
                a[k | j] ^= t;
                a[k] ^= Vector512.ShiftLeft(t, j);
            }
            mask ^= Vector512.ShiftLeft(mask, j >> 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(Span<Vector256<ulong>> a)
    {
        var mask = Vector256.Create(0x00000000FFFFFFFFUL);
        for (int j = 32; j != 0; j >>= 1)
        {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j)
            {
                var t = (Vector256.ShiftRightLogical(a[k], j) ^ a[k | j]) & mask;
                a[k | j] ^= t;
                a[k] ^= Vector256.ShiftLeft(t, j);
            }
            mask ^= Vector256.ShiftLeft(mask, j >> 1);
        }
    }

    /// <summary>In place: afterwards bit i of a[j] is the former bit j of a[i].</summary>
    public static void Transpose64(Span<ulong> a)
    {
        if (a.Length != 64) throw new ArgumentException("A 64 x 64 block has 64 words.", nameof(a));
        ulong mask = 0x00000000FFFFFFFFUL;
        for (int j = 32; j != 0; j >>= 1, mask ^= mask << j)
        {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j)
            {
                ulong t = ((a[k] >> j) ^ a[k | j]) & mask;
                a[k | j] ^= t;
                a[k] ^= t << j;
            }
        }
    }
}
