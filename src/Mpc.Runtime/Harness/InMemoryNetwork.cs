using System.Collections.Concurrent;
using Mpc.Core;

namespace Mpc.Runtime.Harness;

/// <summary>
/// An in-process network of N parties: one mailbox per ordered pair, keyed by tag. For unit and
/// property tests of the runtime; daemons use TLS channels instead.
/// </summary>
public sealed class InMemoryNetwork
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<byte[]>>[,] _mailboxes;
    private readonly string[] _names;

    public InMemoryNetwork(int partyCount, TimeSpan receiveTimeout)
    {
        if (partyCount < 2) throw new ArgumentOutOfRangeException(nameof(partyCount), ErrorMessages.PartyCountOutOfRange(partyCount));
        PartyCount = partyCount;
        ReceiveTimeout = receiveTimeout;
        _mailboxes = new ConcurrentDictionary<long, TaskCompletionSource<byte[]>>[partyCount, partyCount];
        for (int to = 0; to < partyCount; to++)
            for (int from = 0; from < partyCount; from++)
                _mailboxes[to, from] = new ConcurrentDictionary<long, TaskCompletionSource<byte[]>>();
        _names = LocalPartyNames.For(partyCount).ToArray();
    }

    public int PartyCount { get; }

    public TimeSpan ReceiveTimeout { get; }

    /// <summary>The channel of one party.</summary>
    public IPartyChannel GetChannel(int partyIndex)
    {
        if (partyIndex < 0 || partyIndex >= PartyCount) throw new ArgumentOutOfRangeException(nameof(partyIndex), ErrorMessages.PartyIndexOutOfRange(partyIndex, PartyCount));
        return new Channel(this, partyIndex);
    }

    private TaskCompletionSource<byte[]> Slot(int to, int from, long tag) =>
        _mailboxes[to, from].GetOrAdd(tag, _ => new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously));

    private sealed class Channel(InMemoryNetwork network, int self) : IPartyChannel
    {
        public int PartyIndex => self;

        public int PartyCount => network.PartyCount;

        public string GetPartyName(int index) => network._names[index];

        public ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Copy so the receiver owns its bytes, as it would after a real network hop.
            if (!network.Slot(peer, self, tag).TrySetResult(payload.ToArray()))
                throw new ProtocolAbortedException(ErrorMessages.DuplicateMessage(GetPartyName(self), tag), GetPartyName(self));
            return ValueTask.CompletedTask;
        }

        public async ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken)
        {
            var slot = network.Slot(self, peer, tag);
            try
            {
                var payload = await slot.Task.WaitAsync(network.ReceiveTimeout, cancellationToken).ConfigureAwait(false);
                network._mailboxes[self, peer].TryRemove(tag, out _);
                return payload;
            }
            catch (TimeoutException)
            {
                throw new ProtocolAbortedException(ErrorMessages.PartyTimedOut(GetPartyName(peer), network.ReceiveTimeout), GetPartyName(peer));
            }
        }
    }
}
