using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Mpc.Federation.Sessions;
using Mpc.Net;

namespace Mpc.Federation;

// Accepting connections: TLS by roster key, the first frame capped, then a session, a peer or a catalog request.
public sealed partial class PartyDaemon
{
    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested && !_draining)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            // A drain stopped the listener under the pending accept.
            catch (Exception e) when (_draining && e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            catch (SocketException e)
            {
                Logger.LogWarning(DaemonEvents.ConnectionClosed, "Accept failed: {Reason}", e.Message);
                continue;
            }
            client.NoDelay = true;
            if (Interlocked.Increment(ref _pending) > MaxPendingConnections)
            {
                Interlocked.Decrement(ref _pending);
                Logger.LogWarning(DaemonEvents.ConnectionClosed, "Closed connection from {Remote}: {Pending} connections are already waiting for admission", client.Client.RemoteEndPoint, MaxPendingConnections);
                client.Dispose();
                continue;
            }
            var handler = Task.Run(() => HandleConnectionAsync(client));
            _handlers.TryAdd(handler, 0);
            _ = handler.ContinueWith(t => _handlers.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task HandleConnectionAsync(TcpClient client)
    {
        string remote = client.Client.RemoteEndPoint?.ToString() ?? "unknown";
        FramedConnection? connection = null;
        bool handedOver = false;
        bool pending = true;
        try
        {
            var (stream, peer) = await TlsConnector.AcceptAsync(client, Roster, Credentials, Logger, HandshakeTimeout, _stop.Token, Clock).ConfigureAwait(false);
            // Nothing is admitted yet: a first frame larger than a request or a hello is refused before it is allocated.
            connection = new FramedConnection(peer.IsParty ? PeerStream(stream) : stream, peer.Name) { ReceiveLimit = peer.IsParty ? PeerHelloBytes : AnalystRequestBytes, PresentedKey = TlsConnector.PresentedKey(stream) };
            Frame? first;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                timeout.CancelAfter(HandshakeTimeout);
                first = await connection.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            Interlocked.Decrement(ref _pending);
            pending = false;
            if (first is null) return;
            if (peer.IsParty)
            {
                var hello = ControlCodec.Expect<PeerHello>(first, peer.Name);
                if (_sessions.TryGet(first.SessionId, out var session))
                {
                    handedOver = await session.AttachAsync(peer, connection, hello).ConfigureAwait(false);
                }
                else
                {
                    Logger.LogWarning(DaemonEvents.PeerRefused, "Refused {Peer}: unknown session {Session}", peer.Name, first.SessionId);
                    await connection.SendAsync(first.SessionId, 0, FrameKind.Control, ControlCodec.Encode(new PeerReply { Accepted = false, Reason = $"{Self.Name} has no session {first.SessionId}." }), _stop.Token).ConfigureAwait(false);
                }
            }
            else if (first.Kind == FrameKind.Control && ControlCodec.Decode(first.Payload, peer.Name) is CatalogRequest)
            {
                // Names and types only; the same for every analyst the roster admits.
                var reply = new CatalogReply { Datasets = DatasetCatalog.Describe(Snapshot.Configuration, Logger) };
                await connection.SendAsync(first.SessionId, 0, FrameKind.Control, ControlCodec.Encode(reply), _stop.Token).ConfigureAwait(false);
                Logger.LogInformation(DaemonEvents.CatalogListed, "Listed {Datasets} dataset(s) for {Analyst}", reply.Datasets.Count, peer.Name);
            }
            else
            {
                var request = ControlCodec.Expect<SessionRequest>(first, peer.Name);
                // After its request an analyst only sends SessionStart or SessionCancel.
                connection.ReceiveLimit = PeerHelloBytes;
                handedOver = true;
                await using var session = new PartySession(Snapshot, SessionServices(), first.SessionId, peer, connection, request);
                await session.RunAsync().ConfigureAwait(false);
            }
        }
        catch (PeerAuthenticationException)
        {
            // TlsConnector logged who was refused and why.
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is FrameFormatException or IOException or OperationCanceledException or ObjectDisposedException or Mpc.Runtime.ProtocolAbortedException)
        {
            Logger.LogWarning(DaemonEvents.ConnectionClosed, "Closed connection from {Remote}: {Reason}", remote, e is OperationCanceledException ? "no frame within the handshake timeout" : e.Message);
        }
        finally
        {
            if (pending) Interlocked.Decrement(ref _pending);
            if (!handedOver)
            {
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
                else client.Dispose();
            }
        }
    }
}
