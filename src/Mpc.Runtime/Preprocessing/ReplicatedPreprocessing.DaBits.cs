using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <remarks>
/// daBits: b = XOR of the bit components. Its binary share is the XOR of the components a party owns plus a binary zero
/// sharing. Parties 0..t each XOR the components given to them (<see cref="ReplicatedSharingPlan.Contributor"/>) into
/// one bit b_j, whose arithmetic sharing is b_j at party j plus a zero sharing; the t + 1 shared bits are then XORed in
/// a tree of Beaver multiplications, u XOR v = u + v - 2uv, one level per doubling (t multiplications a daBit, each 2
/// ring elements to each peer; one level with three or four parties, two with five to seven). Any t parties miss one bit
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
            var tag = PreprocessingTags.Of(PreprocessingTags.ReplicatedDaBits, K, material.Batch, step);
            var xy = await MultiplyAsync(x, y, material.Triples[step], tag, cancellationToken).ConfigureAwait(false);
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

    // Beaver: open d = x - a and e = y - b to every party; xy = c + d b + e a (+ d e at party 0).
    private async Task<T[]> MultiplyAsync(T[] x, T[] y, BeaverTriples<T> triple, long tag, CancellationToken cancellationToken)
    {
        int count = x.Length;
        var opened = new T[2 * count];
        RingArithmetic<T>.Subtract(x, triple.A, opened.AsSpan(0, count));
        RingArithmetic<T>.Subtract(y, triple.B, opened.AsSpan(count, count));
        // Wire format: this party's d shares then e shares, little-endian ring elements (RingCodec), one message per peer.
        var payload = RingCodec.Encode<T>(opened);
        int self = _channel.PartyIndex;
        var peers = Enumerable.Range(0, _plan.Parties).Where(p => p != self).ToArray();
        await Task.WhenAll(peers.Select(p => _channel.SendAsync(p, tag, payload, cancellationToken).AsTask())).ConfigureAwait(false);
        foreach (var peer in peers)
        {
            var received = await _channel.ReceiveAsync(peer, tag, cancellationToken).ConfigureAwait(false);
            if (received.Length != payload.Length) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag, payload.Length, received.Length), _channel.GetPartyName(peer));
            RingCodec.AddInto<T>(received, opened);
        }
        var result = new T[count];
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

    // The bits as ring elements 0 or 1.
    private static T[] ToRing(ulong[] bits, int count)
    {
        var result = new T[count];
        for (int i = 0; i < count; i++) result[i] = ((bits[i >> 6] >> (i & 63)) & 1UL) == 1 ? T.One : T.Zero;
        return result;
    }
}
