using System.Runtime.CompilerServices;
using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <remarks>
/// daBits: b = XOR of the bit components. Its binary share is the XOR of the components a party owns plus a binary zero
/// sharing. Parties 0..t each XOR the components given to them (<see cref="ReplicatedSharingPlan.Contributor"/>) into
/// one bit b_j, whose arithmetic sharing is b_j at party j plus a zero sharing; the t + 1 shared bits are then XORed in
/// a tree of Beaver multiplications, u XOR v = u + v - 2uv, one level per doubling (t multiplications a daBit; one level
/// with three or four parties, two with five to seven). The Beaver openings go slice by slice through one party each:
/// party p sums slice p of the parties' d and e shares and sends the sums back, 4 (N - 1) elements a multiplication in
/// all against 2 N (N - 1) for a full opening (2.5x fewer at five parties, 3.5x at seven), evenly spread over the
/// parties, for one more message round. Any t parties miss one bit
/// component, so b is uniform to them; the b_j are only ever opened masked by a Beaver triple.
/// </remarks>
public sealed partial class ReplicatedPreprocessing<T>
{
    private sealed record DaBitMaterial(T[][] Bits, ulong[] Binary, BeaverTriples<T>[] Triples, long Batch);

    // Draws, in request order, everything the daBits need; then the XOR tree, one Beaver multiplication a level.
    private async Task<(T[] Arithmetic, ulong[] Binary)> DaBitsAsync(int count, CancellationToken cancellationToken)
    {
        var material = await InOrderAsync(() => DrawDaBitMaterial(count)).ConfigureAwait(false);
        var level = material.Bits;
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
            var xy = await MultiplyAsync(x, y, material.Triples[step], material.Batch, step, cancellationToken).ConfigureAwait(false);
            var next = new T[pairs + level.Length % 2][];
            unchecked
            {
                for (int i = 0; i < x.Length; i++) x[i] = x[i] + y[i] - (xy[i] << 1);
            }
            for (int p = 0; p < pairs; p++) next[p] = x.AsSpan(p * count, count).ToArray();
            if (level.Length % 2 == 1) next[^1] = level[^1];
            level = next;
        }
        return (level[0], material.Binary);
    }

    private DaBitMaterial DrawDaBitMaterial(int count)
    {
        int words = BitSlicing.WordsFor(count), self = _channel.PartyIndex;
        var components = BitComponents(words);
        ulong mask = BitSlicing.LastWordMask(count);
        foreach (int c in _held) components[c]![^1] &= mask;
        var bits = new T[_plan.Threshold + 1][];
        for (int j = 0; j < bits.Length; j++)
        {
            int contributor = j;
            bits[j] = Rerandomise(self == j ? ToRing(Sum(components, words, c => _plan.Contributor(c) == contributor, XorInPlace), count) : new T[count]);
        }
        var binary = RerandomiseBits(OwnedBits(components, words));
        binary[^1] &= mask;
        var triples = new List<BeaverTriples<T>>();
        for (int width = bits.Length; width > 1; width = width / 2 + width % 2) triples.Add(DrawTriples(width / 2 * count));
        return new DaBitMaterial(bits, binary, [.. triples], _daBitBatches++);
    }

    // Beaver: open d = x - a and e = y - b slice by slice, each slice through one party; xy = c + d b + e a (+ d e at party 0).
    private async Task<T[]> MultiplyAsync(T[] x, T[] y, BeaverTriples<T> triple, long batch, int step, CancellationToken cancellationToken)
    {
        int count = x.Length;
        var opened = new T[2 * count];
        RingArithmetic<T>.Subtract(x, triple.A, opened.AsSpan(0, count));
        RingArithmetic<T>.Subtract(y, triple.B, opened.AsSpan(count, count));
        await OpenBySlicesAsync(opened, PreprocessingTags.Of(PreprocessingTags.ReplicatedDaBits, K, batch, 2 * step), PreprocessingTags.Of(PreprocessingTags.ReplicatedDaBits, K, batch, 2 * step + 1), cancellationToken).ConfigureAwait(false);
        var result = new T[count];
        int self = _channel.PartyIndex;
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
    private async Task OpenBySlicesAsync(T[] values, long toSummer, long fromSummer, CancellationToken cancellationToken)
    {
        int self = _channel.PartyIndex, parties = _plan.Parties, n = values.Length;
        int Start(int p) => (int)((long)n * p / parties);
        var peers = Enumerable.Range(0, parties).Where(p => p != self).ToArray();
        var shares = peers.Where(p => Start(p + 1) > Start(p))
            .Select(p => _channel.SendAsync(p, toSummer, RingCodec.Encode<T>(values.AsSpan(Start(p), Start(p + 1) - Start(p))), cancellationToken).AsTask()).ToArray();
        int myStart = Start(self), myLength = Start(self + 1) - myStart;
        if (myLength > 0)
        {
            foreach (int peer in peers) RingCodec.AddInto<T>(await ReceiveSliceAsync(peer, toSummer, myLength, cancellationToken).ConfigureAwait(false), values.AsSpan(myStart, myLength));
        }
        var sums = myLength == 0 ? [] : peers.Select(p => _channel.SendAsync(p, fromSummer, RingCodec.Encode<T>(values.AsSpan(myStart, myLength)), cancellationToken).AsTask()).ToArray();
        foreach (int peer in peers)
        {
            int length = Start(peer + 1) - Start(peer);
            if (length == 0) continue;
            var sum = await ReceiveSliceAsync(peer, fromSummer, length, cancellationToken).ConfigureAwait(false);
            RingCodec.Decode<T>(sum, length).CopyTo(values, Start(peer));
        }
        await Task.WhenAll(shares.Concat(sums)).ConfigureAwait(false);
    }

    private async Task<byte[]> ReceiveSliceAsync(int peer, long tag, int length, CancellationToken cancellationToken)
    {
        var received = await _channel.ReceiveAsync(peer, tag, cancellationToken).ConfigureAwait(false);
        int bytes = checked(length * Unsafe.SizeOf<T>());
        if (received.Length != bytes) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag, bytes, received.Length), _channel.GetPartyName(peer));
        return received;
    }

    // The bits as ring elements 0 or 1.
    private static T[] ToRing(ulong[] bits, int count)
    {
        var result = new T[count];
        for (int i = 0; i < count; i++) result[i] = ((bits[i >> 6] >> (i & 63)) & 1UL) == 1 ? T.One : T.Zero;
        return result;
    }
}
