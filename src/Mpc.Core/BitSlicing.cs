using System.Numerics;

namespace Mpc.Core;

/// <summary>
/// Conversions between ring elements and bit-sliced words: bit j of n elements is stored as
/// ceil(n/64) ulongs at [j * wordsPerBit ..], so one AND on a word evaluates 64 gates at once.
/// </summary>
public static class BitSlicing
{
    public static int WordsFor(int count) => (count + 63) >> 6;

    /// <summary>Bit-slices the low <paramref name="bits"/> bits of each value.</summary>
    public static ulong[] Slice<T>(ReadOnlySpan<T> values, int bits) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int words = WordsFor(values.Length);
        var result = new ulong[checked(bits * words)];
        for (int i = 0; i < values.Length; i++)
        {
            int word = i >> 6;
            ulong mask = 1UL << (i & 63);
            T v = values[i];
            for (int j = 0; j < bits; j++)
            {
                if (((v >> j) & T.One) != T.Zero) result[j * words + word] |= mask;
            }
        }
        return result;
    }

    /// <summary>Reads bit <paramref name="index"/> of a packed bit vector.</summary>
    public static bool Get(ReadOnlySpan<ulong> words, int index) => ((words[index >> 6] >> (index & 63)) & 1UL) != 0;

    /// <summary>Packs booleans into words.</summary>
    public static ulong[] Pack(ReadOnlySpan<bool> bits)
    {
        var result = new ulong[WordsFor(bits.Length)];
        for (int i = 0; i < bits.Length; i++) if (bits[i]) result[i >> 6] |= 1UL << (i & 63);
        return result;
    }

    /// <summary>Mask of the valid bits in the last word of an n-bit vector.</summary>
    public static ulong LastWordMask(int count) => (count & 63) == 0 ? ulong.MaxValue : (1UL << (count & 63)) - 1;

    public static void Xor(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination)
    {
        if (a.Length != b.Length || a.Length != destination.Length) throw new ArgumentException(ErrorMessages.LengthMismatch(a.Length, b.Length, destination.Length));
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, Vector<ulong>>(a);
            var vb = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, Vector<ulong>>(b);
            var vd = System.Runtime.InteropServices.MemoryMarshal.Cast<ulong, Vector<ulong>>(destination);
            for (int v = 0; v < va.Length; v++) vd[v] = va[v] ^ vb[v];
            i = va.Length * Vector<ulong>.Count;
        }
        for (; i < a.Length; i++) destination[i] = a[i] ^ b[i];
    }

    public static void And(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination)
    {
        if (a.Length != b.Length || a.Length != destination.Length) throw new ArgumentException(ErrorMessages.LengthMismatch(a.Length, b.Length, destination.Length));
        for (int i = 0; i < a.Length; i++) destination[i] = a[i] & b[i];
    }
    /// <summary>
    /// The first <paramref name="bits"/> bits of each of the segments of WordsFor(bits) words, packed densely: segment s at
    /// bit s * bits. Bit-sliced vectors of few elements then fill words instead of using one bit of each.
    /// </summary>
    public static ulong[] PackSegments(ReadOnlySpan<ulong> source, int bits)
    {
        int w = WordsFor(bits), segments = SegmentCount(source.Length, w);
        var dense = new ulong[WordsFor(checked(segments * bits))];
        for (int s = 0; s < segments; s++)
        {
            var segment = source.Slice(s * w, w);
            for (int i = 0; i < w; i++)
            {
                int valid = Math.Min(64, bits - i * 64), at = s * bits + i * 64;
                ulong word = valid == 64 ? segment[i] : segment[i] & ((1UL << valid) - 1);
                int index = at >> 6, shift = at & 63;
                dense[index] |= word << shift;
                if (shift != 0 && index + 1 < dense.Length) dense[index + 1] |= word >> (64 - shift);
            }
        }
        return dense;
    }

    /// <summary>Inverse of <see cref="PackSegments"/>: segments of WordsFor(bits) words whose bits beyond the first <paramref name="bits"/> are 0.</summary>
    public static ulong[] UnpackSegments(ReadOnlySpan<ulong> dense, int bits, int segments)
    {
        int w = WordsFor(bits);
        if (dense.Length != WordsFor(checked(segments * bits))) throw new ArgumentException(ErrorMessages.LengthMismatch(dense.Length, WordsFor(segments * bits), dense.Length), nameof(dense));
        var result = new ulong[checked(segments * w)];
        for (int s = 0; s < segments; s++)
            for (int i = 0; i < w; i++)
            {
                int valid = Math.Min(64, bits - i * 64), at = s * bits + i * 64;
                int index = at >> 6, shift = at & 63;
                ulong word = dense[index] >> shift;
                if (shift != 0 && index + 1 < dense.Length) word |= dense[index + 1] << (64 - shift);
                result[s * w + i] = valid == 64 ? word : word & ((1UL << valid) - 1);
            }
        return result;
    }

    private static int SegmentCount(int length, int segmentWords)
    {
        if (segmentWords == 0 || length % segmentWords != 0) throw new ArgumentException($"{length} words are not whole segments of {segmentWords} words.", nameof(length));
        return length / segmentWords;
    }
}
