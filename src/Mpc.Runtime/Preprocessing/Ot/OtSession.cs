namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// This party's OT extension instances with every peer: one as sender (this party holds Delta)
/// and one as receiver (SoftSpoken, k = 2), set up by 2 x 128 base OTs per pair. Instance "s to r" uses the base-OT
/// tag <see cref="PreprocessingTags.Setup"/>(s, r).
/// </summary>
public sealed class OtSession : IDisposable
{
    private readonly SoftSpokenSender?[] _senders;
    private readonly SoftSpokenReceiver?[] _receivers;
    private readonly ThreadLocal<CorrelationRobustHash> _hash = new(() => new CorrelationRobustHash(), trackAllValues: true);

    private OtSession(IPartyChannel channel, SoftSpokenSender?[] senders, SoftSpokenReceiver?[] receivers)
    {
        Channel = channel;
        _senders = senders;
        _receivers = receivers;
    }

    public IPartyChannel Channel { get; }

    /// <summary>A session over given instances (tests).</summary>
    internal static OtSession FromInstances(IPartyChannel channel, SoftSpokenSender?[] senders, SoftSpokenReceiver?[] receivers) => new(channel, senders, receivers);

    /// <summary>The fixed-key hash for the calling thread (AES objects are not shared between threads).</summary>
    public CorrelationRobustHash Hash => _hash.Value!;

    public SoftSpokenSender SenderTo(int peer) => _senders[peer] ?? throw new ArgumentOutOfRangeException(nameof(peer));

    public SoftSpokenReceiver ReceiverFrom(int peer) => _receivers[peer] ?? throw new ArgumentOutOfRangeException(nameof(peer));

    /// <summary>Runs the base OTs with all peers at once.</summary>
    public static async Task<OtSession> SetupAsync(IPartyChannel channel, int ringBits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        int n = channel.PartyCount, self = channel.PartyIndex;
        var senders = new Task<SoftSpokenSender>?[n];
        var receivers = new Task<SoftSpokenReceiver>?[n];
        for (int peer = 0; peer < n; peer++)
        {
            if (peer == self) continue;
            int p = peer;
            senders[p] = Task.Run(() => SoftSpokenSender.SetupAsync(channel, p, PreprocessingTags.Setup(ringBits, self, p), cancellationToken), cancellationToken);
            receivers[p] = Task.Run(() => SoftSpokenReceiver.SetupAsync(channel, p, PreprocessingTags.Setup(ringBits, p, self), cancellationToken), cancellationToken);
        }
        var all = senders.Where(t => t is not null).Cast<Task>().Concat(receivers.Where(t => t is not null).Cast<Task>()).ToArray();
        try
        {
            await Task.WhenAll(all).ConfigureAwait(false);
        }
        catch
        {
            foreach (var t in senders) if (t is { IsCompletedSuccessfully: true }) t.Result.Dispose();
            foreach (var t in receivers) if (t is { IsCompletedSuccessfully: true }) t.Result.Dispose();
            throw;
        }
        return new OtSession(channel, senders.Select(t => t?.Result).ToArray(), receivers.Select(t => t?.Result).ToArray());
    }

    public void Dispose()
    {
        foreach (var s in _senders) s?.Dispose();
        foreach (var r in _receivers) r?.Dispose();
        foreach (var h in _hash.Values) h.Dispose();
        _hash.Dispose();
    }
}
