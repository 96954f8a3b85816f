using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mpc.Net.Tests;

/// <summary>Mutual TLS 1.3 with key pinning, on loopback.</summary>
public sealed class TlsConnectorTests : IDisposable
{
    private readonly PartyCredentials _server = PartyCredentials.Generate("hospital-a");
    private readonly PartyCredentials _client = PartyCredentials.Generate("hospital-b");
    private readonly PartyCredentials _stranger = PartyCredentials.Generate("hospital-b");
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public TlsConnectorTests() => _listener.Start();

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private Roster Roster(string? serverKey = null) => Net.Roster.Create("t",
        [("hospital-a", $"127.0.0.1:{Port}", serverKey ?? _server.Fingerprint), ("hospital-b", "127.0.0.1:1", _client.Fingerprint)],
        [("analyst", "sha256:" + new string('e', 64))]);

    [Fact]
    public async Task PinnedPeersConnectAndExchangeFrames()
    {
        var roster = Roster();
        var accept = Task.Run(async () =>
        {
            var (stream, peer) = await TlsConnector.AcceptAsync(await _listener.AcceptTcpClientAsync(), roster, _server, NullLogger.Instance, TimeSpan.FromSeconds(10), default);
            await using var connection = new FramedConnection(stream, peer.Name);
            var frame = await connection.ReadAsync(default);
            return (peer.Name, frame!.Payload);
        });
        var stream = await TlsConnector.ConnectAsync(roster.GetParty("hospital-a"), _client, NullLogger.Instance, TimeSpan.FromSeconds(10), default);
        Assert.Equal(System.Security.Authentication.SslProtocols.Tls13, stream.SslProtocol);
        await using (var connection = new FramedConnection(stream, "hospital-a"))
            await connection.SendAsync(Guid.NewGuid(), 7, FrameKind.Data, new byte[] { 1, 2, 3 }, default);
        var (name, payload) = await accept;
        Assert.Equal("hospital-b", name);
        Assert.Equal(new byte[] { 1, 2, 3 }, payload);
    }

    [Fact]
    public async Task FramesOfEverySizeCrossBothWaysAtOnceWhole()
    {
        // Under TLS the socket is a BufferedSocketStream: writes gather until a flush, reads take what the socket holds.
        // Frames from empty to several buffers long, both directions at the same time, must arrive whole and in order.
        var roster = Roster();
        int[] sizes = [0, 1, 28, 16_384, 16_385, BufferedSocketStream.BufferSize - 29, BufferedSocketStream.BufferSize, 3 * BufferedSocketStream.BufferSize + 7, 5, 2_000_000, 3];
        var random = new Random(11);
        var payloads = sizes.Select(n => { var p = new byte[n]; random.NextBytes(p); return p; }).ToArray();
        var session = Guid.NewGuid();
        async Task Exchange(FramedConnection connection)
        {
            var sending = Task.Run(async () =>
            {
                for (int i = 0; i < payloads.Length; i++) await connection.SendAsync(session, i, FrameKind.Data, payloads[i], default);
            });
            for (int i = 0; i < payloads.Length; i++)
            {
                var frame = await connection.ReadAsync(default);
                Assert.Equal((long)i, frame!.Tag);
                Assert.Equal(payloads[i], frame.Payload);
            }
            await sending;
        }
        var accept = Task.Run(async () =>
        {
            var (stream, peer) = await TlsConnector.AcceptAsync(await _listener.AcceptTcpClientAsync(), roster, _server, NullLogger.Instance, TimeSpan.FromSeconds(10), default);
            await using var connection = new FramedConnection(stream, peer.Name);
            await Exchange(connection);
        });
        var client = await TlsConnector.ConnectAsync(roster.GetParty("hospital-a"), _client, NullLogger.Instance, TimeSpan.FromSeconds(10), default);
        await using (var connection = new FramedConnection(client, "hospital-a"))
            await Exchange(connection);
        await accept;
    }

    [Fact]
    public async Task AClientWithAnUnknownKeyIsRefusedAndTheServerSaysWhy()
    {
        var roster = Roster();
        var accept = Task.Run(async () => await TlsConnector.AcceptAsync(await _listener.AcceptTcpClientAsync(), roster, _server, NullLogger.Instance, TimeSpan.FromSeconds(10), default));
        try
        {
            var stream = await TlsConnector.ConnectAsync(roster.GetParty("hospital-a"), _stranger, NullLogger.Instance, TimeSpan.FromSeconds(10), default);
            // With TLS 1.3 the client may finish first; the refusal then shows on its first read as an error or a closed connection.
            await using var connection = new FramedConnection(stream, "hospital-a");
            Frame? frame = null;
            try
            {
                frame = await connection.ReadAsync(default);
            }
            catch (IOException)
            {
            }
            Assert.Null(frame);
        }
        catch (PeerAuthenticationException)
        {
        }
        var error = await Assert.ThrowsAsync<PeerAuthenticationException>(() => accept);
        Assert.Contains($"its key {_stranger.Fingerprint} is not in the roster", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerWithAnotherKeyThanTheRosterIsRefusedByTheClient()
    {
        var roster = Roster(serverKey: _stranger.Fingerprint);
        var accept = Task.Run(async () =>
        {
            try
            {
                await TlsConnector.AcceptAsync(await _listener.AcceptTcpClientAsync(), Roster(), _server, NullLogger.Instance, TimeSpan.FromSeconds(10), default);
            }
            catch (PeerAuthenticationException)
            {
            }
        });
        var error = await Assert.ThrowsAsync<PeerAuthenticationException>(() =>
            TlsConnector.ConnectAsync(roster.GetParty("hospital-a"), _client, NullLogger.Instance, TimeSpan.FromSeconds(10), default));
        Assert.Equal($"hospital-a at 127.0.0.1:{Port} presented key {_server.Fingerprint}, but the roster lists {_stranger.Fingerprint}", error.Message);
        await accept;
    }

    public void Dispose()
    {
        _listener.Stop();
        _server.Dispose();
        _client.Dispose();
        _stranger.Dispose();
    }
}
