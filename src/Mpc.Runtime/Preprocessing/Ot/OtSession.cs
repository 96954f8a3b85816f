namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// This party's OT extension instances with every peer: one as sender (this party holds Delta)
/// and one as receiver (SoftSpoken, k = 2). The instance from the lower party index to the higher is set up by 128 base OTs,
/// the other from 128 OTs extended on it (no base OTs), or, for an engine that only makes daBits, not at all. Instance
/// "s to r" uses the tag <see cref="PreprocessingTags.Setup"/>(s, r).
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

    public SoftSpokenSender SenderTo(int peer) => Instance(_senders, peer, Channel.PartyIndex, peer);

    public SoftSpokenReceiver ReceiverFrom(int peer) => Instance(_receivers, peer, peer, Channel.PartyIndex);

    private TInstance Instance<TInstance>(TInstance?[] instances, int peer, int sender, int receiver) where TInstance : class
    {
        if (peer < 0 || peer >= instances.Length || peer == Channel.PartyIndex) throw new ArgumentOutOfRangeException(nameof(peer));
        return instances[peer] ?? throw new InvalidOperationException(RuntimeErrors.ObliviousTransferInstanceNotSetUp(sender, receiver));
    }

    /// <summary>
    /// Runs the base OTs with all peers at once and derives the other direction of each pair from them, or with
    /// <paramref name="ascendingOnly"/> sets up the instances from a lower party index to a higher one only (all that daBits use).
    /// </summary>
    public static async Task<OtSession> SetupAsync(IPartyChannel channel, int ringBits, CancellationToken cancellationToken, bool ascendingOnly = false)
    {
        ArgumentNullException.ThrowIfNull(channel);
        int n = channel.PartyCount, self = channel.PartyIndex;
        var senders = new Task<SoftSpokenSender>?[n];
        var receivers = new Task<SoftSpokenReceiver>?[n];
        for (int peer = 0; peer < n; peer++)
        {
            if (peer == self) continue;
            int p = peer;
            long up = PreprocessingTags.Setup(ringBits, self, p), down = PreprocessingTags.Setup(ringBits, p, self);
            if (self < p)
            {
                var sender = Task.Run(() => SoftSpokenSender.SetupAsync(channel, p, up, cancellationToken), cancellationToken);
                senders[p] = sender;
                if (!ascendingOnly)
                    receivers[p] = Task.Run(async () => await SoftSpokenReceiver.SetupFromReverseAsync(channel, p, down, await sender.ConfigureAwait(false), cancellationToken).ConfigureAwait(false), cancellationToken);
            }
            else
            {
                var receiver = Task.Run(() => SoftSpokenReceiver.SetupAsync(channel, p, down, cancellationToken), cancellationToken);
                receivers[p] = receiver;
                if (!ascendingOnly)
                    senders[p] = Task.Run(async () => await SoftSpokenSender.SetupFromReverseAsync(channel, p, up, await receiver.ConfigureAwait(false), cancellationToken).ConfigureAwait(false), cancellationToken);
            }
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
