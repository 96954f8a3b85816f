using System.Buffers.Binary;
using System.Net.Sockets;
using Mpc.Federation.Protocols;
using Mpc.Net;

namespace Mpc.EndToEnd.Tests;

/// <summary>Garbage on a daemon's port closes that connection with a logged reason; the daemon keeps serving.</summary>
public class GarbageTests
{
    private static readonly Dictionary<string, string> Sum = new() { ["columns"] = "age" };

    [Fact]
    public async Task RandomBytesTruncatedAndOversizedFramesAreClosedAndTheDaemonServesTheNextSession()
    {
        await using var federation = TestFederation.Create(2);
        var logger = new ListLogger();
        for (int i = 0; i < 2; i++)
        {
            var configuration = new PartyConfiguration(federation.Names[i], new Dictionary<string, string> { ["lung"] = federation.DataFiles[i] }, ["builtin:secure-sum"], TimeSpan.FromSeconds(5));
            var daemon = new PartyDaemon(federation.Roster, federation.Credentials[i], configuration, ProtocolCatalog.BuiltIn, i == 0 ? logger : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            { HandshakeTimeout = TimeSpan.FromSeconds(2) };
            daemon.Start();
            federation.Daemons.Add(daemon);
        }
        var target = federation.Roster.Parties[0];

        // Random bytes instead of a TLS handshake.
        using (var raw = new TcpClient())
        {
            await raw.ConnectAsync(target.Host!, target.Port);
            var junk = new byte[4096];
            new Random(1).NextBytes(junk);
            await raw.GetStream().WriteAsync(junk);
            await logger.WaitForAsync("Refused connection from 127.0.0.1", TimeSpan.FromSeconds(10));
        }

        // An authenticated peer announcing a frame over the cap.
        await using (var connection = await AuthenticatedAsync(federation, target))
        {
            var header = new byte[Frame.HeaderSize];
            BinaryPrimitives.WriteUInt32LittleEndian(header, uint.MaxValue);
            header[28] = (byte)FrameKind.Control;
            await connection.Stream.WriteAsync(header);
            await connection.Stream.FlushAsync();
            // Before admission the cap is the 4 MiB of an analyst's SessionRequest, not the 256 MiB of protocol frames.
            await logger.WaitForAsync("over the cap of 4194304 bytes", TimeSpan.FromSeconds(10));
        }

        // An authenticated peer sending half a frame and hanging up.
        await using (var connection = await AuthenticatedAsync(federation, target))
        {
            var partial = new byte[Frame.HeaderSize + 10];
            BinaryPrimitives.WriteUInt32LittleEndian(partial, 100);
            partial[28] = (byte)FrameKind.Control;
            await connection.Stream.WriteAsync(partial);
            await connection.Stream.FlushAsync();
        }
        await logger.WaitForAsync("closed the connection in the middle of a frame (39 bytes of it received)", TimeSpan.FromSeconds(10));

        // A well-formed frame that is not a control message.
        await using (var connection = await AuthenticatedAsync(federation, target))
        {
            var frame = new byte[Frame.HeaderSize + 3];
            BinaryPrimitives.WriteUInt32LittleEndian(frame, 3);
            frame[28] = (byte)FrameKind.Control;
            frame[29] = 0xc1;
            await connection.Stream.WriteAsync(frame);
            await connection.Stream.FlushAsync();
            await logger.WaitForAsync("sent a malformed control message", TimeSpan.FromSeconds(10));
        }

        var result = await federation.Client().RunAsync("secure-sum", Sum, null, default);
        Assert.Equal(228, result.Outputs["count"].Values[0]);
    }

    [Fact]
    public async Task AFirstFrameOverThePreAdmissionCapIsRefusedBeforeItIsAllocatedForAnalystsAndPeersAlike()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        var target = federation.Roster.Parties[0];
        var log = federation.Logs[0];

        // An analyst in the roster announcing 5 MiB: over the 4 MiB a SessionRequest with a script may take.
        await using (var connection = await AuthenticatedAsync(federation, target))
        {
            await connection.Stream.WriteAsync(Header(5u << 20));
            await connection.Stream.FlushAsync();
            await log.WaitForAsync("announced a frame of 5242880 bytes, over the cap of 4194304 bytes", TimeSpan.FromSeconds(10));
        }

        // A party in the roster announcing 1 MiB as its first frame: a PeerHello is a few hundred bytes.
        await using (var connection = new RawConnection(await TlsConnector.ConnectAsync(target, federation.Credentials[1], Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeSpan.FromSeconds(10), default)))
        {
            await connection.Stream.WriteAsync(Header(1u << 20));
            await connection.Stream.FlushAsync();
            await log.WaitForAsync("announced a frame of 1048576 bytes, over the cap of 65536 bytes", TimeSpan.FromSeconds(10));
        }

        var result = await federation.Client().RunAsync("secure-sum", Sum, null, default);
        Assert.Equal(228, result.Outputs["count"].Values[0]);
    }

    [Fact]
    public async Task ConnectionsBeyondThePendingCapAreClosedAtOnceAndTheDaemonServesOnceTheyGo()
    {
        await using var federation = TestFederation.Create(2);
        var log = new ListLogger();
        for (int i = 0; i < 2; i++)
        {
            var configuration = new PartyConfiguration(federation.Names[i], new Dictionary<string, string> { ["lung"] = federation.DataFiles[i] }, ["builtin:secure-sum"], TimeSpan.FromSeconds(5));
            var daemon = new PartyDaemon(federation.Roster, federation.Credentials[i], configuration, ProtocolCatalog.BuiltIn, i == 0 ? log : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            { HandshakeTimeout = TimeSpan.FromSeconds(2), MaxPendingConnections = 2 };
            daemon.Start();
            federation.Daemons.Add(daemon);
        }
        var target = federation.Roster.Parties[0];
        // Two idle connections that never start TLS hold both pending slots; a third is closed at once.
        var idle = new List<TcpClient>();
        for (int i = 0; i < 3; i++)
        {
            var client = new TcpClient();
            await client.ConnectAsync(target.Host!, target.Port);
            idle.Add(client);
        }
        await log.WaitForAsync("2 connections are already waiting for admission", TimeSpan.FromSeconds(10));
        foreach (var client in idle) client.Dispose();
        // Once the idle ones are gone (closed or timed out), sessions are served again.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (log.Lines.Count(l => l.Contains("Refused connection from", StringComparison.Ordinal)) < 2 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var result = await federation.Client().RunAsync("secure-sum", Sum, null, default);
        Assert.Equal(228, result.Outputs["count"].Values[0]);
    }

    private static byte[] Header(uint length)
    {
        var header = new byte[Frame.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, length);
        header[28] = (byte)FrameKind.Control;
        return header;
    }

    private sealed class RawConnection(System.Net.Security.SslStream stream) : IAsyncDisposable
    {
        public System.Net.Security.SslStream Stream { get; } = stream;

        public ValueTask DisposeAsync() => Stream.DisposeAsync();
    }

    private static async Task<RawConnection> AuthenticatedAsync(TestFederation federation, RosterMember target) =>
        new(await TlsConnector.ConnectAsync(target, federation.Analyst, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeSpan.FromSeconds(10), default));
}
