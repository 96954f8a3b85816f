using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Random products in Z_2^k from Shamir sharing over GR(2^k, d), semi-honest with t = floor((N - 1) / 2) colluding:
/// random degree-t sharings [a], [b] of subring secrets, their product by Damgard and Nielsen's king step (CRYPTO 2007)
/// with a degree-2t mask [r], and every sharing turned into additive Z_2^k shares for the runtime.
/// </summary>
/// <remarks>
/// <para>A random sharing is the sum of t + 1 dealings, each of a subring secret its dealer draws: slice p of a batch's
/// values (the kings' slices) is dealt by parties p .. p + t (mod N), so one of them is honest and every party deals t + 1
/// slices of N. Dealer i's polynomial is fixed by its secret at 0 and by the shares of its first δ successors
/// (i + 1 .. i + δ mod N, δ = t or 2t), which it and each of them draw from the PRG of their pairwise seed; the dealer
/// interpolates the other N - δ shares (its own included; <see cref="GaloisRing{T}.Combine"/>) and sends them, so a
/// dealing costs N - 1 - δ ring elements per coefficient, not N - 1. Any t shares of a degree-t polynomial with a fixed
/// secret are uniform (δ + 1 points fix the polynomial, δ &gt;= t of them uniform), and one honest dealer makes the sum's
/// secret uniform.</para>
/// <para>The product: each party's a_i b_i + r_i is a degree-2t share of ab + r. The values are split into N slices;
/// slice p's king is party p, and the 2t + 1 parties S_p = p .. p + 2t (mod N) send it coefficient 0 of
/// lambda_i (a_i b_i + r_i), lambda the Lagrange coefficients at 0 over S_p: an additive sharing of ab + r_0, one ring
/// element a value. The king sums and sends the opened slice to all. Then c = ab = (ab + r_0) - r_0, and r_0, a and b
/// become additive shares as coefficient 0 of lambda_i s_i over all N parties (the other coefficients sum to 0). Every
/// additive share gets a pseudo-random zero sharing from the pairwise seeds, so what any t parties see of the others'
/// shares is uniform apart from the sum.</para>
/// <para>Request order: every PRG draw of a request happens when it is made (SPMD: all parties make the same requests
/// in the same order); its messages then carry the request's batch number in their tags and may overlap other requests'.</para>
/// </remarks>
internal sealed partial class ShamirProducts<TR> : IDisposable where TR : unmanaged, IBinaryInteger<TR>, IUnsignedNumber<TR>
{
    // Dealings of the three sections a, b, r then, per slice, the shares to the king and the king's opening.
    private const int DealStep = 0, ToKingStep = 1, FromKingStep = 2;
    private static readonly int Bits = RingArithmetic<TR>.Bits;
    private readonly IPartyChannel _channel;
    private readonly ShamirSharing<TR> _sharing;
    private readonly GaloisRing<TR> _ring;
    private readonly int _kind, _self, _parties;
    private readonly AesCtrRandom _secrets;
    private readonly AesCtrRandom?[] _dealTo, _dealFrom, _zeroWith;
    private readonly DealingPlan _low, _high;
    private readonly TR[] _toAdditive;
    private readonly TR[]?[] _atKing;
    private readonly Lock _draw = new();
    private long _batches;

    public ShamirProducts(IPartyChannel channel, PairwiseSeeds seeds, int kind)
    {
        _channel = channel;
        _kind = kind;
        _self = channel.PartyIndex;
        _parties = channel.PartyCount;
        _sharing = new ShamirSharing<TR>(_parties);
        _ring = _sharing.Ring;
        int t = _sharing.Threshold;
        string ring = typeof(TR).Name + "/" + kind;
        _secrets = AesCtrRandom.CreateFromSystem();
        _dealTo = new AesCtrRandom?[_parties];
        _dealFrom = new AesCtrRandom?[_parties];
        _zeroWith = new AesCtrRandom?[_parties];
        // Labels keep these streams apart from the runtime's zero sharing and from each other (and per direction).
        for (int peer = 0; peer < _parties; peer++)
        {
            if (peer == _self) continue;
            var seed = seeds.SeedWith(peer);
            _dealTo[peer] = new AesCtrRandom(AesCtrRandom.DeriveSeed(seed, $"mpc/shamir/deal/{ring}/{_self}>{peer}"));
            _dealFrom[peer] = new AesCtrRandom(AesCtrRandom.DeriveSeed(seed, $"mpc/shamir/deal/{ring}/{peer}>{_self}"));
            _zeroWith[peer] = new AesCtrRandom(AesCtrRandom.DeriveSeed(seed, $"mpc/shamir/zero/{ring}"));
        }
        _low = new DealingPlan(_sharing, _self, t);
        _high = new DealingPlan(_sharing, _self, 2 * t);
        var everyone = Enumerable.Range(0, _parties).ToArray();
        _toAdditive = _ring.MultiplicationMatrix(_sharing.Lagrange(everyone, -1)[_self]);
        _atKing = new TR[]?[_parties];
        for (int king = 0; king < _parties; king++)
        {
            var set = KingSet(king);
            int position = Array.IndexOf(set, _self);
            if (position >= 0) _atKing[king] = _ring.MultiplicationMatrix(_sharing.Lagrange(set, -1)[position]);
        }
    }

