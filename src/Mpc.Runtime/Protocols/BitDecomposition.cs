using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// The bits of secrets from one masked opening, and the step bits that normalisations need from them.
/// </summary>
/// <remarks>
/// Method: open c = x + r with r from masked bits (edaBits), then x = c - r bit by bit: bit j is
/// c_j XOR r_j XOR borrow_j, and the borrows are the prefixes of (generate, propagate) pairs
/// g_j = r_j AND NOT c_j, e_j = NOT(c_j XOR r_j), combined by a Sklansky prefix circuit
/// (ceil(log2(k-1)) AND rounds, about (k/2) log2 k combines of at most 2 ANDs). This is the
/// comparison circuit of <see cref="Comparison"/> keeping every prefix instead of only the last
/// (Catrina and de Hoogh, ESORICS 2010; Damgard, Fitzi, Kiltz, Nielsen, Toft, TCC 2006 for bit decomposition).
/// Step bits against J public thresholds then cost one decomposition instead of J comparisons:
/// [x &gt;= 2^j] is NOT sign AND (OR of bits j..k-2) (a suffix scan), and [x &gt;= q 2^s] for q &lt; 2^B
/// comes from the one-hot code of bits s..s+B-1. Exact for every x in Z_2^k.
/// </remarks>
internal static partial class BitDecomposition
{
    /// <summary>
    /// XOR-shared bits of every x, bit-sliced: bit j of the n elements in words [j w, (j + 1) w), w = ceil(n / 64); with at most
    /// three parties by summing the shares (<see cref="DecomposeBySharesSumRawAsync"/>), else by a masked opening.
    /// </summary>
    internal static async Task<ulong[]> DecomposeRawAsync<T>(MpcRuntime<T> runtime, T[] x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        // Up to three parties one carry-save level suffices: summing the shares costs a round more than the masked opening
        // but no masked bits (k daBits an element: most of a sigmoid's bytes on the honest-majority engine).
        if (runtime.PartyCount <= 3) return await DecomposeBySharesSumRawAsync(runtime, x).ConfigureAwait(false);
        int k = RingArithmetic<T>.Bits;
        var (c, mask) = await Comparison.MaskAndOpenAsync(runtime, x).ConfigureAwait(false);
        return await SubtractMaskAsync(runtime, BitSlicing.Slice<T>(c, k), mask.Bits, x.Length, k).ConfigureAwait(false);
    }

    // Bits of (c - r) mod 2^bits from public c and XOR-shared r (both bit-sliced, at least bits rows): bit j is
    // c_j XOR r_j XOR borrow_j, the borrows from a prefix scan of g = r AND NOT c, e = NOT(c XOR r) over bits - 1 positions.
    private static async Task<ulong[]> SubtractMaskAsync<T>(MpcRuntime<T> runtime, ulong[] cBits, ulong[] rBits, int n, int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = BitSlicing.WordsFor(n);
        bool leader = runtime.IsLeader;
        // Position j < bits-1: borrow out of j is g over [0..j] after the scan.
        int positions = bits - 1;
        var g = new ulong[positions][];
        var e = new ulong[positions][];
        for (int j = 0; j < positions; j++)
        {
            g[j] = new ulong[w];
            e[j] = new ulong[w];
            for (int i = 0; i < w; i++)
            {
                ulong r = rBits[j * w + i], cb = cBits[j * w + i];
                g[j][i] = r & ~cb;
                e[j][i] = leader ? r ^ ~cb : r;
            }
        }
        await PrefixAsync(runtime, g, e, n).ConfigureAwait(false);
        var result = new ulong[bits * w];
        for (int j = 0; j < bits; j++)
            for (int i = 0; i < w; i++)
            {
                ulong value = rBits[j * w + i];
                if (leader) value ^= cBits[j * w + i];
                if (j > 0) value ^= g[j - 1][i];
                result[j * w + i] = value;
            }
        return result;
    }

