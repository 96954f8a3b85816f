using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <remarks>
/// Exact truncation pairs from t + 1 dealers, for any number of parties (the runtime uses them from five, where a single
/// helper would be unsafe). Dealer j (parties 0..t) draws r_j uniform in Z_2^k from its own CSPRNG and deals, at no
/// cost in bytes, additive shares of r_j and of h_j = r_j &gt;&gt; m and XOR shares of the k bits of r_j: party p's
/// shares are drawn from the PRG of the seed it shares with the dealer, the dealer's own are the value minus (XOR) them.
/// With S = sum of r_j (an integer below (t + 1) 2^k), r = S mod 2^k, and
///   r &gt;&gt; m = sum h_j + c - 2^(k-m) q,  msb(r) = bit k-1 of S,
/// where c = floor(sum (r_j mod 2^m) / 2^m) (bits m, m+1 of the low parts' sum) and q = floor(S / 2^k) (bits k, k+1 of
/// S) are each at most t. Those five bits come from a binary adder on the XOR shares (<see cref="CarryCircuit"/>: about
/// k (t + 1) + 2m AND gates a pair, Beaver with the engine's free binary triples, each gate opening 2 bits to every peer)
/// and are made arithmetic with one daBit each (open bit XOR daBit, one round). So a pair is exact, as the daBit pairs
/// are (r uniform, r &gt;&gt; m and msb(r) exact), for 3 to 5 daBits instead of k.
/// Security: any t parties miss at least one dealer j among t + 1, and see of r_j's dealing only their own PRG-drawn
/// shares, so r_j, and with it r, is uniform to them; the adder opens only Beaver-masked bits (the replicated triples
/// are uniform to them) and the conversion only bits masked by daBits uniform to them; nothing else is sent. So their
/// view is simulated without r, and c, q and msb(r) are never opened.
/// </remarks>
public sealed partial class ReplicatedPreprocessing<T>
{
    private const int LowSumStep = 0, HighSumStep = 1000, ConversionStep = 2000;
    private readonly Dictionary<(int Operands, int Width, int From), int> _gateCounts = [];

    private sealed record DealtMaterial(T[] R, T[] High, ulong[]?[][] LowBits, ulong[]?[][] AllBits, BinaryTriples LowTriples, BinaryTriples HighTriples, DaBitMaterial DaBits, long Batch);

    private async Task<TruncationPairs<T>> DealtPairsAsync(int count, int shift, CancellationToken cancellationToken)
    {
        int words = BitSlicing.WordsFor(count), carryBits = CarryBits;
        var material = await InOrderAsync(() => DrawDealtMaterial(count, shift, words)).ConfigureAwait(false);
        var daBits = SlicedBeaver.XorAsync(_channel, material.DaBits.Bits, material.DaBits.Bits[0].Length, [.. material.DaBits.Triples.Select(Task.FromResult)],
            step => PreprocessingTags.Of(PreprocessingTags.ReplicatedDaBits, K, material.DaBits.Batch, step), cancellationToken);
        var low = CarryCircuit.SumBitsAsync(material.LowBits, shift, shift, AndRound(material.LowTriples, material.Batch, LowSumStep, words, cancellationToken));
        var high = CarryCircuit.SumBitsAsync(material.AllBits, K, K - 1, AndRound(material.HighTriples, material.Batch, HighSumStep, words, cancellationToken));
        // The bits wanted, in this order: c (from bit m), msb(r), q (from bit k); c and q have carryBits bits each.
        var lowBits = await low.ConfigureAwait(false);
        var highBits = await high.ConfigureAwait(false);
        var wanted = lowBits.Take(carryBits).Concat(highBits.Take(1 + carryBits)).Select(b => b ?? new ulong[words]).ToArray();
        var arithmetic = await ConvertBitsAsync(wanted, await daBits.ConfigureAwait(false), material.DaBits.Binary, count, material.Batch, cancellationToken).ConfigureAwait(false);
        var shifted = material.High;
        var top = arithmetic[carryBits];
        unchecked
        {
            for (int b = 0; b < carryBits; b++)
            {
                var c = arithmetic[b];
                var q = arithmetic[carryBits + 1 + b];
                // 2^(k-m+b) q vanishes in the ring when k - m + b reaches k.
                int qShift = K - shift + b;
                for (int i = 0; i < count; i++) shifted[i] += (c[i] << b) - (qShift < K ? q[i] << qShift : T.Zero);
            }
        }
        return new TruncationPairs<T>(material.R, shifted, top, shift);
    }

