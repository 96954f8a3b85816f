using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Comparisons of secrets: sign (less than zero), equality to zero, and what follows from them.
/// Results are secret bits: integers (scale 0) equal to 0 or 1.
/// </summary>
/// <remarks>
/// Method: masked opening with edaBits and a binary circuit on the public value against the bits
/// of the mask (Escudero, Ghosh, Keller, Rachuri, Scholl, CRYPTO 2020; Catrina and de Hoogh,
/// ESORICS 2010 for the comparison circuit). The parties open c = x + r for r uniform in Z_2^k,
/// so x = c - r and msb(x) = msb(c) XOR msb(r) XOR [c' &lt; r'] with c', r' the low k-1 bits.
/// [c' &lt; r'] with c' public is a prefix circuit over (generate, equal) pairs whose leaves are
/// linear; combining them in a tree takes ceil(log2(k-1)) AND rounds and about 2k AND gates an
/// element. Equality to zero is the AND of all bits of NOT(c XOR r): ceil(log2 k) AND rounds.
/// A binary result becomes arithmetic with one daBit (Rotaru and Wood, INDOCRYPT 2019).
/// Exact for every x in Z_2^k (no error, no failure probability). Rounds: 8 (k = 64), 9 (k = 128).
/// </remarks>
public static partial class Comparison
{
    /// <summary>[x &lt; 0] for every element, reading x in two's complement.</summary>
    public static async Task<Secret<T>> LessThanZeroAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        var bits = await LessThanZeroRawAsync(runtime, x.Share).ConfigureAwait(false);
        return new Secret<T>(runtime, bits, x.Rows, x.Columns, 0);
    }

    /// <summary>[x &lt; y] element-wise (needs |x - y| &lt; 2^(k-1) at the common scale).</summary>
    public static Task<Secret<T>> LessThanAsync<T>(MpcRuntime<T> runtime, Secret<T> x, Secret<T> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => LessThanZeroAsync(runtime, x - y);

    /// <summary>[x &gt;= y] element-wise.</summary>
    public static async Task<Secret<T>> GreaterThanOrEqualAsync<T>(MpcRuntime<T> runtime, Secret<T> x, Secret<T> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => 1.0 - await LessThanAsync(runtime, x, y).ConfigureAwait(false);

    /// <summary>[x == 0] for every element.</summary>
    public static async Task<Secret<T>> EqualsZeroAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        var bits = await EqualsZeroRawAsync(runtime, x.Share).ConfigureAwait(false);
        return new Secret<T>(runtime, bits, x.Rows, x.Columns, 0);
    }

    /// <summary>[x == y] element-wise, compared at the common scale.</summary>
    public static Task<Secret<T>> EqualsAsync<T>(MpcRuntime<T> runtime, Secret<T> x, Secret<T> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => EqualsZeroAsync(runtime, x - y);

    /// <summary>bit ? ifOne : ifZero, element-wise, for a secret bit (one multiplication).</summary>
    public static async Task<Secret<T>> SelectAsync<T>(MpcRuntime<T> runtime, Secret<T> bit, Secret<T> ifOne, Secret<T> ifZero)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(bit);
        if (bit.Scale != 0) throw new ArgumentException(RuntimeErrors.NotABit(nameof(SelectAsync)), nameof(bit));
        var difference = ifOne - ifZero;
        return ifZero + await Multiplication.MultiplyAsync(runtime, bit, difference).ConfigureAwait(false);
    }

    /// <summary>Element-wise maximum.</summary>
    public static async Task<Secret<T>> MaximumAsync<T>(MpcRuntime<T> runtime, Secret<T> x, Secret<T> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var less = await LessThanAsync(runtime, x, y).ConfigureAwait(false);
        return await SelectAsync(runtime, less, y, x).ConfigureAwait(false);
    }

    /// <summary>Element-wise absolute value.</summary>
    public static async Task<Secret<T>> AbsoluteAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var negative = await LessThanZeroAsync(runtime, x).ConfigureAwait(false);
        return x - 2 * await Multiplication.MultiplyAsync(runtime, negative, x).ConfigureAwait(false);
    }

    /// <summary>
    /// Sum over positions q of onehot_q * c_q, where position q (0..J) holds x in
    /// [threshold_(q-1), threshold_q) given step bits t from <see cref="BitDecomposition"/>:
    /// c_0 + sum_j t_j (c_(j+1) - c_j). Local.
    /// </summary>
    internal static T[] StepSum<T>(MpcRuntime<T> runtime, T[] steps, int n, ReadOnlySpan<T> coefficients)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int J = coefficients.Length - 1;
        var result = new T[n];
        var deltas = new T[J];
        unchecked
        {
            for (int j = 0; j < J; j++) deltas[j] = coefficients[j + 1] - coefficients[j];
            for (int i = 0; i < n; i++)
            {
                T sum = runtime.IsLeader ? coefficients[0] : T.Zero;
                var row = steps.AsSpan(i * J, J);
                for (int j = 0; j < J; j++) sum += row[j] * deltas[j];
                result[i] = sum;
            }
        }
        return result;
    }

    internal static async Task<T[]> LessThanZeroRawAsync<T>(MpcRuntime<T> runtime, T[] x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits;
        int n = x.Length;
        if (n == 0) return [];
        var (c, mask) = await MaskAndOpenAsync(runtime, x).ConfigureAwait(false);
        return await SignAsync(runtime, BitSlicing.Slice<T>(c, k), mask.Bits, n, k).ConfigureAwait(false);
    }

    // The top bit of (c - r) mod 2^width from public c and XOR-shared r (bit-sliced, at least width rows), as arithmetic 0/1 shares:
    // c_top XOR r_top XOR [c' < r'] over the low width - 1 bits.
    private static async Task<T[]> SignAsync<T>(MpcRuntime<T> runtime, ulong[] cBits, ulong[] rBits, int n, int width)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = BitSlicing.WordsFor(n);
        bool leader = runtime.IsLeader;

        // Leaves from least to most significant of the low width-1 bits: generate g = r AND NOT c, equal e = NOT(r XOR c).
        var nodes = new List<(ulong[] G, ulong[]? E)>(width - 1);
        for (int j = 0; j < width - 1; j++)
        {
            var g = new ulong[w];
            var e = new ulong[w];
            for (int i = 0; i < w; i++)
            {
                ulong r = rBits[j * w + i], cb = cBits[j * w + i];
                g[i] = r & ~cb;
                e[i] = leader ? r ^ ~cb : r;
            }
            nodes.Add((g, e));
        }
        var below = nodes.Count > 0 ? await ReduceGreaterAsync(runtime, nodes, n).ConfigureAwait(false) : new ulong[w];

        var msb = new ulong[w];
        for (int i = 0; i < w; i++)
        {
            ulong value = below[i] ^ rBits[(width - 1) * w + i];
            if (leader) value ^= cBits[(width - 1) * w + i];
            msb[i] = value;
        }
        return await BitsToArithmeticAsync(runtime, msb, n).ConfigureAwait(false);
    }

    internal static async Task<T[]> EqualsZeroRawAsync<T>(MpcRuntime<T> runtime, T[] x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits;
        int n = x.Length;
        if (n == 0) return [];
        int w = BitSlicing.WordsFor(n);
        var (c, mask) = await MaskAndOpenAsync(runtime, x).ConfigureAwait(false);
        var cBits = BitSlicing.Slice<T>(c, k);
        var nodes = new List<ulong[]>(k);
        for (int j = 0; j < k; j++)
        {
            var equal = new ulong[w];
            for (int i = 0; i < w; i++)
            {
                ulong r = mask.Bits[j * w + i];
                equal[i] = runtime.IsLeader ? r ^ ~cBits[j * w + i] : r;
            }
            nodes.Add(equal);
        }
        return await BitsToArithmeticAsync(runtime, await BitDecomposition.AndTreeAsync(runtime, nodes, n).ConfigureAwait(false), n).ConfigureAwait(false);
    }

    /// <summary>Converts XOR-shared packed bits to arithmetic shares of 0/1 with daBits: open d = b XOR r, then b = d + r - 2dr.</summary>
    internal static async Task<T[]> BitsToArithmeticAsync<T>(MpcRuntime<T> runtime, ulong[] bits, int count)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var daBits = await runtime.Preprocessing.GetDaBitsAsync(count, runtime.Cancellation).ConfigureAwait(false);
        Multiplication.CheckDelivered("daBits", count, daBits.Arithmetic.Length);
        var masked = new ulong[bits.Length];
        BitSlicing.Xor(bits, daBits.Binary, masked);
        var d = await Opening.OpenBitsAsync(runtime, masked).ConfigureAwait(false);
        var result = new T[count];
        bool leader = runtime.IsLeader;
        unchecked
        {
            for (int i = 0; i < count; i++)
            {
                T r = daBits.Arithmetic[i];
                result[i] = BitSlicing.Get(d, i) ? (leader ? T.One : T.Zero) - r : r;
            }
        }
        return result;
    }

    internal static async Task<(T[] Opened, Preprocessing.MaskedBits<T> Mask)> MaskAndOpenAsync<T>(MpcRuntime<T> runtime, T[] x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var mask = await runtime.Preprocessing.GetMaskedBitsAsync(x.Length, runtime.Cancellation).ConfigureAwait(false);
        Multiplication.CheckDelivered("masked bits", x.Length, mask.R.Length);
        var masked = new T[x.Length];
        RingArithmetic<T>.Add(x, mask.R, masked);
        var opened = await Opening.OpenAsync(runtime, masked).ConfigureAwait(false);
        return (opened, mask);
    }

    // Tree of (g, e) pairs: (g_hi XOR e_hi AND g_lo, e_hi AND e_lo); the root's g is [secret bits > public bits].
    private static async Task<ulong[]> ReduceGreaterAsync<T>(MpcRuntime<T> runtime, List<(ulong[] G, ulong[]? E)> nodes, int n)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = BitSlicing.WordsFor(n);
        while (nodes.Count > 1)
        {
            int pairs = nodes.Count / 2;
            bool needEqual = nodes.Count > 2;
            int per = needEqual ? 2 : 1;
            var left = new ulong[pairs * per * w];
            var right = new ulong[pairs * per * w];
            for (int p = 0; p < pairs; p++)
            {
                var lo = nodes[2 * p];
                var hi = nodes[2 * p + 1];
                hi.E!.CopyTo(left, p * per * w);
                lo.G.CopyTo(right, p * per * w);
                if (needEqual)
                {
                    hi.E.CopyTo(left, (p * per + 1) * w);
                    lo.E!.CopyTo(right, (p * per + 1) * w);
                }
            }
            var product = await BinaryCircuits.AndAsync(runtime, left, right, n).ConfigureAwait(false);
            var next = new List<(ulong[] G, ulong[]? E)>(pairs + 1);
            for (int p = 0; p < pairs; p++)
            {
                var hi = nodes[2 * p + 1];
                var g = new ulong[w];
                BitSlicing.Xor(hi.G, product.AsSpan(p * per * w, w), g);
                var e = needEqual ? product.AsSpan((p * per + 1) * w, w).ToArray() : null;
                next.Add((g, e));
            }
            if (nodes.Count % 2 == 1) next.Add(nodes[^1]);
            nodes = next;
        }
        return nodes[0].G;
    }
}
