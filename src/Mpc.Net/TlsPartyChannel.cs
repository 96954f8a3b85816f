using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Net;

/// <summary>
/// The runtime's channel over one TLS connection per peer. A read loop per connection files data
/// frames into the party's <see cref="TagMailbox"/> (so a message that arrives early waits for its receiver). A closed connection
/// fails only the receives from that peer that are still waiting (a peer that finished first
/// closes normally); an abort notice, a frame of another session or a repeated tag aborts every
/// pending and future receive, naming the peer.
/// </summary>
public sealed class TlsPartyChannel : IPartyChannel, IAsyncDisposable
{
    private readonly Guid _sessionId;
    private readonly IReadOnlyList<string> _names;
    private readonly FramedConnection?[] _connections;
    private readonly TagMailbox _mailbox;
    // Bytes a peer sent that this party has not read yet: a peer cannot make it hold more than the cap.
    private const long MaxUnreadBytesPerPeer = 1L << 30;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _readLoops;

    private readonly IFrameObserver? _observer;
    // Payloads the protocol hands back (Release) are read into again; 64 MB holds the OT batches in flight with 4 peers.
    private readonly ReceiveBufferPool _buffers = new(ReceiveBufferPool.DefaultCapacityBytes);

    public TlsPartyChannel(Guid sessionId, int partyIndex, IReadOnlyList<string> partyNames, FramedConnection?[] connections, TimeSpan receiveTimeout, IFrameObserver? observer = null)
    {
        _observer = observer;
        ArgumentNullException.ThrowIfNull(partyNames);
        ArgumentNullException.ThrowIfNull(connections);
        _sessionId = sessionId;
        PartyIndex = partyIndex;
        _names = partyNames;
        _connections = connections;
        _mailbox = new TagMailbox(partyNames, receiveTimeout, MaxUnreadBytesPerPeer);
        _readLoops = Enumerable.Range(0, partyNames.Count).Select(p => p == partyIndex ? Task.CompletedTask : Task.Run(() => ReadLoopAsync(p))).ToArray();
    }

    public int PartyIndex { get; }

    public int PartyCount => _names.Count;

    /// <summary>Set when the session failed: the first cause.</summary>
    public ProtocolAbortedException? Failure => _mailbox.Failure;

    public string GetPartyName(int index) => _names[index];

    public async ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (_mailbox.Failure is { } failure) throw failure;
        try
        {
            // Preprocessing sends concurrently: the transcript logs each frame in the order it goes on the wire.
            Action? log = _observer is null ? null : () => _observer.OnSent(peer, tag, payload.Span);
            await _connections[peer]!.SendAsync(_sessionId, tag, FrameKind.Data, payload, cancellationToken, log, PreprocessingTags.IsBackground(tag)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // A peer that aborts sends its reason before closing: let the read loop take it in, and report that rather than the closed socket.
            try
            {
                await _readLoops[peer].WaitAsync(TimeSpan.FromMilliseconds(500), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
            throw _mailbox.Failure ?? _mailbox.Fail(new ProtocolAbortedException(RuntimeErrors.PartyFailed(_names[peer], $"the connection closed ({e.Message})"), _names[peer], e));
        }
    }

    public ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken) => _mailbox.ReceiveAsync(peer, tag, cancellationToken);

    public void Release(byte[] payload) => _buffers.Return(payload);

    /// <summary>Tells every peer that this party aborts, best effort, so they name the real cause.</summary>
    /// <param name="relayedFrom">The peer whose notice this abort passes on; null when this party observed the fault itself.</param>
    public async Task NotifyAbortAsync(string reason, string? failedParty, AbortCause cause, string? relayedFrom = null)
    {
        // Wire: AbortNotice [8, [reason, failedParty, cause, origin]] in a control frame of the session (tag 0).
        var payload = ControlCodec.Encode(new AbortNotice { Reason = reason, FailedParty = failedParty, Cause = AbortCauses.ToWire(cause), Origin = relayedFrom ?? _names[PartyIndex] });
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

    private async Task ReadLoopAsync(int peer)
    {
        var connection = _connections[peer]!;
        string name = _names[peer];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var frame = await connection.ReadAsync(_buffers, _stop.Token).ConfigureAwait(false);
                if (frame is null)
                {
                    _mailbox.Close(peer, new ProtocolAbortedException(RuntimeErrors.PartyFailed(name, "it closed the connection."), name));
                    return;
                }
                if (frame.SessionId != _sessionId) throw new FrameFormatException(RuntimeErrors.FrameOfAnotherSession(name, frame.SessionId, _sessionId));
                if (frame.Kind == FrameKind.Control)
                {
                    var message = ControlCodec.Decode(frame.Payload, name);
                    if (message is AbortNotice abort)
                    {
                        _mailbox.Fail(AbortCauses.ToException(abort, name, _names[PartyIndex], _names));
                        return;
                    }
                    throw new FrameFormatException(RuntimeErrors.UnexpectedControlMessage(name, message.GetType().Name));
                }
                _observer?.OnReceived(peer, frame.Tag, frame.Payload);
                if (_mailbox.TryDeliver(peer, frame.Tag, frame.Payload) is { } problem) throw new FrameFormatException(problem);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _mailbox.Close(peer, new ProtocolAbortedException(RuntimeErrors.PartyFailed(name, $"the connection broke ({e.Message})"), name, e));
        }
        catch (FrameFormatException e)
        {
            _mailbox.Fail(new ProtocolAbortedException(RuntimeErrors.PartyFailed(name, e.Message), name, e, AbortCause.ProtocolViolation));
        }
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
