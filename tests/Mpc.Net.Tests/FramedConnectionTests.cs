using System.Buffers.Binary;
using System.IO.Pipes;

namespace Mpc.Net.Tests;

public class FramedConnectionTests
{
    [Fact]
    public async Task FramesRoundTripWithTheirHeader()
    {
        var (a, b) = await PipePairAsync();
        await using var sender = new FramedConnection(a, "a");
        await using var receiver = new FramedConnection(b, "b");
        var session = Guid.NewGuid();
        var payload = Enumerable.Range(0, 200_000).Select(i => unchecked((byte)i)).ToArray();
        // The pipe holds less than the payload: send while the receiver reads.
        var sending = Task.Run(async () =>
        {
            await sender.SendAsync(session, -3, FrameKind.Control, payload, default);
            await sender.SendAsync(session, 42, FrameKind.Data, Array.Empty<byte>(), default);
        });
        var first = await receiver.ReadAsync(default);
        var second = await receiver.ReadAsync(default);
        await sending;
        Assert.Equal((session, -3L, FrameKind.Control), (first!.SessionId, first.Tag, first.Kind));
        Assert.Equal(payload, first.Payload);
        Assert.Equal((42L, 0), (second!.Tag, second.Payload.Length));
    }

    [Fact]
    public async Task LargeFramesArriveWholeAndInOrderWithSmallOnes()
    {
        var (a, b) = await PipePairAsync();
        await using var sender = new FramedConnection(a, "a");
        await using var receiver = new FramedConnection(b, "b");
        var session = Guid.NewGuid();
        var random = new Random(7);
        int[] sizes = [300_000, 10, 70_000, 65_536, 0, 1_000_000];
        var payloads = sizes.Select(n => { var p = new byte[n]; random.NextBytes(p); return p; }).ToArray();
        var sending = Task.Run(async () =>
        {
            for (int i = 0; i < payloads.Length; i++) await sender.SendAsync(session, i, FrameKind.Data, payloads[i], default);
        });
        for (int i = 0; i < payloads.Length; i++)
        {
            var frame = await receiver.ReadAsync(default);
            Assert.Equal((long)i, frame!.Tag);
            Assert.Equal(payloads[i], frame.Payload);
        }
        await sending;
        Assert.Equal(sender.BytesSent, receiver.BytesReceived);
    }

    [Fact]
    public async Task AFrameIsReadWhollyIntoAnArrayHandedBackForItsSize()
    {
        var (a, b) = await PipePairAsync();
        await using var sender = new FramedConnection(a, "a");
        await using var receiver = new FramedConnection(b, "b");
        var pool = new ReceiveBufferPool(1 << 22);
        var session = Guid.NewGuid();
        var random = new Random(11);
        var payloads = new[] { 100_000, 100_000, 100_001 }.Select(n => { var p = new byte[n]; random.NextBytes(p); return p; }).ToArray();
        var sending = Task.Run(async () =>
        {
            for (int i = 0; i < payloads.Length; i++) await sender.SendAsync(session, i, FrameKind.Data, payloads[i], default);
        });
        var first = await receiver.ReadAsync(pool, default);
        Assert.Equal(payloads[0], first!.Payload);
        pool.Return(first.Payload);
        // The next frame of that size lands in the same array, every byte of it overwritten; another size gets its own.
        var second = await receiver.ReadAsync(pool, default);
        Assert.Same(first.Payload, second!.Payload);
        Assert.Equal(payloads[1], second.Payload);
        var third = await receiver.ReadAsync(pool, default);
        Assert.NotSame(first.Payload, third!.Payload);
        Assert.Equal(payloads[2], third.Payload);
        await sending;
    }

    [Fact]
    public async Task ALargeFrameCutShortIsRejectedWithWhatArrived()
    {
        var (a, b) = await PipePairAsync();
        await using var receiver = new FramedConnection(b, "mallory");
        await a.WriteAsync(CutShortFrame(100_000, 5000));
        await a.DisposeAsync();
        var error = await Assert.ThrowsAsync<FrameFormatException>(async () => await receiver.ReadAsync(default));
        Assert.Equal("mallory closed the connection in the middle of a frame (5029 bytes of it received).", error.Message);
    }

    // A data frame's header announcing `announced` payload bytes, followed by only `sent` of them.
    private static byte[] CutShortFrame(uint announced, int sent)
    {
        var partial = new byte[Frame.HeaderSize + sent];
        BinaryPrimitives.WriteUInt32LittleEndian(partial, announced);
        partial[28] = (byte)FrameKind.Data;
        return partial;
    }

