using Mpc.Core;

namespace Mpc.Runtime.Harness;

/// <summary>
/// An in-process network of N parties: one <see cref="TagMailbox"/> per receiving party. For unit and
/// property tests of the runtime; daemons use TLS channels instead.
/// </summary>
public sealed class InMemoryNetwork
{
    private readonly TagMailbox[] _mailboxes;
    private readonly string[] _names;

    public InMemoryNetwork(int partyCount, TimeSpan receiveTimeout)
    {
        if (partyCount < 2) throw new ArgumentOutOfRangeException(nameof(partyCount), ErrorMessages.PartyCountOutOfRange(partyCount));
        PartyCount = partyCount;
        ReceiveTimeout = receiveTimeout;
        _names = LocalPartyNames.For(partyCount).ToArray();
        _mailboxes = Enumerable.Range(0, partyCount).Select(_ => new TagMailbox(_names, receiveTimeout)).ToArray();
    }

    public int PartyCount { get; }

    public TimeSpan ReceiveTimeout { get; }

    /// <summary>The channel of one party.</summary>
    public IPartyChannel GetChannel(int partyIndex)
    {
        if (partyIndex < 0 || partyIndex >= PartyCount) throw new ArgumentOutOfRangeException(nameof(partyIndex), ErrorMessages.PartyIndexOutOfRange(partyIndex, PartyCount));
        return new Channel(this, partyIndex);
    }

    private sealed class Channel(InMemoryNetwork network, int self) : IPartyChannel
    {
        public int PartyIndex => self;

        public int PartyCount => network.PartyCount;

        public string GetPartyName(int index) => network._names[index];

        public ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Copy so the receiver owns its bytes, as it would after a real network hop.
            if (network._mailboxes[peer].TryDeliver(self, tag, payload.ToArray()) is { } problem)
                throw new ProtocolAbortedException(problem, GetPartyName(self));
            return ValueTask.CompletedTask;
        }

        public ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken) =>
            network._mailboxes[self].ReceiveAsync(peer, tag, cancellationToken);
    }
}
