using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Honest-majority preprocessing for exactly three parties, from pseudo-random replicated sharing
/// (as in Araki, Furukawa, Lindell, Nof and Ohara, CCS 2016): secure against a semi-honest adversary
/// corrupting one party, not two. Triples, AND triples and matrix triples cost no communication;
/// a daBit costs one Beaver multiplication.
/// </summary>
/// <remarks>
/// A random value is x = x_0 + x_1 + x_2 where component x_k is drawn by the two parties other than k
/// from the PRG of their pairwise seed, so party i holds x_(i+1) and x_(i+2) and misses x_i. The product
/// of two such values, sum over k, l of x_k y_l, splits into three local parts: party i takes
/// x_(i+1) y_(i+1) + x_(i+1) y_(i+2) + x_(i+2) y_(i+1). Each party's additive share is one of its parts
/// plus a pseudo-random zero sharing z_i = G_(i,i+1) - G_(i-1,i), which neither other party can compute
/// alone, so shares look independent to any single party. daBit: b = b_0 XOR b_1 XOR b_2 (binary share:
/// b_(i+1) XOR a zero sharing); party 0 holds x = b_1 XOR b_2 and party 1 holds b_0, and the arithmetic
/// share is x + b_0 - 2 x b_0 with one Beaver multiplication (each party sends 2 ring elements per daBit
/// to each peer). Masked bits and truncation pairs are composed from daBits as by oblivious transfer.
/// Every draw happens when a request is made, in request order (SPMD), as with the dealer.
/// </remarks>
public sealed partial class ReplicatedPreprocessing<T> : IPreprocessing<T>, IAssistedTruncation<T>, IDisposable where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>The preprocessing mode's name in requests, transcripts and results.</summary>
    public const string ModeName = "replicated";

    private static readonly int K = RingArithmetic<T>.Bits;
    private readonly CountingChannel _channel;
    // Components: from the stream shared with the previous party (x_(i+1)) and with the next party (x_(i+2)).
    private readonly AesCtrRandom _withPrevious;
    private readonly AesCtrRandom _withNext;
    private readonly AesCtrRandom _zeroWithPrevious;
    private readonly AesCtrRandom _zeroWithNext;
    private readonly AesCtrRandom _truncationWithPrevious;
    private readonly AesCtrRandom _truncationWithNext;
    private readonly Lock _draw = new();
    private long _daBitBatches;
    private long _truncationBatches;

    public ReplicatedPreprocessing(IPartyChannel channel, PairwiseSeeds seeds)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(seeds);
        if (channel.PartyCount != 3 || seeds.PartyCount != 3) throw new ArgumentException(ErrorMessages.ReplicatedNeedsThreeParties(channel.PartyCount), nameof(channel));
        _channel = new CountingChannel(channel);
        int self = channel.PartyIndex, next = (self + 1) % 3, previous = (self + 2) % 3;
        // Labels keep these streams apart from the zero sharing the runtime keys with the same seeds.
        string ring = typeof(T).Name;
        _withPrevious = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds.SeedWith(previous), "mpc/replicated/component/" + ring));
        _withNext = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds.SeedWith(next), "mpc/replicated/component/" + ring));
        _zeroWithPrevious = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds.SeedWith(previous), "mpc/replicated/zero/" + ring));
        _zeroWithNext = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds.SeedWith(next), "mpc/replicated/zero/" + ring));
        _truncationWithPrevious = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds.SeedWith(previous), "mpc/replicated/truncation/" + ring));
        _truncationWithNext = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds.SeedWith(next), "mpc/replicated/truncation/" + ring));
    }

    public string Mode => ModeName;

    /// <summary>Bytes this party has sent for preprocessing (the daBits' Beaver openings, the helper's truncation shares).</summary>
    public long BytesSent => _channel.BytesSent;

    public ValueTask<BeaverTriples<T>> GetTriplesAsync(int count, CancellationToken cancellationToken)
    {
        lock (_draw) return ValueTask.FromResult(DrawTriples(count));
    }

    public ValueTask<MatrixTriple<T>> GetMatrixTripleAsync(int rows, int inner, int columns, CancellationToken cancellationToken)
    {
        int na = checked(rows * inner), nb = checked(inner * columns), nc = checked(rows * columns);
        lock (_draw)
        {
            var (aNext, aPrevious) = Components(na);
            var (bNext, bPrevious) = Components(nb);
            var c = new T[nc];
            var part = new T[nc];
            RingArithmetic<T>.MatrixMultiply(aNext, bNext, c, rows, inner, columns);
            RingArithmetic<T>.MatrixMultiply(aNext, bPrevious, part, rows, inner, columns);
            RingArithmetic<T>.AddInPlace(c, part);
            RingArithmetic<T>.MatrixMultiply(aPrevious, bNext, part, rows, inner, columns);
            RingArithmetic<T>.AddInPlace(c, part);
            return ValueTask.FromResult(new MatrixTriple<T>(Rerandomise(aNext), Rerandomise(bNext), Rerandomise(c), rows, inner, columns));
        }
    }

    public ValueTask<BinaryTriples> GetBinaryTriplesAsync(int words, CancellationToken cancellationToken)
    {
        lock (_draw)
        {
            var (aNext, aPrevious) = BitComponents(words);
            var (bNext, bPrevious) = BitComponents(words);
            var c = new ulong[words];
            var part = new ulong[words];
            BitSlicing.And(aNext, bNext, c);
            BitSlicing.And(aNext, bPrevious, part);
            BitSlicing.Xor(c, part, c);
            BitSlicing.And(aPrevious, bNext, part);
            BitSlicing.Xor(c, part, c);
            return ValueTask.FromResult(new BinaryTriples(RerandomiseBits(aNext), RerandomiseBits(bNext), RerandomiseBits(c)));
        }
    }

    public async ValueTask<DaBits<T>> GetDaBitsAsync(int count, CancellationToken cancellationToken)
    {
        var (arithmetic, binary) = await DaBitsAsync(count, cancellationToken).ConfigureAwait(false);
        return new DaBits<T>(arithmetic, binary, count);
    }

    public async ValueTask<MaskedBits<T>> GetMaskedBitsAsync(int count, CancellationToken cancellationToken)
    {
        var (arithmetic, bits) = await DaBitsAsync(checked(K * count), cancellationToken).ConfigureAwait(false);
        return DaBitComposition.MaskedBits(arithmetic, bits, count);
    }

    public async ValueTask<TruncationPairs<T>> GetTruncationPairsAsync(int count, int shift, CancellationToken cancellationToken)
    {
        if (shift <= 0 || shift > K - 2) throw new ArgumentOutOfRangeException(nameof(shift), ErrorMessages.TruncationShiftOutOfRange(shift, K));
        var (arithmetic, _) = await DaBitsAsync(checked(K * count), cancellationToken).ConfigureAwait(false);
        return DaBitComposition.TruncationPairs(arithmetic, count, shift);
    }

    // Draws, under the lock and in request order, everything the daBits need; then one Beaver multiplication.
    private async Task<(T[] Arithmetic, ulong[] Binary)> DaBitsAsync(int count, CancellationToken cancellationToken)
    {
        int words = BitSlicing.WordsFor(count);
        int self = _channel.PartyIndex;
        ulong[] binary;
        T[] x, y;
        BeaverTriples<T> triple;
        long batch;
        lock (_draw)
        {
            var (bNext, bPrevious) = BitComponents(words);
            ulong mask = BitSlicing.LastWordMask(count);
            bNext[^1] &= mask;
            bPrevious[^1] &= mask;
            // Party 0 holds b_1 (next) and b_2 (previous); party 1 holds b_0 as its previous component.
            x = Rerandomise(self == 0 ? ToRing(bNext, bPrevious, count) : new T[count]);
            y = Rerandomise(self == 1 ? ToRing(bPrevious, null, count) : new T[count]);
            // Masks bNext in place, so it comes after every use of the components.
            binary = RerandomiseBits(bNext);
            binary[^1] &= mask;
            triple = DrawTriples(count);
            batch = _daBitBatches++;
        }
        var xy = await MultiplyAsync(x, y, triple, PreprocessingTags.Of(PreprocessingTags.ReplicatedDaBits, K, batch, 0), cancellationToken).ConfigureAwait(false);
        var arithmetic = new T[count];
        unchecked
        {
            for (int i = 0; i < count; i++) arithmetic[i] = x[i] + y[i] - (xy[i] << 1);
        }
        return (arithmetic, binary);
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
        var peers = Enumerable.Range(0, 3).Where(p => p != self).ToArray();
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

    private BeaverTriples<T> DrawTriples(int count)
    {
        var (aNext, aPrevious) = Components(count);
        var (bNext, bPrevious) = Components(count);
        var c = new T[count];
        unchecked
        {
            for (int i = 0; i < count; i++) c[i] = aNext[i] * bNext[i] + aNext[i] * bPrevious[i] + aPrevious[i] * bNext[i];
        }
        return new BeaverTriples<T>(Rerandomise(aNext), Rerandomise(bNext), Rerandomise(c));
    }

    // x_(i+1) from the stream shared with the previous party, x_(i+2) from the one shared with the next.
    private (T[] Next, T[] Previous) Components(int count) => (_withPrevious.NextRing<T>(count), _withNext.NextRing<T>(count));

    private (ulong[] Next, ulong[] Previous) BitComponents(int words) => (_withPrevious.NextRing<ulong>(words), _withNext.NextRing<ulong>(words));

    // Adds z_i = G(i, i+1) - G(i-1, i): the three parties' z sum to 0.
    private T[] Rerandomise(T[] part)
    {
        var up = _zeroWithNext.NextRing<T>(part.Length);
        var down = _zeroWithPrevious.NextRing<T>(part.Length);
        RingArithmetic<T>.AddInPlace(part, up);
        RingArithmetic<T>.SubtractInPlace(part, down);
        return part;
    }

    private ulong[] RerandomiseBits(ulong[] part)
    {
        var up = _zeroWithNext.NextRing<ulong>(part.Length);
        var down = _zeroWithPrevious.NextRing<ulong>(part.Length);
        BitSlicing.Xor(part, up, part);
        BitSlicing.Xor(part, down, part);
        return part;
    }

    // The bits of first XOR second (second may be absent) as ring elements 0 or 1.
    private static T[] ToRing(ulong[] first, ulong[]? second, int count)
    {
        var result = new T[count];
        for (int i = 0; i < count; i++)
        {
            ulong bit = (first[i >> 6] >> (i & 63)) & 1UL;
            if (second is not null) bit ^= (second[i >> 6] >> (i & 63)) & 1UL;
            result[i] = bit == 1 ? T.One : T.Zero;
        }
        return result;
    }

    public void Dispose()
    {
        _withPrevious.Dispose();
        _withNext.Dispose();
        _zeroWithPrevious.Dispose();
        _zeroWithNext.Dispose();
        _truncationWithPrevious.Dispose();
        _truncationWithNext.Dispose();
    }
}