    public ShamirSharing<TR> Sharing => _sharing;

    /// <summary>
    /// Additive shares of random a (na values), b (nb) and c (nc) with c = product(a, b), product computed on GR shares
    /// by <paramref name="product"/> (element-wise or a matrix product). Draws now, in call order; communicates after.
    /// </summary>
    public Task<(TR[] A, TR[] B, TR[] C)> ProductsAsync(int na, int nb, int nc, Action<TR[], TR[], TR[]> product, CancellationToken cancellationToken)
    {
        Draw draw;
        TR[][] zeros;
        lock (_draw)
        {
            draw = Dealt([new Section(na, _low), new Section(nb, _low), new Section(nc, _high)]);
            zeros = [ZeroShare(na), ZeroShare(nb), ZeroShare(nc)];
        }
        return FinishAsync(draw, zeros, na, nb, nc, product, cancellationToken);
    }

    /// <summary>This party's share of count zeros: G(i, j) added for each peer j above i and G(j, i) subtracted for each below.</summary>
    public TR[] ZeroShare(int count)
    {
        var result = new TR[count];
        for (int peer = 0; peer < _parties; peer++)
        {
            if (peer == _self) continue;
            var mask = _zeroWith[peer]!.NextRing<TR>(count);
            if (peer > _self) RingArithmetic<TR>.AddInPlace(result, mask);
            else RingArithmetic<TR>.SubtractInPlace(result, mask);
        }
        return result;
    }

    private async Task<(TR[] A, TR[] B, TR[] C)> FinishAsync(Draw draw, TR[][] zeros, int na, int nb, int nc, Action<TR[], TR[], TR[]> product, CancellationToken cancellationToken)
    {
        int d = _ring.Degree;
        var sends = await ExchangeAsync(draw, cancellationToken).ConfigureAwait(false);
        var masked = new TR[d * nc];
        product(draw.Mine[0], draw.Mine[1], masked);
        RingArithmetic<TR>.AddInPlace(masked, draw.Mine[2]);
        var opened = await OpenAtKingsAsync(masked, nc, draw.Batch, cancellationToken).ConfigureAwait(false);
        var (a, b, c) = (zeros[0], zeros[1], zeros[2]);
        _ring.ConstantOfProductAdd(_toAdditive, draw.Mine[0], na, a);
        _ring.ConstantOfProductAdd(_toAdditive, draw.Mine[1], nb, b);
        // c = (ab + r_0) - r_0: the opened value at party 0, minus every party's additive share of r_0.
        var r = new TR[nc];
        _ring.ConstantOfProductAdd(_toAdditive, draw.Mine[2], nc, r);
        RingArithmetic<TR>.SubtractInPlace(c, r);
        if (_self == 0) RingArithmetic<TR>.AddInPlace(c, opened);
        await sends.ConfigureAwait(false);
        return (a, b, c);
    }

