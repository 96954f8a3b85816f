using System.Collections.Concurrent;
using Mpc.Core;

namespace Mpc.Runtime;

/// <summary>
/// The messages a party has received and not yet read, filed by sender and tag (the round's program
/// counter): a message that arrives early waits for its receive, a receive that comes first waits for
/// its message. Every channel files into one (the in-memory network, TLS between daemons).
/// </summary>
/// <remarks>
/// Failure: <see cref="Fail"/> (an abort, a broken frame, a receive that timed out) fails every pending and
/// future receive with the first cause; <see cref="Close"/> (a sender that closed) fails only the receives
/// still waiting on that sender, and what it sent before stays readable. A sender cannot make the party
/// hold more than the cap of unread bytes.
/// </remarks>
public sealed class TagMailbox
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<byte[]>>[] _slots;
    private readonly long[] _unread;
    private readonly ProtocolAbortedException?[] _closed;
    private readonly IReadOnlyList<string> _names;
    private readonly TimeSpan _receiveTimeout;
    private readonly long _maxUnreadBytesPerPeer;
    private volatile ProtocolAbortedException? _failure;

    /// <param name="partyNames">The roster names of the session's parties, by index; messages name senders by them.</param>
    /// <param name="receiveTimeout">How long a receive waits before it fails the session.</param>
    /// <param name="maxUnreadBytesPerPeer">The most bytes one sender may have filed and not yet read.</param>
    public TagMailbox(IReadOnlyList<string> partyNames, TimeSpan receiveTimeout, long maxUnreadBytesPerPeer = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(partyNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxUnreadBytesPerPeer, 1);
        _names = partyNames;
        _receiveTimeout = receiveTimeout;
        _maxUnreadBytesPerPeer = maxUnreadBytesPerPeer;
        _slots = Enumerable.Range(0, partyNames.Count).Select(_ => new ConcurrentDictionary<long, TaskCompletionSource<byte[]>>()).ToArray();
        _unread = new long[partyNames.Count];
        _closed = new ProtocolAbortedException?[partyNames.Count];
    }

    /// <summary>The session's failure, once there is one: its first cause.</summary>
    public ProtocolAbortedException? Failure => _failure;

    /// <summary>
    /// Files a message from <paramref name="peer"/>; returns null, or why it may not be filed (a tag the sender used
    /// before, or more unread bytes than the cap), naming the sender, for the channel to report as the sender's fault.
    /// A message for a receive that already failed is dropped: the session is over for this party.
    /// </summary>
    public string? TryDeliver(int peer, long tag, byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (Interlocked.Add(ref _unread[peer], payload.Length) > _maxUnreadBytesPerPeer)
            return RuntimeErrors.TooMuchUnread(_names[peer], _maxUnreadBytesPerPeer);
        var slot = _slots[peer].GetOrAdd(tag, NewSlot);
        if (slot.TrySetResult(payload) || slot.Task.IsFaulted) return null;
        return RuntimeErrors.DuplicateMessage(_names[peer], tag);
    }

    /// <summary>Waits for the message <paramref name="peer"/> sent with <paramref name="tag"/>; a timeout fails the session.</summary>
    public async ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken)
    {
        var slot = _slots[peer].GetOrAdd(tag, NewSlot);
        if (!slot.Task.IsCompleted && (_failure ?? Volatile.Read(ref _closed[peer])) is { } failure) throw failure;
        try
        {
            var payload = await slot.Task.WaitAsync(_receiveTimeout, cancellationToken).ConfigureAwait(false);
            if (_slots[peer].TryRemove(tag, out _)) Interlocked.Add(ref _unread[peer], -payload.Length);
            return payload;
        }
        catch (TimeoutException)
        {
            throw Fail(new ProtocolAbortedException(ErrorMessages.PartyTimedOut(_names[peer], _receiveTimeout), _names[peer], cause: AbortCause.PeerTimedOut));
        }
    }

    /// <summary>A sender that sends nothing more: what it sent stays readable, what is still awaited from it fails with <paramref name="reason"/>.</summary>
    public void Close(int peer, ProtocolAbortedException reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        Volatile.Write(ref _closed[peer], reason);
        foreach (var slot in _slots[peer].Values) slot.TrySetException(reason);
    }

    /// <summary>Fails every pending and future receive; the first failure stays the cause, and is returned.</summary>
    public ProtocolAbortedException Fail(ProtocolAbortedException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var first = Interlocked.CompareExchange(ref _failure, failure, null) ?? failure;
        foreach (var slots in _slots)
            foreach (var slot in slots.Values)
                slot.TrySetException(first);
        return first;
    }

    private static TaskCompletionSource<byte[]> NewSlot(long _) => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
