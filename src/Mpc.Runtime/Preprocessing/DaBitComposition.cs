using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Masked bits and truncation pairs composed from daBits: r = sum over t of 2^t b_t, where daBit
/// t * count + i is bit t of element i. Shared by every preprocessing that makes daBits.
/// </summary>
internal static class DaBitComposition
{
    public static MaskedBits<T> MaskedBits<T>(T[] arithmetic, ulong[] bits, int count) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits;
        var r = ComposeBits(arithmetic, count, 0);
        // Re-slice: daBit t * count + i is bit t of element i; slices are word-aligned per bit.
        int words = BitSlicing.WordsFor(count);
        var sliced = new ulong[checked(k * words)];
        for (int t = 0; t < k; t++) CopyBits(bits, t * count, sliced.AsSpan(t * words, words), count);
        return new MaskedBits<T>(r, sliced, count);
    }

    public static TruncationPairs<T> TruncationPairs<T>(T[] arithmetic, int count, int shift) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits;
        var r = ComposeBits(arithmetic, count, 0);
        var high = ComposeBits(arithmetic, count, shift);
        var top = arithmetic.AsSpan((k - 1) * count, count).ToArray();
        return new TruncationPairs<T>(r, high, top, shift);
    }

    // Arithmetic shares of sum over t >= from of 2^(t - from) * bit t, where bit t of element i is daBit t * count + i.
    private static T[] ComposeBits<T>(T[] arithmetic, int count, int from) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits;
        var result = new T[count];
        unchecked
        {
            for (int t = from; t < k; t++)
            {
                var bitShares = arithmetic.AsSpan(t * count, count);
                for (int i = 0; i < count; i++) result[i] += bitShares[i] << (t - from);
            }
        }
        return result;
    }

    /// <summary>Copies <paramref name="count"/> bits from bit <paramref name="from"/> of <paramref name="source"/> to the start of <paramref name="destination"/> (ORed in).</summary>
    public static void CopyBits(ulong[] source, int from, Span<ulong> destination, int count)
    {
        for (int i = 0; i < count; i++)
        {
            int s = from + i;
            destination[i >> 6] |= ((source[s >> 6] >> (s & 63)) & 1UL) << (i & 63);
        }
    }
}