    // Bits of c and q: each is at most t, so one bit with t = 1 and two with t = 2 or 3.
    private int CarryBits => _plan.Threshold == 1 ? 1 : 2;

    private DealtMaterial DrawDealtMaterial(int count, int shift, int words)
    {
        int self = _channel.PartyIndex, dealers = _plan.Threshold + 1;
        var r = new T[count];
        var high = new T[count];
        var bits = new ulong[]?[dealers][];
        for (int dealer = 0; dealer < dealers; dealer++)
        {
            var (value, shifted, sliced) = self == dealer ? Deal(count, shift) : Receive(dealer, count, words);
            RingArithmetic<T>.AddInPlace(r, value);
            RingArithmetic<T>.AddInPlace(high, shifted);
            bits[dealer] = [.. Enumerable.Range(0, K).Select(b => sliced.AsSpan(b * words, words).ToArray())];
        }
        var lowBits = bits.Select(operand => operand[..shift]).ToArray();
        var lowTriples = DrawBinaryTriples(words * GateCount(dealers, shift, shift));
        var highTriples = DrawBinaryTriples(words * GateCount(dealers, K, K - 1));
        var daBits = DrawDaBitMaterial(count * (1 + 2 * CarryBits));
        return new DealtMaterial(r, high, lowBits, bits, lowTriples, highTriples, daBits, _truncationBatches++);
    }

    // The dealer's shares: its value minus (XOR) every peer's, which each peer draws from the seed it shares with the dealer.
    private (T[] Value, T[] Shifted, ulong[] Bits) Deal(int count, int shift)
    {
        var value = _own.NextRing<T>(count);
        var shifted = new T[count];
        for (int i = 0; i < count; i++) shifted[i] = value[i] >>> shift;
        var bits = BitSlicing.Slice<T>(value, K);
        for (int peer = 0; peer < _plan.Parties; peer++)
        {
            if (peer == _channel.PartyIndex) continue;
            var (v, s, b) = Receive(peer, count, bits.Length / K);
            RingArithmetic<T>.SubtractInPlace(value, v);
            RingArithmetic<T>.SubtractInPlace(shifted, s);
            XorInPlace(bits, b);
        }
        return (value, shifted, bits);
    }

    private (T[] Value, T[] Shifted, ulong[] Bits) Receive(int peer, int count, int words)
    {
        var stream = _dealingWith[peer]!;
        var bits = stream.NextRing<ulong>(checked(K * words));
        // Bits past the count stay zero in every share, so the adder's words agree on them.
        ulong mask = BitSlicing.LastWordMask(count);
        for (int b = 0; b < K; b++) bits[b * words + words - 1] &= mask;
        return (stream.NextRing<T>(count), stream.NextRing<T>(count), bits);
    }

    private BinaryTriples DrawBinaryTriples(int words)
    {
        var a = BitComponents(words);
        var b = BitComponents(words);
        var c = CrossTerms(a, b, words, XorInPlace, (x, y, into) => BitSlicing.And(x, y, into));
        return new BinaryTriples(RerandomiseBits(OwnedBits(a, words)), RerandomiseBits(OwnedBits(b, words)), RerandomiseBits(c));
    }

    // The circuit's gates do not depend on the values, so a counting run with one word a vector gives the triples to draw.
    private int GateCount(int operands, int width, int from)
    {
        if (_gateCounts.TryGetValue((operands, width, from), out int gates)) return gates;
        var zero = Enumerable.Range(0, operands).Select(_ => Enumerable.Range(0, width).Select(_ => new ulong[1]).ToArray()).ToArray();
        CarryCircuit.SumBitsAsync(zero, width, from, (x, _) => { gates += x.Length; return Task.FromResult(x); }).GetAwaiter().GetResult();
        _gateCounts[(operands, width, from)] = gates;
        return gates;
    }

