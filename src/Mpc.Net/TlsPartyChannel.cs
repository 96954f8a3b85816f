using System.Collections.Concurrent;
using Mpc.Core;
using Mpc.Runtime;

namespace Mpc.Net;

/// <summary>
/// The runtime's channel over one TLS connection per peer. A read loop per connection files data
/// frames by tag (so a message that arrives early waits for its receiver); a closed connection,
/// an abort notice, a frame of another session or a repeated tag aborts every pending and future
/// receive with the peer's name.
/// </summary>
public sealed class TlsPartyChannel : IPartyChannel, IAsyncDisposable
{
    private readonly Guid _sessionId;
    private readonly IReadOnlyList<string> _names;
    private readonly FramedConnection?[] _connections;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<byte[]>>[] _mailboxes;
    private readonly TimeSpan _receiveTimeout;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _readLoops;
    private volatile ProtocolAbortedException? _failure;

    public TlsPartyChannel(Guid sessionId, int partyIndex, IReadOnlyList<string> partyNames, FramedConnection?[] connections, TimeSpan receiveTimeout)
    {
        ArgumentNullException.ThrowIfNull(partyNames);
        ArgumentNullException.ThrowIfNull(connections);
        _sessionId = sessionId;
        PartyIndex = partyIndex;
        _names = partyNames;
        _connections = connections;
        _receiveTimeout = receiveTimeout;
        _mailboxes = Enumerable.Range(0, partyNames.Count).Select(_ => new ConcurrentDictionary<long, TaskCompletionSource<byte[]>>()).ToArray();
        _readLoops = Enumerable.Range(0, partyNames.Count).Where(p => p != partyIndex).Select(p => Task.Run(() => ReadLoopAsync(p))).ToArray();
    }

    public int PartyIndex { get; }

    public int PartyCount => _names.Count;

    /// <summary>Set when the session failed: the first cause.</summary>
    public ProtocolAbortedException? Failure => _failure;

    public string GetPartyName(int index) => _names[index];

    public async ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (_failure is not null) throw _failure;
        try
        {
            await _connections[peer]!.SendAsync(_sessionId, tag, FrameKind.Data, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            throw Fail(new ProtocolAbortedException(ErrorMessages.PartyFailed(_names[peer], $"the connection closed ({e.Message})"), _names[peer], e));
        }
    }

    public async ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken)
    {
        var slot = _mailboxes[peer].GetOrAdd(tag, NewSlot);
        if (_failure is not null && !slot.Task.IsCompleted) throw _failure;
        try
        {
            var payload = await slot.Task.WaitAsync(_receiveTimeout, cancellationToken).ConfigureAwait(false);
            _mailboxes[peer].TryRemove(tag, out _);
            return payload;
        }
        catch (TimeoutException)
        {
            throw Fail(new ProtocolAbortedException(ErrorMessages.PartyTimedOut(_names[peer], _receiveTimeout), _names[peer]));
        }
    }

    /// <summary>Tells every peer that this party aborts, best effort, so they name the real cause.</summary>
    public async Task NotifyAbortAsync(string reason, string? failedParty)
    {
        var payload = ControlCodec.Encode(new AbortNotice { Reason = reason, FailedParty = failedParty });
        foreach (var connection in _connections)
        {
            if (connection is null) continue;
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await connection.SendAsync(_sessionId, 0, FrameKind.Control, payload, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or FrameFormatException)
            {
                // The peer may be the one that died; nothing more to tell it.
            }
        }
    }

    private static TaskCompletionSource<byte[]> NewSlot(long _) => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ReadLoopAsync(int peer)
    {
        var connection = _connections[peer]!;
        string name = _names[peer];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var frame = await connection.ReadAsync(_stop.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    Fail(new ProtocolAbortedException(ErrorMessages.PartyFailed(name, "it closed the connection."), name));
                    return;
                }
                if (frame.SessionId != _sessionId) throw new FrameFormatException($"{name} sent a frame of session {frame.SessionId} on the connection of session {_sessionId}.");
                if (frame.Kind == FrameKind.Control)
                {
                    var message = ControlCodec.Decode(frame.Payload, name);
                    if (message is AbortNotice abort)
                    {
                        Fail(new ProtocolAbortedException($"Session aborted by {name}: {abort.Reason}", abort.FailedParty ?? name));
                        return;
                    }
                    throw new FrameFormatException($"{name} sent an unexpected {message.GetType().Name} during the protocol.");
                }
                if (!_mailboxes[peer].GetOrAdd(frame.Tag, NewSlot).TrySetResult(frame.Payload))
                    throw new FrameFormatException(ErrorMessages.DuplicateMessage(name, frame.Tag));
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or FrameFormatException or ObjectDisposedException or InvalidOperationException)
        {
            Fail(new ProtocolAbortedException(ErrorMessages.PartyFailed(name, e.Message), name, e));
        }
    }

    private ProtocolAbortedException Fail(ProtocolAbortedException failure)
    {
        var first = Interlocked.CompareExchange(ref _failure, failure, null) ?? failure;
        foreach (var mailbox in _mailboxes)
            foreach (var slot in mailbox.Values)
                slot.TrySetException(first);
        return first;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var connection in _connections)
            if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_readLoops).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }
}
