using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Honest-majority preprocessing for 3 to 7 parties from pseudo-random replicated sharing (Cramer, Damgard and Ishai,
/// TCC 2005; Araki, Furukawa, Lindell, Nof and Ohara, CCS 2016 for three parties): secure against a semi-honest
/// adversary corrupting t = floor((N - 1) / 2) parties, because any t parties miss one component of every value.
/// Triples, AND triples and matrix triples cost no communication; a daBit costs t Beaver multiplications; a truncation
/// pair 3 to 5 daBits and a binary adder.
/// </summary>
/// <remarks>
/// A random value is the sum of one component per t-subset A of the parties (<see cref="ReplicatedSharingPlan"/>),
/// drawn by the N - t parties outside A from the PRG of a key only they know (ReplicatedPreprocessing.Keys.cs). The
/// product of two such values is the sum of the cross terms x_A y_B, each computed by one party holding both; a
/// party's additive share is its cross terms (or, for a and b, the components it owns) plus a pseudo-random zero
/// sharing from the pairwise seeds, sum over peers j of ±G(i, j), which the t others cannot complete, so shares look
/// independent to any t parties. daBits are in ReplicatedPreprocessing.DaBits.cs; masked bits are composed from them as
/// by oblivious transfer; truncation pairs are dealt by t + 1 parties and fixed by a carry adder
/// (ReplicatedPreprocessing.DealtTruncation.cs), and with three or four parties (t = 1) the runtime uses pairs dealt by a
/// helper instead (ReplicatedPreprocessing.Truncation.cs), which with more parties a coalition of the helper and one
/// computing party would defeat. Products are made by resharing (<see cref="IResharingMultiplication{T}"/>), with the
/// components' values from <see cref="GetResharingComponentsAsync"/>. Every draw happens in request order (SPMD), as
/// with the dealer.
/// </remarks>
public sealed partial class ReplicatedPreprocessing<T> : IPreprocessing<T>, IAssistedTruncation<T>, IResharingMultiplication<T>, IDisposable where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>The preprocessing mode's name in requests, transcripts and results.</summary>
    public const string ModeName = "replicated";

    private static readonly int K = RingArithmetic<T>.Bits;
    private readonly CountingChannel _channel;
    private readonly PairwiseSeeds _seeds;
    private readonly ReplicatedSharingPlan _plan;
    private readonly int[] _held;
    private readonly string _ring;
    private readonly CancellationToken _cancellation;
    // Per component this party holds, its PRG (set once the keys are agreed); per peer, the zero-sharing and truncation PRGs.
    private readonly AesCtrRandom?[] _components;
    private readonly AesCtrRandom?[] _zeroWith;
    private readonly AesCtrRandom?[] _truncationWith;
    // This party's own values as a dealer of truncation pairs, and per peer the PRG of the shares a dealer gives it.
    private readonly AesCtrRandom _own;
    private readonly AesCtrRandom?[] _dealingWith;
    private readonly Lock _draw = new();
    // Completes when every earlier request has drawn; null until the first request starts the key agreement.
    private Task? _drawn;
    private long _daBitBatches;
    private long _truncationBatches;

    public ReplicatedPreprocessing(IPartyChannel channel, PairwiseSeeds seeds, CancellationToken cancellation = default)
        : this(channel, seeds, AesCtrRandom.NewSeed(), cancellation)
    {
    }

    /// <summary>With the seed of this party's own values as a dealer given: for tests of what a coalition sees.</summary>
    internal ReplicatedPreprocessing(IPartyChannel channel, PairwiseSeeds seeds, byte[] ownSeed, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(seeds);
        if (channel.PartyCount < 3 || channel.PartyCount > ReplicatedSharingPlan.MaxParties)
            throw new ArgumentException(ErrorMessages.HonestMajorityPartyCount(channel.PartyCount, ReplicatedSharingPlan.MaxParties), nameof(channel));
        if (seeds.PartyCount != channel.PartyCount || seeds.PartyIndex != channel.PartyIndex)
            throw new ArgumentException(ErrorMessages.SeedsDoNotMatchChannel(seeds.PartyIndex, seeds.PartyCount, channel.PartyIndex, channel.PartyCount), nameof(seeds));
        _channel = new CountingChannel(channel);
        _seeds = seeds;
        _cancellation = cancellation;
        _own = new AesCtrRandom(ownSeed);
        int self = channel.PartyIndex, parties = channel.PartyCount;
        _plan = new ReplicatedSharingPlan(parties);
        _held = _plan.HeldBy(self);
        _components = new AesCtrRandom?[_plan.ComponentCount];
        _zeroWith = new AesCtrRandom?[parties];
        _truncationWith = new AesCtrRandom?[parties];
        _dealingWith = new AesCtrRandom?[parties];
        // Labels keep these streams apart from the zero sharing the runtime keys with the same seeds.
        _ring = typeof(T).Name;
        for (int peer = 0; peer < parties; peer++)
        {
            if (peer == self) continue;
            _zeroWith[peer] = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds.SeedWith(peer), "mpc/replicated/zero/" + _ring));
            _truncationWith[peer] = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds.SeedWith(peer), "mpc/replicated/truncation/" + _ring));
            _dealingWith[peer] = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds.SeedWith(peer), "mpc/replicated/dealing/" + _ring));
        }
        // With three parties every key is a pairwise seed: nothing to send, so the keys are ready now.
        if (parties == 3) _drawn = AgreeKeysAsync();
    }

    public string Mode => ModeName;

    /// <summary>Bytes this party has sent for preprocessing (component keys, the daBits' Beaver openings, the truncation pairs' adders, the helper's truncation shares).</summary>
    public long BytesSent => _channel.BytesSent;

    /// <summary>Whether this engine deals truncation pairs through a helper: with three or four parties (no two collude).</summary>
    public bool OffersAssistedTruncation => _plan.Threshold == 1;

    /// <summary>Whether the runtime multiplies by resharing (Multiplication.Resharing*.cs): always, with 3 to 7 parties.</summary>
    public bool OffersResharingMultiplication => true;

    public ReplicatedSharingPlan Plan => _plan;

    public ValueTask<ResharingComponents<T>> GetResharingComponentsAsync(int length, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return InOrderAsync(() => new ResharingComponents<T>(Components(length)));
    }

    public ValueTask<BeaverTriples<T>> GetTriplesAsync(int count, CancellationToken cancellationToken) => InOrderAsync(() => DrawTriples(count));

    public ValueTask<MatrixTriple<T>> GetMatrixTripleAsync(int rows, int inner, int columns, CancellationToken cancellationToken)
    {
        int na = checked(rows * inner), nb = checked(inner * columns), nc = checked(rows * columns);
        return InOrderAsync(() =>
        {
            var a = Components(na);
            var b = Components(nb);
            var c = CrossTerms(a, b, nc, AddInPlace, (x, y, into) => RingArithmetic<T>.MatrixMultiply(x, y, into, rows, inner, columns));
            return new MatrixTriple<T>(Rerandomise(Owned(a, na)), Rerandomise(Owned(b, nb)), Rerandomise(c), rows, inner, columns);
        });
    }

    public ValueTask<BinaryTriples> GetBinaryTriplesAsync(int words, CancellationToken cancellationToken) => InOrderAsync(() => DrawBinaryTriples(words));

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
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (shift <= 0 || shift > K - 2) throw new ArgumentOutOfRangeException(nameof(shift), ErrorMessages.TruncationShiftOutOfRange(shift, K));
        // No pairs, no draws: every party asks for the same sizes, so all skip alike.
        if (count == 0) return new TruncationPairs<T>([], [], [], shift);
        return await DealtPairsAsync(count, shift, cancellationToken).ConfigureAwait(false);
    }

    // Runs the draw after every earlier request's (and the key agreement), so all parties draw in request order.
    private ValueTask<TResult> InOrderAsync<TResult>(Func<TResult> draw)
    {
        Task previous;
        TaskCompletionSource mine;
        lock (_draw)
        {
            _drawn ??= Task.Run(AgreeKeysAsync);
            if (_drawn.IsCompletedSuccessfully) return ValueTask.FromResult(draw());
            previous = _drawn;
            mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drawn = mine.Task;
        }
        return new ValueTask<TResult>(DrawAfterAsync(previous, mine, draw));
    }

    private async Task<TResult> DrawAfterAsync<TResult>(Task previous, TaskCompletionSource mine, Func<TResult> draw)
    {
        try
        {
            await previous.ConfigureAwait(false);
            TResult result;
            lock (_draw) result = draw();
            mine.SetResult();
            return result;
        }
        catch (Exception e)
        {
            // Later requests fail with the same cause rather than wait for a draw that never comes.
            mine.TrySetException(e);
            throw;
        }
    }

    private BeaverTriples<T> DrawTriples(int count)
    {
        var a = Components(count);
        var b = Components(count);
        var c = CrossTerms(a, b, count, AddInPlace, (x, y, into) => RingArithmetic<T>.Multiply(x, y, into));
        return new BeaverTriples<T>(Rerandomise(Owned(a, count)), Rerandomise(Owned(b, count)), Rerandomise(c));
    }

    // The held components of count fresh values (null where this party misses the component).
    private T[]?[] Components(int count)
    {
        var result = new T[]?[_components.Length];
        foreach (int c in _held) result[c] = _components[c]!.NextRing<T>(count);
        return result;
    }

    private ulong[]?[] BitComponents(int words)
    {
        var result = new ulong[]?[_components.Length];
        foreach (int c in _held) result[c] = _components[c]!.NextRing<ulong>(words);
        return result;
    }

    private T[] Owned(T[]?[] components, int length) => Sum(components, length, c => _plan.Owner(c) == _channel.PartyIndex, AddInPlace);

    private ulong[] OwnedBits(ulong[]?[] components, int words) => Sum(components, words, c => _plan.Owner(c) == _channel.PartyIndex, XorInPlace);

    private static void AddInPlace(T[] accumulator, T[] b) => RingArithmetic<T>.AddInPlace(accumulator, b);

    private static void XorInPlace(ulong[] accumulator, ulong[] b) => BitSlicing.Xor(accumulator, b, accumulator);

    private static TE[] Sum<TE>(TE[]?[] components, int length, Func<int, bool> include, Action<TE[], TE[]> add)
    {
        var result = new TE[length];
        for (int c = 0; c < components.Length; c++)
            if (components[c] is { } component && include(c)) add(result, component);
        return result;
    }

    private TE[] CrossTerms<TE>(TE[]?[] a, TE[]?[] b, int length, Action<TE[], TE[]> add, Action<TE[], TE[], TE[]> multiply) =>
        _plan.SumCrossTerms(_channel.PartyIndex, a, b, length, add, multiply);

    // Adds G(i, j) for each peer j above i and subtracts G(j, i) for each below: the parties' masks sum to 0.
    private T[] Rerandomise(T[] part)
    {
        int self = _channel.PartyIndex;
        for (int peer = 0; peer < _zeroWith.Length; peer++)
        {
            if (peer == self) continue;
            var mask = _zeroWith[peer]!.NextRing<T>(part.Length);
            if (peer > self) RingArithmetic<T>.AddInPlace(part, mask);
            else RingArithmetic<T>.SubtractInPlace(part, mask);
        }
        return part;
    }

    private ulong[] RerandomiseBits(ulong[] part)
    {
        int self = _channel.PartyIndex;
        for (int peer = 0; peer < _zeroWith.Length; peer++)
            if (peer != self) XorInPlace(part, _zeroWith[peer]!.NextRing<ulong>(part.Length));
        return part;
    }

    public void Dispose()
    {
        foreach (var random in _components.Concat(_zeroWith).Concat(_truncationWith).Concat(_dealingWith)) random?.Dispose();
        _own.Dispose();
    }
}
