using System.Numerics;
using System.Runtime.InteropServices;
using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Dealer-free preprocessing from oblivious transfer between every pair of parties, in the style
/// of MP-SPDZ's semi2k (Keller, CCS 2020): base OTs (Chou-Orlandi), SoftSpoken OT extension (k = 2), and
/// Gilboa products. Secure against a semi-honest adversary corrupting up to N-1 parties, like the
/// rest of the runtime: each party's contributions are fresh local randomness, and each pairwise
/// product reveals nothing to either side beyond its own share.
/// </summary>
/// <remarks>
/// What each item costs, per ordered pair of parties (k = ring bits):
/// Beaver triple: this party draws a_i, b_i; c_i = a_i b_i + shares of a_j b_i and a_i b_j, k OTs
/// each way. AND triple: the same over GF(2), one OT per bit each way. daBit: each party draws a
/// bit s_i; the binary sharing is (s_i); the arithmetic sharing folds x XOR s = x + s - 2xs party
/// by party, one OT per pair (N-1 rounds). edaBit and truncation pair: k daBits, r = sum 2^t b_t,
/// with r &gt;&gt; shift and the top bit taken from the same bits. Matrix triple (n x m by m x p):
/// m * min(n, p) * k OTs with vector corrections of max(n, p) elements. Private product L U with L (n x m) known to
/// one party: with every other party, m * p * k OTs chosen by that party's share of U, with vector corrections of n
/// elements (the columns of L); no triple and no sharing of L.
/// Triples, AND triples and daBits are made in batches for what is asked for (at least a small minimum batch), or ahead of the
/// requests where a protocol forecasts them (<see cref="BatchPool{TBatch}"/>, <see cref="IPreprocessingForecast"/>): less than one
/// minimum batch is made and left unused.
/// </remarks>
public sealed partial class OtPreprocessing<T> : IPreprocessing<T>, IPrivateProducts<T>, IPreprocessingForecast, IDisposable where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private static readonly int K = RingArithmetic<T>.Bits;
    private readonly CountingChannel _channel;
    private readonly CancellationToken _cancellation;
    private readonly AesCtrRandom _random = AesCtrRandom.CreateFromSystem();
    private readonly object _randomLock = new();
    private readonly BatchPool<TripleBatch<T>> _triples;
    private readonly BatchPool<TripleBatch<ulong>> _binary;
    private readonly BatchPool<DaBitBatch> _daBits;
    private readonly List<Task> _matrixTasks = [];
    private readonly bool _daBitsOnly;
    private Task<OtSession>? _session;
    private long _matrixCount;
    private long _privateCount;
    private long _maskedBitDaBits;
    private long _truncationDaBits;

    /// <param name="channel">The connections to every peer.</param>
    /// <param name="cancellation">Ends the engine's productions.</param>
    /// <param name="daBitsOnly">
    /// An engine asked for daBits (and the masked bits and truncation pairs made of them) only, as the Shamir engine's: it sets up
    /// the OT extension instances from lower to higher party indices alone (not the other direction's, derived from them); any other item then fails.
    /// </param>
    public OtPreprocessing(IPartyChannel channel, CancellationToken cancellation = default, bool daBitsOnly = false)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (channel.PartyCount < 2) throw new ArgumentException(ErrorMessages.PartyCountOutOfRange(channel.PartyCount), nameof(channel));
        _channel = new CountingChannel(channel);
        _cancellation = cancellation;
        _daBitsOnly = daBitsOnly;
        // Batch sizes grow from small (a short session pays little) to a cap that bounds memory. A batch runs OT with every
        // peer at once, so beyond 5 parties the caps shrink with the peers: a party's batch memory stays that of 5 parties.
        int peers = channel.PartyCount - 1;
        int Cap(int cap, int granularity) => Math.Max(granularity, (int)((long)cap * Math.Min(peers, 4) / peers) / granularity * granularity);
        // A request that finds too few starts at least a small batch, so a run of small requests pays one production's round trips.
        _triples = new BatchPool<TripleBatch<T>>(ProduceTriplesAsync, 1024, Cap(K == 64 ? 1 << 13 : 1 << 12, 2), 2, 64);
        _binary = new BatchPool<TripleBatch<ulong>>(ProduceBinaryAsync, 256, Cap(1 << 13, 2), 2, 16);
        _daBits = new BatchPool<DaBitBatch>(ProduceDaBitsAsync, 8192, Cap(1 << 18, 128), 128, 512);
    }

    public string Mode => "ot";

    /// <summary>Bytes this party has sent for preprocessing (base OTs, extensions, corrections).</summary>
    public long BytesSent => _channel.BytesSent;

    /// <summary>
    /// What this party's engine made, handed out and sent, per kind of item (daBits also by what they were taken for: a masked
    /// bit or a truncation pair takes k daBits).
    /// </summary>
    public IReadOnlyList<PreprocessingUsage> Usage
    {
        get
        {
            int ring = K == 128 ? 32 : 0;
            long Bytes(int kind) => _channel.BytesSentOfKind(kind | ring);
            long masked = Interlocked.Read(ref _maskedBitDaBits), truncation = Interlocked.Read(ref _truncationDaBits);
            return
            [
                new($"OT setup (base OTs, derived directions), Z_2^{K}", 0, 0, Bytes(PreprocessingTags.SetupKind)),
                new($"triples, Z_2^{K}", _triples.Produced, _triples.Reserved, Bytes(PreprocessingTags.Triples)),
                new("AND triples (64-bit words)", _binary.Produced, _binary.Reserved, Bytes(PreprocessingTags.BinaryTriples)),
                new($"daBits, Z_2^{K}", _daBits.Produced, _daBits.Reserved, Bytes(PreprocessingTags.DaBits)),
                new("  of which for masked bits", 0, masked, 0),
                new("  of which for truncation pairs", 0, truncation, 0),
                new($"matrix triples, Z_2^{K}", Interlocked.Read(ref _matrixCount), Interlocked.Read(ref _matrixCount), Bytes(PreprocessingTags.MatrixTriples)),
                new($"private products, Z_2^{K}", Interlocked.Read(ref _privateCount), Interlocked.Read(ref _privateCount), Bytes(PreprocessingTags.PrivateProducts)),
            ];
        }
    }

    private int Self => _channel.PartyIndex;

    private int Parties => _channel.PartyCount;

    public void Forecast(int triples, int binaryWords, int daBits)
    {
        if (triples > 0 || binaryWords > 0) RequireBothDirections("triples");
        _triples.Forecast(triples);
        _binary.Forecast(binaryWords);
        _daBits.Forecast(daBits);
    }

    public async ValueTask<BeaverTriples<T>> GetTriplesAsync(int count, CancellationToken cancellationToken)
    {
        RequireBothDirections("triples");
        var (a, b, c) = await GatherAsync(_triples, count, cancellationToken).ConfigureAwait(false);
        return new BeaverTriples<T>(a, b, c);
    }

    public async ValueTask<BinaryTriples> GetBinaryTriplesAsync(int words, CancellationToken cancellationToken)
    {
        RequireBothDirections("AND triples");
        var (a, b, c) = await GatherAsync(_binary, words, cancellationToken).ConfigureAwait(false);
        return new BinaryTriples(a, b, c);
    }

    // A daBits-only engine refuses other items here, before any production starts: its peers would otherwise wait on OTs in the
    // directions it never set up.
    private void RequireBothDirections(string item)
    {
        if (_daBitsOnly) throw new InvalidOperationException(RuntimeErrors.DaBitsOnlyEngine(item));
    }

    // Copies the reserved pieces of (ring or word) triples into one contiguous triple.
    private static async Task<(TItem[] A, TItem[] B, TItem[] C)> GatherAsync<TItem>(BatchPool<TripleBatch<TItem>> pool, int count, CancellationToken cancellationToken)
    {
        var pieces = pool.Reserve(count);
        var (a, b, c) = (new TItem[count], new TItem[count], new TItem[count]);
        int at = 0;
        foreach (var (task, offset, n) in pieces)
        {
            var batch = await task.WaitAsync(cancellationToken).ConfigureAwait(false);
            batch.A.AsSpan(offset, n).CopyTo(a.AsSpan(at));
            batch.B.AsSpan(offset, n).CopyTo(b.AsSpan(at));
            batch.C.AsSpan(offset, n).CopyTo(c.AsSpan(at));
            at += n;
        }
        return (a, b, c);
    }

    public async ValueTask<DaBits<T>> GetDaBitsAsync(int count, CancellationToken cancellationToken)
    {
        var (arithmetic, bits) = await TakeDaBitsAsync(count, cancellationToken).ConfigureAwait(false);
        return new DaBits<T>(arithmetic, bits, count);
    }

    public async ValueTask<MaskedBits<T>> GetMaskedBitsAsync(int count, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _maskedBitDaBits, (long)K * count);
        var (arithmetic, bits) = await TakeDaBitsAsync(checked(K * count), cancellationToken).ConfigureAwait(false);
        return DaBitComposition.MaskedBits(arithmetic, bits, count);
    }

    public async ValueTask<TruncationPairs<T>> GetTruncationPairsAsync(int count, int shift, CancellationToken cancellationToken)
    {
        if (shift <= 0 || shift > K - 2) throw new ArgumentOutOfRangeException(nameof(shift), ErrorMessages.TruncationShiftOutOfRange(shift, K));
        Interlocked.Add(ref _truncationDaBits, (long)K * count);
        var (arithmetic, _) = await TakeDaBitsAsync(checked(K * count), cancellationToken).ConfigureAwait(false);
        return DaBitComposition.TruncationPairs(arithmetic, count, shift);
    }

    private async Task<(T[] Arithmetic, ulong[] Bits)> TakeDaBitsAsync(int count, CancellationToken cancellationToken)
    {
        var pieces = _daBits.Reserve(count);
        var arithmetic = new T[count];
        var bits = new ulong[BitSlicing.WordsFor(count)];
        int at = 0;
        foreach (var (task, offset, n) in pieces)
        {
            var batch = await task.WaitAsync(cancellationToken).ConfigureAwait(false);
            batch.Arithmetic.AsSpan(offset, n).CopyTo(arithmetic.AsSpan(at));
            for (int i = 0; i < n; i++)
            {
                int source = offset + i, target = at + i;
                bits[target >> 6] |= ((batch.Bits[source >> 6] >> (source & 63)) & 1UL) << (target & 63);
            }
            at += n;
        }
        return (arithmetic, bits);
    }

    private Task<OtSession> SessionAsync()
    {
        lock (_randomLock) return _session ??= OtSession.SetupAsync(_channel, K, _cancellation, ascendingOnly: _daBitsOnly);
    }

    private T[] RandomRing(int count)
    {
        lock (_randomLock) return _random.NextRing<T>(count);
    }

    private ulong[] RandomWords(int count)
    {
        lock (_randomLock) return _random.NextRing<ulong>(count);
    }

    private sealed record TripleBatch<TItem>(TItem[] A, TItem[] B, TItem[] C);

    private sealed record DaBitBatch(T[] Arithmetic, ulong[] Bits);

    public void Dispose()
    {
        // Batches started ahead are finished, not abandoned: the peers run the same batches and expect these messages.
        var pending = _triples.Started.Concat(_binary.Started).Concat(_daBits.Started).Concat(_matrixTasks).ToArray();
        try
        {
            Task.WaitAll(pending, TimeSpan.FromSeconds(60));
        }
        catch (AggregateException)
        {
        }
        if (_session is { IsCompletedSuccessfully: true }) _session.Result.Dispose();
        _random.Dispose();
    }
}
