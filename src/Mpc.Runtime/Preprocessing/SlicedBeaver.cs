using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// The replicated engine's daBit step: XOR of shared bits by a tree of Beaver multiplications whose openings go slice by
/// slice through one party each.
/// </summary>
internal static class SlicedBeaver
{
    /// <summary>
    /// Arithmetic shares of the XOR of the shared bits in <paramref name="level"/> (each <paramref name="count"/> long):
    /// u XOR v = u + v - 2uv, one level of Beaver multiplications per doubling; level step's triples are triples[step],
    /// and its openings use the tags <paramref name="tag"/>(2 step) and <paramref name="tag"/>(2 step + 1).
    /// </summary>
    public static async Task<T[]> XorAsync<T>(IPartyChannel channel, T[][] level, int count, IReadOnlyList<Task<BeaverTriples<T>>> triples, Func<int, long> tag, CancellationToken cancellationToken)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        for (int step = 0; level.Length > 1; step++)
        {
            int pairs = level.Length / 2;
            var x = new T[pairs * count];
            var y = new T[pairs * count];
            for (int p = 0; p < pairs; p++)
            {
                level[2 * p].CopyTo(x, p * count);
                level[2 * p + 1].CopyTo(y, p * count);
            }
            var triple = await triples[step].ConfigureAwait(false);
            var xy = await MultiplyAsync(channel, x, y, triple, tag(2 * step), tag(2 * step + 1), cancellationToken).ConfigureAwait(false);
            var next = new T[pairs + level.Length % 2][];
            unchecked
            {
                for (int i = 0; i < x.Length; i++) x[i] = x[i] + y[i] - (xy[i] << 1);
            }
            for (int p = 0; p < pairs; p++) next[p] = x.AsSpan(p * count, count).ToArray();
            if (level.Length % 2 == 1) next[^1] = level[^1];
            level = next;
        }
        return level[0];
    }

    /// <summary>The number of Beaver multiplications of each level of <see cref="XorAsync"/> for <paramref name="width"/> bits of <paramref name="count"/> values.</summary>
    public static IEnumerable<int> LevelSizes(int width, int count)
    {
        for (; width > 1; width = width / 2 + width % 2) yield return width / 2 * count;
    }

    // Beaver: open d = x - a and e = y - b slice by slice, each slice through one party; xy = c + d b + e a (+ d e at party 0).
    private static async Task<T[]> MultiplyAsync<T>(IPartyChannel channel, T[] x, T[] y, BeaverTriples<T> triple, long toSummer, long fromSummer, CancellationToken cancellationToken)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int count = x.Length;
        var opened = new T[2 * count];
        RingArithmetic<T>.Subtract(x, triple.A, opened.AsSpan(0, count));
        RingArithmetic<T>.Subtract(y, triple.B, opened.AsSpan(count, count));
        await OpenBySlicesAsync(channel, opened, toSummer, fromSummer, cancellationToken).ConfigureAwait(false);
        var result = new T[count];
        int self = channel.PartyIndex;
        unchecked
        {
            for (int i = 0; i < count; i++)
            {
                T d = opened[i], e = opened[count + i];
                result[i] = triple.C[i] + d * triple.B[i] + e * triple.A[i] + (self == 0 ? d * e : T.Zero);
            }
        }
        return result;
    }

    // Party p sums slice p of everyone's shares and sends the sum back to all: 2 (N - 1) n elements in all, not N (N - 1) n,
    // evenly spread. Party p sees each party's shares of slice p, which a full opening shows every party anyway.
    // Wire format: round 1 (tag toSummer), slice p of the sender's shares to party p; round 2 (tag fromSummer), the sum of
    // slice p from party p to every peer; little-endian ring elements (RingCodec); empty slices are not sent.
    private static async Task OpenBySlicesAsync<T>(IPartyChannel channel, T[] values, long toSummer, long fromSummer, CancellationToken cancellationToken)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int self = channel.PartyIndex, parties = channel.PartyCount, n = values.Length;
        int Start(int p) => (int)((long)n * p / parties);
        var peers = Enumerable.Range(0, parties).Where(p => p != self).ToArray();
        var shares = peers.Where(p => Start(p + 1) > Start(p))
            .Select(p => channel.SendAsync(p, toSummer, RingCodec.Encode<T>(values.AsSpan(Start(p), Start(p + 1) - Start(p))), cancellationToken).AsTask()).ToArray();
        int myStart = Start(self), myLength = Start(self + 1) - myStart;
        if (myLength > 0)
        {
            foreach (int peer in peers) RingCodec.AddInto<T>(await ReceiveSliceAsync<T>(channel, peer, toSummer, myLength, cancellationToken).ConfigureAwait(false), values.AsSpan(myStart, myLength));
        }
        var sums = myLength == 0 ? [] : peers.Select(p => channel.SendAsync(p, fromSummer, RingCodec.Encode<T>(values.AsSpan(myStart, myLength)), cancellationToken).AsTask()).ToArray();
        foreach (int peer in peers)
        {
            int length = Start(peer + 1) - Start(peer);
            if (length == 0) continue;
            var sum = await ReceiveSliceAsync<T>(channel, peer, fromSummer, length, cancellationToken).ConfigureAwait(false);
            RingCodec.Decode<T>(sum, length).CopyTo(values, Start(peer));
        }
        await Task.WhenAll(shares.Concat(sums)).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReceiveSliceAsync<T>(IPartyChannel channel, int peer, long tag, int length, CancellationToken cancellationToken) where T : unmanaged
    {
        return await CheckedReceive.BlockAsync<T>(channel, peer, tag, length, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The bits as ring elements 0 or 1.</summary>
    public static T[] ToRing<T>(ulong[] bits, int count) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var result = new T[count];
        for (int i = 0; i < count; i++) result[i] = ((bits[i >> 6] >> (i & 63)) & 1UL) == 1 ? T.One : T.Zero;
        return result;
    }
}