    // Beaver AND with the triples in order: each party opens d = x ^ a and e = y ^ b to every peer in one round.
    private CarryCircuit.AndRound AndRound(BinaryTriples triples, long batch, int firstStep, int words, CancellationToken cancellationToken)
    {
        int used = 0, step = firstStep;
        return async (x, y) =>
        {
            int gates = x.Length, length = gates * words, offset = used;
            used += length;
            long tag = PreprocessingTags.Of(PreprocessingTags.ReplicatedTruncation, K, batch, step++);
            var opened = new ulong[2 * length];
            for (int g = 0; g < gates; g++)
            {
                BitSlicing.Xor(x[g], triples.A.AsSpan(offset + g * words, words), opened.AsSpan(g * words, words));
                BitSlicing.Xor(y[g], triples.B.AsSpan(offset + g * words, words), opened.AsSpan(length + g * words, words));
            }
            await OpenBitsAsync(opened, tag, cancellationToken).ConfigureAwait(false);
            var result = new ulong[gates][];
            for (int g = 0; g < gates; g++)
            {
                var z = result[g] = new ulong[words];
                for (int w = 0; w < words; w++)
                {
                    int at = offset + g * words + w;
                    ulong d = opened[g * words + w], e = opened[length + g * words + w];
                    z[w] = triples.C[at] ^ (d & triples.B[at]) ^ (e & triples.A[at]) ^ (_channel.PartyIndex == 0 ? d & e : 0UL);
                }
            }
            return result;
        };
    }

    // Arithmetic shares of each XOR-shared bit vector: open bit ^ daBit, then b = d + rho - 2 d rho.
    private async Task<T[][]> ConvertBitsAsync(ulong[][] bits, T[] daArithmetic, ulong[] daBinary, int count, long batch, CancellationToken cancellationToken)
    {
        int words = BitSlicing.WordsFor(count);
        var opened = new ulong[bits.Length * words];
        for (int v = 0; v < bits.Length; v++)
        {
            var packed = new ulong[words];
            DaBitComposition.CopyBits(daBinary, v * count, packed, count);
            BitSlicing.Xor(bits[v], packed, opened.AsSpan(v * words, words));
        }
        await OpenBitsAsync(opened, PreprocessingTags.Of(PreprocessingTags.ReplicatedTruncation, K, batch, ConversionStep), cancellationToken).ConfigureAwait(false);
        var result = new T[bits.Length][];
        bool first = _channel.PartyIndex == 0;
        for (int v = 0; v < bits.Length; v++)
        {
            var arithmetic = result[v] = new T[count];
            for (int i = 0; i < count; i++)
            {
                T rho = daArithmetic[v * count + i];
                arithmetic[i] = BitSlicing.Get(opened.AsSpan(v * words, words), i) ? unchecked((first ? T.One : T.Zero) - rho) : rho;
            }
        }
        return result;
    }

    // Wire format: the sender's XOR shares of the bit vectors (little-endian 64-bit words, RingCodec) to every peer; the
    // receiver XORs them in and checks the length. Bits past the count are zero in every share.
    private async Task OpenBitsAsync(ulong[] shares, long tag, CancellationToken cancellationToken)
    {
        int self = _channel.PartyIndex;
        var payload = RingCodec.Encode<ulong>(shares);
        var sends = Enumerable.Range(0, _plan.Parties).Where(p => p != self).Select(p => _channel.SendAsync(p, tag, payload, cancellationToken).AsTask()).ToArray();
        for (int peer = 0; peer < _plan.Parties; peer++)
        {
            if (peer == self) continue;
            XorInPlace(shares, await CheckedReceive.ElementsAsync<ulong>(_channel, peer, tag, shares.Length, cancellationToken).ConfigureAwait(false));
        }
        await Task.WhenAll(sends).ConfigureAwait(false);
    }
}