    // Slice p of the values is opened by king p from the additive shares of S_p. Wire format: to the king, coefficient 0
    // of lambda_i v_i for the king's slice; from the king, the opened slice; little-endian ring elements (RingCodec).
    private async Task<TR[]> OpenAtKingsAsync(TR[] values, int n, long batch, CancellationToken cancellationToken)
    {
        long toKing = PreprocessingTags.Of(_kind, Bits, batch, ToKingStep), fromKing = PreprocessingTags.Of(_kind, Bits, batch, FromKingStep);
        int Start(int p) => (int)((long)n * p / _parties);
        var opened = new TR[n];
        var sends = new List<Task>();
        for (int king = 0; king < _parties; king++)
        {
            int start = Start(king), length = Start(king + 1) - start;
            if (length == 0 || _atKing[king] is not { } lagrange) continue;
            var part = opened.AsSpan(start, length);
            _ring.ConstantOfProductAdd(lagrange, values.AsSpan(start), n, part);
            if (king != _self) sends.Add(_channel.SendAsync(king, toKing, RingCodec.Encode<TR>(part), cancellationToken).AsTask());
        }
        int myStart = Start(_self), myLength = Start(_self + 1) - myStart;
        if (myLength > 0)
        {
            var mine = opened.AsSpan(myStart, myLength);
            foreach (int peer in KingSet(_self))
            {
                if (peer == _self) continue;
                var received = await ReceiveAsync(peer, toKing, myLength, cancellationToken).ConfigureAwait(false);
                RingCodec.AddInto<TR>(received, opened.AsSpan(myStart, myLength));
                _channel.Release(received);
            }
            var payload = RingCodec.Encode<TR>(opened.AsSpan(myStart, myLength));
            for (int peer = 0; peer < _parties; peer++)
                if (peer != _self) sends.Add(_channel.SendAsync(peer, fromKing, payload, cancellationToken).AsTask());
        }
        for (int king = 0; king < _parties; king++)
        {
            int start = Start(king), length = Start(king + 1) - start;
            if (king == _self || length == 0) continue;
            var received = await ReceiveAsync(king, fromKing, length, cancellationToken).ConfigureAwait(false);
            RingCodec.Decode<TR>(received, length).CopyTo(opened, start);
            _channel.Release(received);
        }
        await Task.WhenAll(sends).ConfigureAwait(false);
        return opened;
    }

    // The 2t + 1 parties whose degree-2t shares king p interpolates: p and its 2t successors.
    private int[] KingSet(int king) => [.. Enumerable.Range(0, 2 * _sharing.Threshold + 1).Select(j => (king + j) % _parties)];

    private async Task<byte[]> ReceiveAsync(int peer, long tag, int elements, CancellationToken cancellationToken)
    {
        return await CheckedReceive.BlockAsync<TR>(_channel, peer, tag, elements, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _secrets.Dispose();
        foreach (var random in _dealTo.Concat(_dealFrom).Concat(_zeroWith)) random?.Dispose();
    }

    /// <summary>Who draws which share of a degree-δ dealing, and this party's interpolation coefficients as dealer.</summary>
    private sealed class DealingPlan
    {
        private readonly int _parties, _degree;

        public DealingPlan(ShamirSharing<TR> sharing, int self, int degree)
        {
            _parties = sharing.Parties;
            _degree = degree;
            PrgReceivers = [.. Enumerable.Range(1, degree).Select(j => (self + j) % _parties)];
            Interpolated = [.. Enumerable.Range(0, _parties).Where(p => !PrgReceivers.Contains(p))];
            DealersDrawingForMe = [.. Enumerable.Range(1, degree).Select(j => (self - j + _parties) % _parties)];
            int[] from = [-1, .. PrgReceivers];
            var ring = sharing.Ring;
            Matrices = new TR[Interpolated.Length][][];
            for (int j = 0; j < Interpolated.Length; j++) Matrices[j] = [.. sharing.Lagrange(from, Interpolated[j]).Select(c => ring.MultiplicationMatrix(c))];
        }

        /// <summary>The parties that draw their share of this party's dealing from the PRG they share with it.</summary>
        public int[] PrgReceivers { get; }

        /// <summary>The parties (this one included) whose share this party interpolates as dealer.</summary>
        public int[] Interpolated { get; }

        public int[] DealersDrawingForMe { get; }

        /// <summary>Per interpolated party, the multiplication matrices of its share's Lagrange coefficients: on the secret, then on each drawn share.</summary>
        public TR[][][] Matrices { get; }

        /// <summary>Whether <paramref name="receiver"/> draws its share of <paramref name="dealer"/>'s dealing from their PRG.</summary>
        public bool DrawsFor(int dealer, int receiver) => ((receiver - dealer + _parties) % _parties) is var gap && gap >= 1 && gap <= _degree;
    }
}
