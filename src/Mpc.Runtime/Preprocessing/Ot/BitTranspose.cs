using System.Runtime.Intrinsics;

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
        int start = 0;
        if (Vector256.IsHardwareAccelerated && (words & 1) == 0)
        {
            ColumnsToRowsWide(columns, words, rows);
            start = words;
        }
        Span<ulong> block = stackalloc ulong[64];
        for (int w = start; w < words; w++)
        {
            for (int half = 0; half < 2; half++)
            {
                for (int i = 0; i < 64; i++) block[i] = columns[(half * 64 + i) * words + w];
                Transpose64(block);
                int row = w * 64;
                for (int j = 0; j < 64; j++) rows[(row + j) * 2 + half] = block[j];
            }
        }
    }

    // Four 64 x 64 blocks at once, one per 64-bit lane: (w, low half), (w, high half), (w + 1, low), (w + 1, high).
    private static void ColumnsToRowsWide(ReadOnlySpan<ulong> columns, int words, Span<ulong> rows)
    {
        Span<Vector256<ulong>> a = stackalloc Vector256<ulong>[64];
        for (int w = 0; w < words; w += 2)
        {
            for (int i = 0; i < 64; i++)
            {
                var low = columns.Slice(i * words + w, 2);
                var high = columns.Slice((64 + i) * words + w, 2);
                a[i] = Vector256.Create(low[0], high[0], low[1], high[1]);
            }
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
            int row = w * 64;
            for (int jj = 0; jj < 64; jj++)
            {
                a[jj].GetLower().CopyTo(rows.Slice((row + jj) * 2, 2));
                a[jj].GetUpper().CopyTo(rows.Slice((row + 64 + jj) * 2, 2));
            }
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
