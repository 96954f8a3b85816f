using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Gates on XOR-shared, bit-sliced words: XOR and NOT are local, AND uses one binary Beaver
/// triple per word (64 gates) and one round; with three parties on a resharing engine, one round of resharing
/// (BinaryCircuits.Resharing.cs).
/// </summary>
public static partial class BinaryCircuits
{
    /// <summary>Word-wise AND of two XOR-shared bit vectors of equal length.</summary>
    public static async Task<ulong[]> AndAsync<T>(MpcRuntime<T> runtime, ulong[] x, ulong[] y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length) throw new ArgumentException(ErrorMessages.LengthMismatch(x.Length, y.Length, x.Length));
        if (Multiplication.ResharesInPairs(runtime)) return await AndByResharingAsync(runtime, x, y).ConfigureAwait(false);
        int w = x.Length;
        var triple = await runtime.Preprocessing.GetBinaryTriplesAsync(w, runtime.Cancellation).ConfigureAwait(false);
        Multiplication.CheckDelivered("binary triples", w, triple.A.Length);
        var masked = new ulong[2 * w];
        BitSlicing.Xor(x, triple.A, masked.AsSpan(0, w));
        BitSlicing.Xor(y, triple.B, masked.AsSpan(w, w));
        var opened = await Opening.OpenBitsAsync(runtime, masked).ConfigureAwait(false);
        var z = triple.C;
        bool leader = runtime.IsLeader;
        for (int i = 0; i < w; i++)
        {
            ulong d = opened[i], e = opened[w + i];
            ulong zi = z[i] ^ (d & triple.B[i]) ^ (e & triple.A[i]);
            if (leader) zi ^= d & e;
            z[i] = zi;
        }
        return z;
    }

    /// <summary>
    /// AND of bit-sliced vectors made of segments of WordsFor(elements) words, of which only the first
    /// <paramref name="elements"/> bits are in use: those are packed densely for the gates, so a segment of one element
    /// costs one binary triple bit and one opened bit, not 64. The unused bits of the result are 0.
    /// </summary>
    public static async Task<ulong[]> AndAsync<T>(MpcRuntime<T> runtime, ulong[] x, ulong[] y, int elements)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (elements < 1) throw new ArgumentOutOfRangeException(nameof(elements), "A segment holds at least one element.");
        if ((elements & 63) == 0) return await AndAsync(runtime, x, y).ConfigureAwait(false);
        int segments = x.Length / BitSlicing.WordsFor(elements);
        var product = await AndAsync(runtime, BitSlicing.PackSegments(x, elements), BitSlicing.PackSegments(y, elements)).ConfigureAwait(false);
        return BitSlicing.UnpackSegments(product, elements, segments);
    }

    /// <summary>XOR with a public word vector: only party 0 applies it.</summary>
    public static ulong[] XorPublic<T>(MpcRuntime<T> runtime, ReadOnlySpan<ulong> shares, ReadOnlySpan<ulong> constants)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var result = shares.ToArray();
        if (runtime.IsLeader) BitSlicing.Xor(result, constants, result);
        return result;
    }
}
