using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

// The low bits of secrets bounded by construction (counts): a statistical mask of bits daBits instead of k.
internal static partial class BitDecomposition
{
    /// <summary>
    /// XOR-shared bits of x mod 2^bits, bit-sliced as <see cref="DecomposeRawAsync"/>, for secrets known to satisfy
    /// |x| &lt; 2^bits for every input. The mask is r = sum over t &lt; bits of 2^t b_t from bits daBits plus 2^bits times each
    /// party's own uniform value below 2^40, so c = x + 2^bits + r opens without wrapping and hides x to statistical distance
    /// about N 2^-40 (as <see cref="Truncation.TruncateBoundedRawAsync"/>); x mod 2^bits = (c - r) mod 2^bits needs a borrow
    /// scan over bits - 1 positions instead of k - 1, and bits daBits an element instead of k.
    /// </summary>
    internal static async Task<ulong[]> DecomposeLowRawAsync<T>(MpcRuntime<T> runtime, T[] x, int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var (c, maskBits) = await MaskLowAndOpenAsync(runtime, x, bits).ConfigureAwait(false);
        return await SubtractMaskAsync(runtime, c, maskBits, x.Length, bits).ConfigureAwait(false);
    }

    /// <summary>
    /// The masked opening of <see cref="DecomposeLowRawAsync"/>: the public c = x + 2^bits + r and the XOR-shared bits of r's low
    /// <paramref name="bits"/> (both bit-sliced, bits rows), so that x mod 2^bits = (c - r) mod 2^bits, for |x| &lt; 2^bits.
    /// </summary>
    internal static async Task<(ulong[] Opened, ulong[] MaskBits)> MaskLowAndOpenAsync<T>(MpcRuntime<T> runtime, T[] x, int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits, n = x.Length, w = BitSlicing.WordsFor(n);
        if (bits < 1 || bits > MaximumLowBits(k, runtime.PartyCount))
            throw new ArgumentOutOfRangeException(nameof(bits), $"{bits} low bits leave no room for a statistical mask in a {k}-bit ring.");
        var daBits = await runtime.Preprocessing.GetDaBitsAsync(checked(n * bits), runtime.Cancellation).ConfigureAwait(false);
        Multiplication.CheckDelivered("daBits", n * bits, daBits.Arithmetic.Length);
        var own = runtime.LocalRandom.NextRing<T>(n);
        T ownMask = RingArithmetic<T>.PowerOfTwo(Truncation.StatisticalSecurity) - T.One;
        T offset = runtime.IsLeader ? RingArithmetic<T>.PowerOfTwo(bits) : T.Zero;
        var masked = new T[n];
        unchecked
        {
            for (int i = 0; i < n; i++)
            {
                // daBit t * n + i is bit t of element i's mask.
                T r = T.Zero;
                for (int t = 0; t < bits; t++) r += daBits.Arithmetic[t * n + i] << t;
                masked[i] = x[i] + r + ((own[i] & ownMask) << bits) + offset;
            }
        }
        var c = await Opening.OpenAsync(runtime, masked).ConfigureAwait(false);
        var maskBits = new ulong[bits * w];
        for (int t = 0; t < bits; t++) Preprocessing.DaBitComposition.CopyBits(daBits.Binary, t * n, maskBits.AsSpan(t * w, w), n);
        return (BitSlicing.Slice<T>(c, bits), maskBits);
    }

    /// <summary>The largest bound in bits that <see cref="MaskLowAndOpenAsync"/> takes among <paramref name="parties"/> parties in a ring of <paramref name="ringBits"/>.</summary>
    internal static int MaximumLowBits(int ringBits, int parties) => ringBits - 2 - Truncation.StatisticalSecurity - PartyBits(parties);

    /// <summary>
    /// Step bits t[i * bits + j] = [(x_i mod 2^bits) &gt;= 2^j] for j in [0, bits), as arithmetic 0/1 shares, for |x| &lt; 2^bits
    /// (<see cref="DecomposeLowRawAsync"/>): a negative x reads as x + 2^bits.
    /// </summary>
    internal static async Task<T[]> AtLeastPowersOfTwoLowRawAsync<T>(MpcRuntime<T> runtime, T[] x, int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int n = x.Length, w = BitSlicing.WordsFor(n);
        if (n == 0) return [];
        var decomposed = await DecomposeLowRawAsync(runtime, x, bits).ConfigureAwait(false);
        bool leader = runtime.IsLeader;
        // zero[p]: bits bits-1-p .. bits-1 are all 0, a prefix AND from the top down; step_j = NOT zero[bits-1-j].
        var zero = new ulong[bits][];
        for (int p = 0; p < bits; p++) zero[p] = Not(decomposed.AsSpan((bits - 1 - p) * w, w), leader);
        await PrefixAndAsync(runtime, zero, n).ConfigureAwait(false);
        var steps = new ulong[bits * w];
        for (int j = 0; j < bits; j++) Not(zero[bits - 1 - j], leader).CopyTo(steps, j * w);
        return await ToArithmeticAsync(runtime, steps, n, bits).ConfigureAwait(false);
    }

    /// <summary>
    /// Words of AND triples <see cref="AtLeastPowersOfTwoLowRawAsync"/> draws for n elements: the borrow scan's Sklansky rounds
    /// over bits - 1 positions (two gates where a propagate bit is still needed) and the prefix AND's over bits positions.
    /// </summary>
    internal static int LowStepsBinaryWords(int n, int bits)
    {
        if (n == 0) return 0;
        int Words(int segments) => (n & 63) == 0 ? segments * (n / 64) : BitSlicing.WordsFor(checked(segments * n));
        int total = 0;
        for (int span = 1; span < bits - 1; span <<= 1)
        {
            int segments = 0;
            for (int p = 0; p < bits - 1; p++)
                if (((p / span) & 1) == 1) segments += (p / (2 * span)) * 2 * span > 0 ? 2 : 1;
            total += Words(segments);
        }
        for (int span = 1; span < bits; span <<= 1)
        {
            int segments = 0;
            for (int p = 0; p < bits; p++)
                if (((p / span) & 1) == 1) segments++;
            total += Words(segments);
        }
        return total;
    }

    private static int PartyBits(int parties) => 32 - BitOperations.LeadingZeroCount((uint)parties);
}