    [Fact]
    public async Task ConcurrentSendsAreLoggedInTheOrderTheyGoOnTheWire()
    {
        var (a, b) = await PipePairAsync();
        await using var sender = new FramedConnection(a, "a");
        await using var receiver = new FramedConnection(b, "b");
        var session = Guid.NewGuid();
        var logged = new System.Collections.Concurrent.ConcurrentQueue<long>();
        var payload = new byte[20_000];
        var sends = Enumerable.Range(0, 64).Select(i => Task.Run(async () =>
            await sender.SendAsync(session, i, FrameKind.Data, payload, default, () => logged.Enqueue(i)))).ToArray();
        var wire = new List<long>();
        for (int i = 0; i < 64; i++) wire.Add((await receiver.ReadAsync(default))!.Tag);
        await Task.WhenAll(sends);
        Assert.Equal(wire, logged.ToList());
    }

    [Fact]
    public async Task AFrameOverTheCapIsRejectedBeforeItIsBuffered()
    {
        var (a, b) = await PipePairAsync();
        await using var receiver = new FramedConnection(b, "mallory", maxPayloadBytes: 1024);
        var header = new byte[Frame.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 1025);
        header[28] = (byte)FrameKind.Data;
        await a.WriteAsync(header);
        var error = await Assert.ThrowsAsync<FrameFormatException>(async () => await receiver.ReadAsync(default));
        Assert.Equal("mallory announced a frame of 1025 bytes, over the cap of 1024 bytes.", error.Message);
    }

    [Fact]
    public async Task AnUnknownKindAndATruncatedFrameAreRejected()
    {
        var (a, b) = await PipePairAsync();
        await using (var receiver = new FramedConnection(b, "mallory"))
        {
            var header = new byte[Frame.HeaderSize];
            header[28] = 9;
            await a.WriteAsync(header);
            Assert.Equal("mallory sent a frame of unknown kind 9.", (await Assert.ThrowsAsync<FrameFormatException>(async () => await receiver.ReadAsync(default))).Message);
        }
        var (c, d) = await PipePairAsync();
        await using var truncated = new FramedConnection(d, "mallory");
        await c.WriteAsync(CutShortFrame(10, 3));
        await c.DisposeAsync();
        var error = await Assert.ThrowsAsync<FrameFormatException>(async () => await truncated.ReadAsync(default));
        Assert.Equal("mallory closed the connection in the middle of a frame (32 bytes of it received).", error.Message);
    }

    [Fact]
    public void ControlMessagesRoundTripAndGarbageIsAFormatError()
    {
        var message = new SessionRequest { Protocol = "secure-sum", Parameters = new() { ["columns"] = "age" }, RosterHash = "abc", Preprocessing = "dealer", RingBits = 64 };
        var decoded = Assert.IsType<SessionRequest>(ControlCodec.Decode(ControlCodec.Encode(message), "p"));
        Assert.Equal("age", decoded.Parameters["columns"]);
        Assert.Throws<FrameFormatException>(() => ControlCodec.Decode([0x92, 0x63, 0xc1], "mallory"));
        // 20 nested arrays: beyond the depth cap.
        var nested = Enumerable.Repeat((byte)0x91, 20).Append((byte)0x01).ToArray();
        Assert.Throws<FrameFormatException>(() => ControlCodec.Decode([0x92, 0x00, .. nested], "mallory"));
    }

    [Fact]
    public async Task AHeaderOverTheReceiveLimitIsRefusedBeforeItsPayloadIsAllocated()
    {
        // A hostile first frame: a header announcing 200 MiB, and nothing after it.
        var header = new byte[Frame.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 200u << 20);
        header[28] = (byte)FrameKind.Control;
        await using var receiver = new FramedConnection(new MemoryStream(header), "intruder") { ReceiveLimit = 4 << 20 };
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var error = await Assert.ThrowsAsync<FrameFormatException>(async () => await receiver.ReadAsync(default));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal("intruder announced a frame of 209715200 bytes, over the cap of 4194304 bytes.", error.Message);
        Assert.True(allocated < 1 << 20, $"{allocated} bytes allocated");
    }

    [Fact]
    public async Task RaisingTheReceiveLimitAfterAdmissionLetsALargerFrameThroughUpToTheCap()
    {
        var (a, b) = await PipePairAsync();
        await using var sender = new FramedConnection(a, "a");
        await using var receiver = new FramedConnection(b, "b") { ReceiveLimit = 1024 };
        var session = Guid.NewGuid();
        var sending = sender.SendAsync(session, 1, FrameKind.Data, new byte[512], default).AsTask()
            .ContinueWith(_ => sender.SendAsync(session, 2, FrameKind.Data, new byte[100_000], default).AsTask(), TaskScheduler.Default).Unwrap();
        Assert.Equal(512, (await receiver.ReadAsync(default))!.Payload.Length);
        receiver.ReceiveLimit = receiver.MaxPayloadBytes;
        Assert.Equal(100_000, (await receiver.ReadAsync(default))!.Payload.Length);
        await sending;
        Assert.Throws<ArgumentOutOfRangeException>(() => receiver.ReceiveLimit = receiver.MaxPayloadBytes + 1);
    }

    private static async Task<(Stream, Stream)> PipePairAsync()
    {
        var server = new AnonymousPipeServerStream(PipeDirection.Out);
        var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        await Task.CompletedTask;
        return (server, client);
    }
}
