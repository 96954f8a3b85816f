namespace Mpc.Runtime;

/// <summary>
/// Point-to-point messaging between the parties of one session. A message is addressed by the
/// sending round's tag (the program counter), so a message that arrives early waits for its
/// receiver. Implementations: the in-memory network of the local harness; TLS connections between
/// party daemons.
/// </summary>
public interface IPartyChannel
{
    int PartyIndex { get; }

    int PartyCount { get; }

    /// <summary>The roster name of a party, for error messages and logs.</summary>
    string GetPartyName(int index);

    /// <summary>Sends a payload to a peer; the channel may keep a reference until the returned task completes, so callers must not reuse it before.</summary>
    ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>
    /// Sends one payload to every other party under one tag, as <see cref="SendAsync"/> to each. A channel that relays
    /// (a script worker's pipe to its daemon) hands it on once instead of once a peer.
    /// </summary>
    async ValueTask SendToAllAsync(long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var sends = new List<Task>(PartyCount - 1);
        for (int peer = 0; peer < PartyCount; peer++)
            if (peer != PartyIndex) sends.Add(SendAsync(peer, tag, payload, cancellationToken).AsTask());
        await Task.WhenAll(sends).ConfigureAwait(false);
    }

    /// <summary>Receives the payload a peer sent with this tag; aborts with <see cref="ProtocolAbortedException"/> when the peer fails or times out.</summary>
    ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken);

    /// <summary>
    /// Hands back a received payload this party will not read again, so the channel may fill the array with a later
    /// message of the same size (multi-megabyte OT messages recur batch after batch). Only for arrays nothing else
    /// references any more; a channel without a pool ignores it.
    /// </summary>
    void Release(byte[] payload)
    {
    }
}
