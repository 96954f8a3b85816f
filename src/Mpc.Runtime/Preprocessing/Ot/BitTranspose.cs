using System.Diagnostics.CodeAnalysis;
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
            hash.EncryptSigma(tile.AsSpan(0, 2 * count), offset0, second ? offset1 : default, out var sigma, out var cipher);
            consumer.Consume(first, count, sigma, cipher);
        }
    }

    // ColumnsToHashedRows' consumer: the hashes go whole to their place in the caller's outputs.
    private readonly ref struct WholeOutputs(Span<ulong> output0, Span<ulong> output1) : IHashedRowsConsumer
    {
        private readonly Span<ulong> _output0 = output0;
        private readonly Span<ulong> _output1 = output1;

        public void Consume(int first, int count, ReadOnlySpan<ulong> sigma, ReadOnlySpan<ulong> cipher)
        {
            int n = 2 * count;
            CorrelationRobustHash.Xor(cipher[..n], sigma[..n], _output0.Slice(2 * first, n));
            if (!_output1.IsEmpty) CorrelationRobustHash.Xor(cipher.Slice(n, n), sigma.Slice(n, n), _output1.Slice(2 * first, n));
        }
    }

    // Words per tile of ColumnsToHashedRows: 2048 rows, 32 KB (two offsets' worth fit one EncryptSigma call).
    private const int TileWords = CorrelationRobustHash.MaxPairBlocks / 128;

    [ThreadStatic]
    private static ulong[]? Tile;

    // Rows of words [from, to) into rows, starting at row 0; column i starts at i * stride.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    // Both blocks are written whole before they are read: zeroing them first doubled the bytes a call touches.
    [MethodImpl(MethodImplOptions.AggressiveOptimization), SkipLocalsInit]
    private static void EightWords(ReadOnlySpan<ulong> columns, int stride, Span<ulong> rows, int w, int from)
    {
        Span<Vector512<ulong>> low = stackalloc Vector512<ulong>[64];
        Span<Vector512<ulong>> high = stackalloc Vector512<ulong>[64];
        ref ulong source = ref MemoryMarshal.GetReference(columns);
        ref ulong lows = ref Unsafe.As<Vector512<ulong>, ulong>(ref MemoryMarshal.GetReference(low));
        ref ulong highs = ref Unsafe.As<Vector512<ulong>, ulong>(ref MemoryMarshal.GetReference(high));
        // Levels 32, 16 and 8 pair vectors 32, 16 and 8 apart: groups k, k + 8, ..., k + 56, loaded straight from the columns.
        for (int k = 0; k < 8; k++)
        {
            ThreeLevels(ref Unsafe.Add(ref source, k * stride + w), 8 * stride, ref Unsafe.Add(ref lows, 8 * k), 64, 32, 16, 8);
            ThreeLevels(ref Unsafe.Add(ref source, (64 + k) * stride + w), 8 * stride, ref Unsafe.Add(ref highs, 8 * k), 64, 32, 16, 8);
        }
        // Prefetching never faults, but the address must stay inside the array: the last column has no stride's slack.
        if (Sse.IsSupported && 127 * stride + w + Ahead < columns.Length)
        {
            unsafe
            {
                for (int i = 0; i < 128; i++) Sse.Prefetch0(Unsafe.AsPointer(ref Unsafe.Add(ref source, i * stride + w + Ahead)));
            }
        }
        // Levels 4, 2 and 1 on groups of eight neighbours, each row's two halves then paired into the output.
        ref ulong target = ref MemoryMarshal.GetReference(rows);
        for (int k = 0; k < 64; k += 8)
        {
            ThreeLevels(ref Unsafe.Add(ref lows, 8 * k), 8, ref Unsafe.Add(ref lows, 8 * k), 8, 4, 2, 1);
            ThreeLevels(ref Unsafe.Add(ref highs, 8 * k), 8, ref Unsafe.Add(ref highs, 8 * k), 8, 4, 2, 1);
            for (int j = k; j < k + 8; j++)
            {
                var l = Vector512.LoadUnsafe(ref lows, (nuint)(8 * j));
                var h = Vector512.LoadUnsafe(ref highs, (nuint)(8 * j));
                // Per 128-bit lane t: even holds the rows of word w + 2t, odd those of word w + 2t + 1.
                var even = Avx512F.UnpackLow(l, h);
                var odd = Avx512F.UnpackHigh(l, h);
                Store(even.GetLower(), odd.GetLower(), ref target, w - from, j);
                Store(even.GetUpper(), odd.GetUpper(), ref target, w - from + 4, j);
            }
        }
    }

    // The same with four words per vector.
    [SkipLocalsInit]
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

    // Three levels of the 64 x 64 block swap (one transpose per lane) on eight vectors held in registers: v_i is loaded from
    // source + i * sourceStep and stored to target + i * targetStep (in ulongs, no bounds checks: the callers' spans cover
    // them); level j0 pairs v_i with v_(i + 4), j1 with v_(i + 2), j2 with v_(i + 1), so the vectors' positions in the
    // 64-vector block must lie 4 j2, 2 j2 and j2 apart. One load and one store per vector for three levels instead of per level.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ThreeLevels(ref ulong source, int sourceStep, ref ulong target, int targetStep, [ConstantExpected] byte j0, [ConstantExpected] byte j1,
        [ConstantExpected] byte j2)
    {
        var v0 = Vector512.LoadUnsafe(ref source, (nuint)(0 * sourceStep));
        var v1 = Vector512.LoadUnsafe(ref source, (nuint)(1 * sourceStep));
        var v2 = Vector512.LoadUnsafe(ref source, (nuint)(2 * sourceStep));
        var v3 = Vector512.LoadUnsafe(ref source, (nuint)(3 * sourceStep));
        var v4 = Vector512.LoadUnsafe(ref source, (nuint)(4 * sourceStep));
        var v5 = Vector512.LoadUnsafe(ref source, (nuint)(5 * sourceStep));
        var v6 = Vector512.LoadUnsafe(ref source, (nuint)(6 * sourceStep));
        var v7 = Vector512.LoadUnsafe(ref source, (nuint)(7 * sourceStep));
        var m0 = Mask(j0);
        Swap(ref v0, ref v4, j0, m0);
        Swap(ref v1, ref v5, j0, m0);
        Swap(ref v2, ref v6, j0, m0);
        Swap(ref v3, ref v7, j0, m0);
        var m1 = Mask(j1);
        Swap(ref v0, ref v2, j1, m1);
        Swap(ref v1, ref v3, j1, m1);
        Swap(ref v4, ref v6, j1, m1);
        Swap(ref v5, ref v7, j1, m1);
        var m2 = Mask(j2);
        Swap(ref v0, ref v1, j2, m2);
        Swap(ref v2, ref v3, j2, m2);
        Swap(ref v4, ref v5, j2, m2);
        Swap(ref v6, ref v7, j2, m2);
        v0.StoreUnsafe(ref target, (nuint)(0 * targetStep));
        v1.StoreUnsafe(ref target, (nuint)(1 * targetStep));
        v2.StoreUnsafe(ref target, (nuint)(2 * targetStep));
        v3.StoreUnsafe(ref target, (nuint)(3 * targetStep));
        v4.StoreUnsafe(ref target, (nuint)(4 * targetStep));
        v5.StoreUnsafe(ref target, (nuint)(5 * targetStep));
        v6.StoreUnsafe(ref target, (nuint)(6 * targetStep));
        v7.StoreUnsafe(ref target, (nuint)(7 * targetStep));
    }

    // The bits that level j moves: the low j of every 2j.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Mask(byte j) => Vector512.Create(j switch
    {
        32 => 0x00000000FFFFFFFFUL,
        16 => 0x0000FFFF0000FFFFUL,
        8 => 0x00FF00FF00FF00FFUL,
        4 => 0x0F0F0F0F0F0F0F0FUL,
        2 => 0x3333333333333333UL,
        _ => 0x5555555555555555UL,
    });

    // t = ((low >> j) XOR high) AND mask swapped between the two (0x28 is the truth table of (x XOR y) AND z).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(ref Vector512<ulong> low, ref Vector512<ulong> high, [ConstantExpected] byte j, Vector512<ulong> mask)
    {
        var t = Avx512F.TernaryLogic(Avx512F.ShiftRightLogical(low, j), high, mask, 0x28);
        high ^= t;
        low ^= Avx512F.ShiftLeftLogical(t, j);
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
