using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime;

/// <summary>
/// One party's state in one session: who it is, how it talks to the others, where its
/// preprocessing comes from, its fixed-point format, its pairwise PRGs and the reveal policy.
/// Protocols take it explicitly; there is no global state.
/// </summary>
/// <remarks>
/// Security model: additive secret sharing over Z_2^k among N &gt;= 2 parties, semi-honest
/// (passive) adversary corrupting up to N-1 parties (dishonest majority). Every party must run the
/// same program on the same public shapes (SPMD): message tags are a program counter.
/// </remarks>
public sealed class MpcRuntime<T> : IDisposable where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly ZeroSharing<T> _zeroSharing;
    private readonly Lazy<ZeroSharing<ulong>> _wordZeroSharing;
    private readonly Lazy<ZeroSharing<ulong>> _bitZeroSharing;
    private readonly PairwiseSeeds _seeds;
    private readonly Dictionary<int, AesCtrRandom> _inputStreams = [];
    private long _tag;

    public MpcRuntime(IPartyChannel channel, IPreprocessing<T> preprocessing, FixedPointFormat format, PairwiseSeeds seeds,
        IRevealPolicy revealPolicy, CancellationToken cancellation = default, IOutputSink? outputs = null)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(preprocessing);
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(revealPolicy);
        format.CheckRing<T>();
        if (channel.PartyCount < 2) throw new ArgumentException(ErrorMessages.PartyCountOutOfRange(channel.PartyCount), nameof(channel));
        if (seeds.PartyIndex != channel.PartyIndex || seeds.PartyCount != channel.PartyCount)
            throw new ArgumentException(RuntimeErrors.SeedsOfAnotherParty, nameof(seeds));
        Channel = channel;
        Preprocessing = preprocessing;
        Format = format;
        RevealPolicy = revealPolicy;
        Cancellation = cancellation;
        Outputs = outputs;
        _zeroSharing = new ZeroSharing<T>(seeds);
        _seeds = seeds;
        // Its own streams, whatever T is: a 64-bit runtime's ring sharing must not hand out the same masks again.
        _wordZeroSharing = new(() => new ZeroSharing<ulong>(seeds, "mpc/zero-sharing/words"));
        _bitZeroSharing = new(() => new ZeroSharing<ulong>(seeds, "mpc/zero-sharing/bits"));
        LocalRandom = AesCtrRandom.CreateFromSystem();
    }

    public IPartyChannel Channel { get; }

    public IPreprocessing<T> Preprocessing { get; }

    public FixedPointFormat Format { get; }

    public IRevealPolicy RevealPolicy { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>Where declared outputs go (the analyst); null when the runtime has no analyst.</summary>
    public IOutputSink? Outputs { get; }

    public int PartyIndex => Channel.PartyIndex;

    public int PartyCount => Channel.PartyCount;

    /// <summary>Party 0 adds public constants to its share; the others add nothing.</summary>
    public bool IsLeader => Channel.PartyIndex == 0;

    public string PartyName => Channel.GetPartyName(Channel.PartyIndex);

    /// <summary>This party's private CSPRNG (AES-CTR keyed from the OS RNG).</summary>
    public AesCtrRandom LocalRandom { get; }

    public RuntimeStatistics Statistics { get; } = new();

    /// <summary>Ring width k.</summary>
    public static int RingBits => RingArithmetic<T>.Bits;

    /// <summary>The next program-counter tag; every party draws tags in the same order.</summary>
    public long NextTag()
    {
        Statistics.RecordRound();
        return ++_tag;
    }

    /// <summary>This party's share of a fresh pseudo-random sharing of zeros.</summary>
    public T[] NextZeroShares(int count) => _zeroSharing.Next(count);

    /// <summary>
    /// count ring elements from the stream this party shares with <paramref name="peer"/> for replicated inputs (its own label, so
    /// it never repeats a zero share's mask); both parties draw the same values when they call in the same order.
    /// </summary>
    internal T[] NextPairwiseInputMask(int peer, int count)
    {
        if (!_inputStreams.TryGetValue(peer, out var stream))
            _inputStreams[peer] = stream = new AesCtrRandom(AesCtrRandom.DeriveSeed(_seeds.SeedWith(peer), "mpc/replicated-input/" + typeof(T).Name));
        var values = new T[count];
        stream.Fill<T>(values);
        return values;
    }

    /// <summary>This party's share of a fresh pseudo-random sharing of zeros in Z_2^64, whatever the runtime's ring (sums known to fit 64 bits).</summary>
    public ulong[] NextWordZeroShares(int count) => _wordZeroSharing.Value.Next(count);

    /// <summary>This party's XOR share of fresh pseudo-random zero words (bit-sliced gates; streams of their own).</summary>
    internal ulong[] NextBitZeroShares(int words) => _bitZeroSharing.Value.NextXor(words);

    /// <summary>Throws when the secret belongs to another runtime.</summary>
    public void CheckOwns(Secret<T> value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!ReferenceEquals(value.Runtime, this)) throw new ArgumentException(RuntimeErrors.WrongRuntime(), nameof(value));
    }

    internal async Task SendAllAsync(long tag, byte[] payload)
    {
        for (int peer = 0; peer < PartyCount; peer++)
            if (peer != PartyIndex) Statistics.RecordSend(payload.Length);
        await Channel.SendToAllAsync(tag, payload, Cancellation).ConfigureAwait(false);
    }

    internal async Task SendAsync(int peer, long tag, byte[] payload)
    {
        Statistics.RecordSend(payload.Length);
        await Channel.SendAsync(peer, tag, payload, Cancellation).ConfigureAwait(false);
    }

    internal ValueTask<byte[]> ReceiveAsync(int peer, long tag) => Channel.ReceiveAsync(peer, tag, Cancellation);

    public void Dispose()
    {
        _zeroSharing.Dispose();
        if (_wordZeroSharing.IsValueCreated) _wordZeroSharing.Value.Dispose();
        if (_bitZeroSharing.IsValueCreated) _bitZeroSharing.Value.Dispose();
        LocalRandom.Dispose();
        foreach (var stream in _inputStreams.Values) stream.Dispose();
        (Preprocessing as IDisposable)?.Dispose();
    }
}
