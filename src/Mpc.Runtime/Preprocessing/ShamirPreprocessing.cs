using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Honest-majority preprocessing for 8 or more parties from Shamir sharing over the Galois ring GR(2^k, d) (Abspoel,
/// Cramer, Damgard, Escudero and Yuan, TCC 2019; products by Damgard and Nielsen's king step, CRYPTO 2007): secure
/// against a semi-honest adversary corrupting t = floor((N - 1) / 2) parties. Each party sends O(N) ring elements a
/// triple, against O(N) oblivious-transfer instances of k^2 bits each with OT, and the replicated engine's C(N, t) components.
/// </summary>
/// <remarks>
/// Beaver and matrix triples come from <see cref="ShamirProducts{TR}"/> over Z_2^k. AND triples are the low bits of
/// triples over Z_2^8 (the low bit of a sum is the XOR of the low bits, and that of a product the AND), 8 times the bits
/// of a dedicated GF(2^d) construction but the same code. daBits, and the masked bits and truncation pairs composed from
/// them, come from the OT engine on the same connections (<see cref="OtPreprocessing{T}"/>: every party's bit folded in by
/// one oblivious transfer a pair), which is secure against any number of colluders and sends a few hundred bytes a daBit
/// at 20 parties, where XORing t + 1 dealt bits by t Damgard-Nielsen products sent 4.6 KB; its tags (setup and daBit kinds)
/// are apart from this engine's. It sets up only the OT extension instances daBits use (lower to higher party index), not
/// the other direction's that an OT session derives from them.
/// </remarks>
public sealed class ShamirPreprocessing<T> : IPreprocessing<T>, IPreprocessingForecast, IDisposable where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>The preprocessing mode's name in requests, transcripts and results.</summary>
    public const string ModeName = "shamir";

    /// <summary>The fewest parties this engine is offered for: below it the replicated engine costs less.</summary>
    public const int MinParties = 8;

    /// <summary>The most parties: points for them all in GR(2^k, 6).</summary>
    public const int MaxParties = (1 << GaloisRing<ulong>.MaxDegree) - 1;

    // Values per batch of products: a dealing then carries at most 3 d 2^14 ring elements (4.7 MB at d = 6 in Z_2^128).
    private const int ChunkValues = 1 << 14;
    private static readonly int K = RingArithmetic<T>.Bits;
    private readonly CountingChannel _channel;
    private readonly ShamirProducts<T> _products;
    private readonly ShamirProducts<byte> _bits;
    // daBits by oblivious transfer: a few hundred bytes a party against t Damgard-Nielsen products (4.6 KB at 20 parties).
    private readonly OtPreprocessing<T> _daBits;
    private readonly Lock _draw = new();
    // Completes when every batch of products queued so far has finished.
    private Task _queue = Task.CompletedTask;

    public ShamirPreprocessing(IPartyChannel channel, PairwiseSeeds seeds, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(seeds);
        if (channel.PartyCount < ShamirSharing<T>.MinParties || channel.PartyCount > MaxParties)
            throw new ArgumentException(RuntimeErrors.ShamirPartyCount(channel.PartyCount, ShamirSharing<T>.MinParties, MaxParties), nameof(channel));
        if (seeds.PartyCount != channel.PartyCount || seeds.PartyIndex != channel.PartyIndex)
            throw new ArgumentException(ErrorMessages.SeedsDoNotMatchChannel(seeds.PartyIndex, seeds.PartyCount, channel.PartyIndex, channel.PartyCount), nameof(seeds));
        _channel = new CountingChannel(channel);
        _products = new ShamirProducts<T>(_channel, seeds, PreprocessingTags.ShamirProducts);
        _bits = new ShamirProducts<byte>(_channel, seeds, PreprocessingTags.ShamirBinaryProducts);
        _daBits = new OtPreprocessing<T>(channel, cancellation, daBitsOnly: true);
    }

    public string Mode => ModeName;

    /// <summary>Starts the daBits ahead (the OT engine's rounds); triples are made on request, a few rounds each.</summary>
    public void Forecast(int triples, int binaryWords, int daBits) => _daBits.Forecast(0, 0, daBits);

    /// <summary>Bytes this party has sent for preprocessing (dealings, shares to the kings, the kings' openings, and the daBits' oblivious transfers).</summary>
    public long BytesSent => _channel.BytesSent + _daBits.BytesSent;

    /// <summary>The Shamir sharing the engine uses (ring, threshold, points).</summary>
    public ShamirSharing<T> Sharing => _products.Sharing;

    public async ValueTask<BeaverTriples<T>> GetTriplesAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return await Triples(count, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<MatrixTriple<T>> GetMatrixTripleAsync(int rows, int inner, int columns, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        int na = checked(rows * inner), nb = checked(inner * columns), nc = checked(rows * columns);
        var ring = _products.Sharing.Ring;
        Task<(T[] A, T[] B, T[] C)> products;
        lock (_draw) products = Queued(() => _products.ProductsAsync(na, nb, nc, (a, b, into) => ring.MultiplyMatrices(a, b, into, rows, inner, columns), cancellationToken));
        var (pa, pb, pc) = await products.ConfigureAwait(false);
        return new MatrixTriple<T>(pa, pb, pc, rows, inner, columns);
    }

    public async ValueTask<BinaryTriples> GetBinaryTriplesAsync(int words, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(words);
        Task<(byte[] A, byte[] B, byte[] C)> products;
        lock (_draw) products = Chunked(_bits, checked(words * 64), cancellationToken);
        var (a, b, c) = await products.ConfigureAwait(false);
        return new BinaryTriples(LowBits(a, words), LowBits(b, words), LowBits(c, words));
    }

    public async ValueTask<DaBits<T>> GetDaBitsAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return await _daBits.GetDaBitsAsync(count, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<MaskedBits<T>> GetMaskedBitsAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return await _daBits.GetMaskedBitsAsync(count, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<TruncationPairs<T>> GetTruncationPairsAsync(int count, int shift, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (shift <= 0 || shift > K - 2) throw new ArgumentOutOfRangeException(nameof(shift), ErrorMessages.TruncationShiftOutOfRange(shift, K));
        return await _daBits.GetTruncationPairsAsync(count, shift, cancellationToken).ConfigureAwait(false);
    }

    private Task<BeaverTriples<T>> Triples(int count, CancellationToken cancellationToken)
    {
        lock (_draw) return StartTriples(count, cancellationToken);
    }

    // Draws now (the caller holds the draw lock); the returned task communicates.
    private async Task<BeaverTriples<T>> StartTriples(int count, CancellationToken cancellationToken)
    {
        var (a, b, c) = await Chunked(_products, count, cancellationToken).ConfigureAwait(false);
        return new BeaverTriples<T>(a, b, c);
    }

    // Element-wise products in batches of at most ChunkValues, queued now (request order), so no party holds more than
    // one batch's dealings (tens of MB) at a time.
    private Task<(TR[] A, TR[] B, TR[] C)> Chunked<TR>(ShamirProducts<TR> products, int count, CancellationToken cancellationToken)
        where TR : unmanaged, IBinaryInteger<TR>, IUnsignedNumber<TR>
    {
        var ring = products.Sharing.Ring;
        var chunks = new List<Task<(TR[] A, TR[] B, TR[] C)>>();
        for (int start = 0; start < count || chunks.Count == 0; start += ChunkValues)
        {
            int n = Math.Min(ChunkValues, count - start);
            chunks.Add(Queued(() => products.ProductsAsync(n, n, n, (a, b, into) => ring.MultiplyVectors(a, b, into, n), cancellationToken)));
        }
        return Joined(chunks);
    }

    // Runs a batch once every batch queued before it has finished: every party draws its batches in the same order.
    private Task<TResult> Queued<TResult>(Func<Task<TResult>> batch)
    {
        var previous = _queue;
        var task = AfterAsync(previous, batch);
        _queue = task;
        return task;
    }

    private static async Task<TResult> AfterAsync<TResult>(Task previous, Func<Task<TResult>> batch)
    {
        await previous.ConfigureAwait(false);
        return await batch().ConfigureAwait(false);
    }

    private static async Task<(TR[] A, TR[] B, TR[] C)> Joined<TR>(List<Task<(TR[] A, TR[] B, TR[] C)>> chunks)
    {
        if (chunks.Count == 1) return await chunks[0].ConfigureAwait(false);
        var parts = await Task.WhenAll(chunks).ConfigureAwait(false);
        return ([.. parts.SelectMany(p => p.A)], [.. parts.SelectMany(p => p.B)], [.. parts.SelectMany(p => p.C)]);
    }

    private static ulong[] LowBits(byte[] shares, int words)
    {
        var packed = new ulong[words];
        for (int i = 0; i < shares.Length; i++) packed[i >> 6] |= (ulong)(shares[i] & 1) << (i & 63);
        return packed;
    }

    public void Dispose()
    {
        _products.Dispose();
        _bits.Dispose();
        _daBits.Dispose();
    }
}