    /// <summary>
    /// Step bits t[i * J + (j - low)] = [x_i &gt;= 2^j] for j in [low, high), reading x in two's complement
    /// (a negative x passes no threshold), as arithmetic 0/1 shares.
    /// </summary>
    internal static async Task<T[]> AtLeastPowersOfTwoRawAsync<T>(MpcRuntime<T> runtime, T[] x, int low, int high)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits, n = x.Length, w = BitSlicing.WordsFor(n);
        if (low < 0 || high > k - 1) throw new ArgumentOutOfRangeException(nameof(high), $"Powers of two 2^{low}..2^{high - 1} do not fit a {k}-bit ring.");
        int count = Math.Max(0, high - low);
        if (n == 0 || count == 0) return new T[n * count];
        var bits = await DecomposeRawAsync(runtime, x).ConfigureAwait(false);
        bool leader = runtime.IsLeader;
        // Suffix AND of NOT bit over [j, k-2] for j >= low: scanned as a prefix from the top down.
        int length = k - 1 - low;
        var zero = new ulong[length][];
        for (int p = 0; p < length; p++) zero[p] = Not(bits.AsSpan((k - 2 - p) * w, w), leader);
        await PrefixAndAsync(runtime, zero, n).ConfigureAwait(false);
        // step_j = NOT sign AND NOT (all of bits j..k-2 zero), for every j in one batch.
        var notSign = Not(bits.AsSpan((k - 1) * w, w), leader);
        var left = new ulong[count * w];
        var right = new ulong[count * w];
        for (int q = 0; q < count; q++)
        {
            int j = low + q;
            notSign.CopyTo(left, q * w);
            Not(zero[k - 2 - j], leader).CopyTo(right, q * w);
        }
        var steps = await BinaryCircuits.AndAsync(runtime, left, right, n).ConfigureAwait(false);
        return await ToArithmeticAsync(runtime, steps, n, count).ConfigureAwait(false);
    }

    /// <summary>
    /// Step bits t[i * (count - 1) + (q - 1)] = [x_i &gt;= q 2^shift] for q = 1 .. count - 1, reading x in two's
    /// complement (a negative x passes none, one at or above (count - 1) 2^shift passes all), as arithmetic 0/1 shares.
    /// </summary>
    internal static async Task<T[]> AtLeastMultiplesRawAsync<T>(MpcRuntime<T> runtime, T[] x, int shift, int count)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits, n = x.Length, w = BitSlicing.WordsFor(n);
        int levels = count <= 1 ? 0 : 64 - BitOperations.LeadingZeroCount((ulong)(count - 1));
        if (shift < 0 || shift + levels > k - 1) throw new ArgumentOutOfRangeException(nameof(count), $"Multiples up to {count - 1} * 2^{shift} do not fit a {k}-bit ring.");
        int steps = Math.Max(0, count - 1);
        if (n == 0 || steps == 0) return new T[n * steps];
        var bits = await DecomposeRawAsync(runtime, x).ConfigureAwait(false);
        bool leader = runtime.IsLeader;
        // inRange = NOT sign AND no bit above the B counted ones, as an AND tree; saturated = NOT sign AND some bit above,
        // that is NOT sign XOR inRange. The one-hot code of the B bits doubles one bit at a time from the public 1, in the
        // same AND batches as the tree's levels, and is gated by inRange at the end: max(tree, B - 1) + 1 rounds, not tree + B + 1.
        var tree = new List<ulong[]>();
        for (int j = shift + levels; j < k; j++) tree.Add(Not(bits.AsSpan(j * w, w), leader));
        var notSign = tree[^1];
        var first = bits.AsSpan(shift * w, w).ToArray();
        var oneHot = new List<ulong[]> { Not(first, leader), first };
        for (int b = 1; tree.Count > 1 || b < levels; b++)
        {
            var bit = b < levels ? bits.AsSpan((shift + b) * w, w).ToArray() : null;
            int pairs = tree.Count / 2, size = bit is null ? 0 : oneHot.Count;
            var left = new ulong[(pairs + 2 * size) * w];
            var right = new ulong[(pairs + 2 * size) * w];
            for (int p = 0; p < pairs; p++)
            {
                tree[2 * p].CopyTo(left, p * w);
                tree[2 * p + 1].CopyTo(right, p * w);
            }
            if (bit is not null)
            {
                var notBit = Not(bit, leader);
                for (int v = 0; v < size; v++)
                {
                    oneHot[v].CopyTo(left, (pairs + v) * w);
                    notBit.CopyTo(right, (pairs + v) * w);
                    oneHot[v].CopyTo(left, (pairs + size + v) * w);
                    bit.CopyTo(right, (pairs + size + v) * w);
                }
            }
            var products = await BinaryCircuits.AndAsync(runtime, left, right, n).ConfigureAwait(false);
            var next = Enumerable.Range(0, pairs).Select(p => products.AsSpan(p * w, w).ToArray()).ToList();
            if (tree.Count % 2 == 1) next.Add(tree[^1]);
            tree = next;
            if (bit is not null) oneHot = Enumerable.Range(0, 2 * size).Select(v => products.AsSpan((pairs + v) * w, w).ToArray()).ToList();
        }
        var inRange = tree[0];
        var saturated = new ulong[w];
        BitSlicing.Xor(notSign, inRange, saturated);
        var gateLeft = new ulong[oneHot.Count * w];
        var gateRight = new ulong[oneHot.Count * w];
        for (int v = 0; v < oneHot.Count; v++)
        {
            oneHot[v].CopyTo(gateLeft, v * w);
            inRange.CopyTo(gateRight, v * w);
        }
        var gated = await BinaryCircuits.AndAsync(runtime, gateLeft, gateRight, n).ConfigureAwait(false);
        oneHot = Enumerable.Range(0, oneHot.Count).Select(v => gated.AsSpan(v * w, w).ToArray()).ToList();
        // [x >= q 2^shift] = saturated XOR (sum over values v >= q of the one-hot): the terms are exclusive.
        var result = new ulong[steps * w];
        var suffix = new ulong[w];
        for (int v = oneHot.Count - 1; v >= 1; v--)
        {
            BitSlicing.Xor(suffix, oneHot[v], suffix);
            if (v <= steps) BitSlicing.Xor(suffix, saturated, result.AsSpan((v - 1) * w, w));
        }
        return await ToArithmeticAsync(runtime, result, n, steps).ConfigureAwait(false);
    }

    // Sklansky prefix over (g, e) pairs in place: afterwards g[p] covers [0..p]. Rounds: ceil(log2 positions).
    private static async Task PrefixAsync<T>(MpcRuntime<T> runtime, ulong[][] g, ulong[]?[] e, int n)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = BitSlicing.WordsFor(n);
        int positions = g.Length;
        for (int span = 1; span < positions; span <<= 1)
        {
            var combines = new List<(int P, int Anchor, bool NeedE)>();
            for (int p = 0; p < positions; p++)
                if (((p / span) & 1) == 1) combines.Add((p, (p / span) * span - 1, (p / (2 * span)) * 2 * span > 0));
            int words = combines.Sum(c => c.NeedE ? 2 : 1) * w;
            var left = new ulong[words];
            var right = new ulong[words];
            int at = 0;
            foreach (var (p, anchor, needE) in combines)
            {
                e[p]!.CopyTo(left, at);
                g[anchor].CopyTo(right, at);
                at += w;
                if (!needE) continue;
                e[p]!.CopyTo(left, at);
                e[anchor]!.CopyTo(right, at);
                at += w;
            }
            var products = await BinaryCircuits.AndAsync(runtime, left, right, n).ConfigureAwait(false);
            at = 0;
            foreach (var (p, _, needE) in combines)
            {
                BitSlicing.Xor(g[p], products.AsSpan(at, w), g[p]);
                at += w;
                if (needE)
                {
                    e[p] = products.AsSpan(at, w).ToArray();
                    at += w;
                }
                else
                {
                    // A prefix from position 0 is final: its propagate bit is never read again.
                    e[p] = null;
                }
            }
        }
    }

    // Sklansky prefix AND in place: afterwards a[p] is the AND of a[0..p].
    private static async Task PrefixAndAsync<T>(MpcRuntime<T> runtime, ulong[][] a, int n)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = BitSlicing.WordsFor(n);
        int positions = a.Length;
        for (int span = 1; span < positions; span <<= 1)
        {
            var combines = new List<(int P, int Anchor)>();
            for (int p = 0; p < positions; p++)
                if (((p / span) & 1) == 1) combines.Add((p, (p / span) * span - 1));
            var left = new ulong[combines.Count * w];
            var right = new ulong[combines.Count * w];
            for (int c = 0; c < combines.Count; c++)
            {
                a[combines[c].P].CopyTo(left, c * w);
                a[combines[c].Anchor].CopyTo(right, c * w);
            }
            var products = await BinaryCircuits.AndAsync(runtime, left, right, n).ConfigureAwait(false);
            for (int c = 0; c < combines.Count; c++) a[combines[c].P] = products.AsSpan(c * w, w).ToArray();
        }
    }

    // AND of all inputs by a balanced tree, one round a level.
    internal static async Task<ulong[]> AndTreeAsync<T>(MpcRuntime<T> runtime, List<ulong[]> nodes, int n)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = BitSlicing.WordsFor(n);
        while (nodes.Count > 1)
        {
            int pairs = nodes.Count / 2;
            var left = new ulong[pairs * w];
            var right = new ulong[pairs * w];
            for (int p = 0; p < pairs; p++)
            {
                nodes[2 * p].CopyTo(left, p * w);
                nodes[2 * p + 1].CopyTo(right, p * w);
            }
            var product = await BinaryCircuits.AndAsync(runtime, left, right, n).ConfigureAwait(false);
            var next = Enumerable.Range(0, pairs).Select(p => product.AsSpan(p * w, w).ToArray()).ToList();
            if (nodes.Count % 2 == 1) next.Add(nodes[^1]);
            nodes = next;
        }
        return nodes[0];
    }

    // XOR-shared NOT: only the leader flips its share.
    private static ulong[] Not(ReadOnlySpan<ulong> shares, bool leader)
    {
        var result = shares.ToArray();
        if (leader)
            for (int i = 0; i < result.Length; i++) result[i] = ~result[i];
        return result;
    }

    // Bit-sliced step vectors (J blocks of w words) to arithmetic shares in the order i * J + j.
    private static async Task<T[]> ToArithmeticAsync<T>(MpcRuntime<T> runtime, ulong[] sliced, int n, int count)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = BitSlicing.WordsFor(n);
        var packed = new ulong[BitSlicing.WordsFor(checked(n * count))];
        for (int j = 0; j < count; j++)
            for (int i = 0; i < n; i++)
                if (BitSlicing.Get(sliced.AsSpan(j * w, w), i))
                {
                    int target = i * count + j;
                    packed[target >> 6] |= 1UL << (target & 63);
                }
        return await Comparison.BitsToArithmeticAsync(runtime, packed, n * count).ConfigureAwait(false);
    }
}
