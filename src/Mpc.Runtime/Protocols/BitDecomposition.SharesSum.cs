using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <remarks>
/// The bits of secrets without a masked opening: every party's share is already a k-bit number it knows, so x is the sum
/// of N numbers each XOR-shared trivially (its owner holds the bits, the others zero). Carry-save adders reduce N numbers
/// to two (one AND round a level: sum a XOR b XOR c, carry ((a XOR c) AND (b XOR c)) XOR c one position up), and a
/// Sklansky prefix over (generate, propagate) = (a AND b, a XOR b) adds the two (ABY's A2B; Demmler, Schneider, Zohner,
/// NDSS 2015). No masked bits and no opening of x: about (k - 1) (N - 1) + (k/2) log2 k AND gates an element instead of
/// k daBits, which on the honest-majority engine are each a Beaver multiplication of ring elements.
/// Exact for every x in Z_2^k.
/// </remarks>
internal static partial class BitDecomposition
{
    /// <summary>XOR-shared bits of every x, bit-sliced as <see cref="DecomposeRawAsync"/> returns them, by adding the parties' shares in a binary circuit.</summary>
    internal static async Task<ulong[]> DecomposeBySharesSumRawAsync<T>(MpcRuntime<T> runtime, T[] x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits, n = x.Length, w = BitSlicing.WordsFor(n), size = k * w;
        var own = BitSlicing.Slice<T>(x, k);
        var operands = new List<ulong[]>();
        for (int p = 0; p < runtime.PartyCount; p++) operands.Add(p == runtime.PartyIndex ? own : new ulong[size]);
        // Carry-save levels: three numbers become their bitwise sum and their carries, all adders of a level in one AND batch.
        while (operands.Count > 2)
        {
            int adders = operands.Count / 3, carried = (k - 1) * w;
            var left = new ulong[adders * carried];
            var right = new ulong[adders * carried];
            for (int a = 0; a < adders; a++)
            {
                var (x0, x1, x2) = (operands[3 * a], operands[3 * a + 1], operands[3 * a + 2]);
                BitSlicing.Xor(x0.AsSpan(0, carried), x2.AsSpan(0, carried), left.AsSpan(a * carried, carried));
                BitSlicing.Xor(x1.AsSpan(0, carried), x2.AsSpan(0, carried), right.AsSpan(a * carried, carried));
            }
            var majority = await BinaryCircuits.AndAsync(runtime, left, right, n).ConfigureAwait(false);
            var next = new List<ulong[]>();
            for (int a = 0; a < adders; a++)
            {
                var (x0, x1, x2) = (operands[3 * a], operands[3 * a + 1], operands[3 * a + 2]);
                var sum = new ulong[size];
                BitSlicing.Xor(x0, x1, sum);
                BitSlicing.Xor(sum, x2, sum);
                // The carry out of bit j is bit j + 1 of the second number; the carry out of the top bit leaves the ring.
                var carry = new ulong[size];
                BitSlicing.Xor(majority.AsSpan(a * carried, carried), x2.AsSpan(0, carried), carry.AsSpan(w, carried));
                next.Add(sum);
                next.Add(carry);
            }
            next.AddRange(operands.Skip(3 * adders));
            operands = next;
        }
        var (first, second) = (operands[0], operands[1]);
        // Position j < k-1: carry out of j is the prefix generate over [0..j].
        int positions = k - 1;
        var generate = await BinaryCircuits.AndAsync(runtime, first[..(positions * w)], second[..(positions * w)], n).ConfigureAwait(false);
        var propagate = new ulong[size];
        BitSlicing.Xor(first, second, propagate);
        var g = new ulong[positions][];
        var e = new ulong[positions][];
        for (int j = 0; j < positions; j++)
        {
            g[j] = generate.AsSpan(j * w, w).ToArray();
            e[j] = propagate.AsSpan(j * w, w).ToArray();
        }
        await PrefixAsync(runtime, g, e, n).ConfigureAwait(false);
        var bits = propagate;
        for (int j = 1; j < k; j++) BitSlicing.Xor(bits.AsSpan(j * w, w), g[j - 1], bits.AsSpan(j * w, w));
        return bits;
    }
}
