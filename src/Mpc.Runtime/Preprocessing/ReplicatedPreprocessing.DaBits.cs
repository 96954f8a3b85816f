using System.Runtime.CompilerServices;
using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <remarks>
/// daBits: b = XOR of the bit components. Its binary share is the XOR of the components a party owns plus a binary zero
/// sharing. Parties 0..t each XOR the components given to them (<see cref="ReplicatedSharingPlan.Contributor"/>) into
/// one bit b_j, whose arithmetic sharing is b_j at party j plus a zero sharing; the t + 1 shared bits are then XORed in
/// a tree of Beaver multiplications, u XOR v = u + v - 2uv, one level per doubling (t multiplications a daBit; one level
/// with three or four parties, two with five to seven). The Beaver openings go through a king, rotating by batch and level:
/// each party sends 2 ring elements a multiplication to the king, which sends the 2 sums back, 4 (N - 1) elements in all
/// against 2 N (N - 1) for a full opening (2.5x fewer at five parties, 3.5x at seven), for one more message round. Any t parties miss one bit
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

    // Beaver: open d = x - a and e = y - b through a king; xy = c + d b + e a (+ d e at party 0).
    private async Task<T[]> MultiplyAsync(T[] x, T[] y, BeaverTriples<T> triple, long batch, int step, CancellationToken cancellationToken)
    {
        int count = x.Length;
        var opened = new T[2 * count];
        RingArithmetic<T>.Subtract(x, triple.A, opened.AsSpan(0, count));
        RingArithmetic<T>.Subtract(y, triple.B, opened.AsSpan(count, count));
        int king = (int)((batch + step) % _plan.Parties);
        await OpenThroughKingAsync(opened, king, PreprocessingTags.Of(PreprocessingTags.ReplicatedDaBits, K, batch, 2 * step), PreprocessingTags.Of(PreprocessingTags.ReplicatedDaBits, K, batch, 2 * step + 1), cancellationToken).ConfigureAwait(false);
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

    // Every party sends its shares to the king, which sends the sum back to all: 2 (N - 1) blocks, not N (N - 1). The king
    // sees each party's share of values every party would see in a full opening, so it learns nothing more than they would.
    // Wire format: shares (tag toKing) then sums (tag fromKing), little-endian ring elements (RingCodec), one message each way per peer.
    private async Task OpenThroughKingAsync(T[] values, int king, long toKing, long fromKing, CancellationToken cancellationToken)
    {
        int self = _channel.PartyIndex, bytes = checked(values.Length * Unsafe.SizeOf<T>());
        if (self != king)
        {
            await _channel.SendAsync(king, toKing, RingCodec.Encode<T>(values), cancellationToken).ConfigureAwait(false);
            var sum = await _channel.ReceiveAsync(king, fromKing, cancellationToken).ConfigureAwait(false);
            if (sum.Length != bytes) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(king, fromKing, bytes, sum.Length), _channel.GetPartyName(king));
            RingCodec.Decode<T>(sum, values.Length).CopyTo(values, 0);
            return;
        }
        for (int peer = 0; peer < _plan.Parties; peer++)
        {
            if (peer == self) continue;
            var received = await _channel.ReceiveAsync(peer, toKing, cancellationToken).ConfigureAwait(false);
            if (received.Length != bytes) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, toKing, bytes, received.Length), _channel.GetPartyName(peer));
            RingCodec.AddInto<T>(received, values);
        }
        var payload = RingCodec.Encode<T>(values);
        await Task.WhenAll(Enumerable.Range(0, _plan.Parties).Where(p => p != self).Select(p => _channel.SendAsync(p, fromKing, payload, cancellationToken).AsTask())).ConfigureAwait(false);
    }

    // The bits as ring elements 0 or 1.
    private static T[] ToRing(ulong[] bits, int count)
    {
        var result = new T[count];
        for (int i = 0; i < count; i++) result[i] = ((bits[i >> 6] >> (i & 63)) & 1UL) == 1 ? T.One : T.Zero;
        return result;
    }
}
