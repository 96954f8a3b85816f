using System.Buffers.Binary;
using System.Net.Sockets;
using Mpc.Federation.Protocols;
using Mpc.Net;

namespace Mpc.Federation.Tests;

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
            await logger.WaitForAsync("over the cap of 268435456 bytes", TimeSpan.FromSeconds(10));
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

    private sealed class RawConnection(System.Net.Security.SslStream stream) : IAsyncDisposable
    {
        public System.Net.Security.SslStream Stream { get; } = stream;

        public ValueTask DisposeAsync() => Stream.DisposeAsync();
    }

    private static async Task<RawConnection> AuthenticatedAsync(TestFederation federation, RosterMember target) =>
        new(await TlsConnector.ConnectAsync(target, federation.Analyst, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, TimeSpan.FromSeconds(10), default));
}
