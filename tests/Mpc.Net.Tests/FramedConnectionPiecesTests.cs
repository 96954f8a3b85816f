using System.Buffers.Binary;
using System.IO.Pipes;

namespace Mpc.Net.Tests;

/// <summary>Background data messages go in pieces that a protocol round's frames overtake (issue 31); the reader's joining is capped.</summary>
public class FramedConnectionPiecesTests
{
    [Fact]
    public async Task AnUrgentFrameOvertakesTheQueuedPiecesOfBackgroundMessagesWhichArriveWhole()
    {
        var (a, b) = PipePair();
        await using var sender = new FramedConnection(a, "a");
        await using var receiver = new FramedConnection(b, "b");
        var session = Guid.NewGuid();
        var random = new Random(5);
        var first = new byte[8 * FramedConnection.PieceBytes + 123];
        var second = new byte[3 * FramedConnection.PieceBytes];
        random.NextBytes(first);
        random.NextBytes(second);
        var logged = new System.Collections.Concurrent.ConcurrentQueue<long>();
        // The pipe holds far less than a piece and nothing reads yet: the first background message holds the connection on its first
        // piece, the second waits with its first piece, then the urgent frame is sent.
        var one = sender.SendAsync(session, 1, FrameKind.Data, first, default, () => logged.Enqueue(1), background: true).AsTask();
        var two = sender.SendAsync(session, 2, FrameKind.Data, second, default, () => logged.Enqueue(2), background: true).AsTask();
        var urgent = sender.SendAsync(session, 3, FrameKind.Data, new byte[] { 7, 7, 7 }, default, () => logged.Enqueue(3)).AsTask();
        Assert.False(one.IsCompleted || two.IsCompleted || urgent.IsCompleted);

        var messages = new List<Frame>();
        var received = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            messages.Add((await receiver.ReadAsync(default))!);
            received.Add(receiver.BytesReceived);
        }
        await Task.WhenAll(one, two, urgent);
        // The urgent frame came right after the piece on the wire, before the second message's waiting piece.
        Assert.Equal(FramedConnection.PieceBytes + 3 + 2L * Frame.HeaderSize, received[0]);
        // Then the background pieces take turns, so the shorter message completes first.
        Assert.Equal([3L, 2L, 1L], messages.Select(m => m.Tag));
        Assert.Equal(3, messages[0].Payload.Length);
        Assert.Equal(first, messages.Single(m => m.Tag == 1).Payload);
        Assert.Equal(second, messages.Single(m => m.Tag == 2).Payload);
        // Logged in the order the messages complete on the wire, as the reader sees them.
        Assert.Equal(messages.Select(m => m.Tag), logged);
        Assert.Equal(sender.BytesSent, receiver.BytesReceived);
        Assert.Equal(first.Length + second.Length + 3 + 13L * Frame.HeaderSize, sender.BytesSent);
    }

    [Fact]
    public async Task UrgentAndSmallMessagesAreNeverCutAndPiecesAreTheConnectionsOwn()
    {
        var (a, b) = PipePair();
        await using var sender = new FramedConnection(a, "a");
        await using var receiver = new FramedConnection(b, "b");
        var session = Guid.NewGuid();
        var large = new byte[3 * FramedConnection.PieceBytes];
        var sending = Task.Run(async () =>
        {
            await sender.SendAsync(session, 1, FrameKind.Data, large, default);
            await sender.SendAsync(session, 2, FrameKind.Data, new byte[FramedConnection.PieceBytes], default, background: true);
        });
        Assert.Equal(large.Length, (await receiver.ReadAsync(default))!.Payload.Length);
        Assert.Equal(FramedConnection.PieceBytes, (await receiver.ReadAsync(default))!.Payload.Length);
        await sending;
        Assert.Equal(large.Length + FramedConnection.PieceBytes + 2L * Frame.HeaderSize, receiver.BytesReceived);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await sender.SendAsync(session, 3, FrameKind.DataPart, new byte[1], default));
    }

    [Fact]
    public async Task APeerCannotMakeTheReaderHoldMorePiecesThanTheLimitsAllow()
    {
        // Pieces of 65 different messages, none finished.
        var many = Frames(Enumerable.Range(0, FramedConnection.MaxPartialMessages + 1).Select(tag => ((long)tag, FrameKind.DataPart, 1)));
        await using (var receiver = new FramedConnection(new MemoryStream(many), "mallory"))
        {
            var error = await Assert.ThrowsAsync<FrameFormatException>(async () => await receiver.ReadAsync(default));
            Assert.Equal($"mallory left more than {FramedConnection.MaxPartialMessages} messages in pieces at once.", error.Message);
        }
        // Pieces of one message past the receive limit, each within it.
        var oneLong = Frames(Enumerable.Repeat((5L, FrameKind.DataPart, 600), 2));
        await using (var receiver = new FramedConnection(new MemoryStream(oneLong), "mallory") { ReceiveLimit = 1000 })
        {
            var error = await Assert.ThrowsAsync<FrameFormatException>(async () => await receiver.ReadAsync(default));
            Assert.Equal("mallory sent pieces of messages totalling more than the cap of 1000 bytes.", error.Message);
        }
        // Empty pieces count a header each: 35 of them pass a limit of 1,000 bytes.
        var empty = Frames(Enumerable.Repeat((6L, FrameKind.DataPart, 0), 35));
        await using (var receiver = new FramedConnection(new MemoryStream(empty), "mallory") { ReceiveLimit = 1000 })
        {
            var error = await Assert.ThrowsAsync<FrameFormatException>(async () => await receiver.ReadAsync(default));
            Assert.Equal("mallory sent pieces of messages totalling more than the cap of 1000 bytes.", error.Message);
        }
        // Pieces then their last frame: one message, the pieces' bytes released for the next.
        var joined = Frames([(9L, FrameKind.DataPart, 600), (9L, FrameKind.Data, 300), (10L, FrameKind.DataPart, 900), (10L, FrameKind.Data, 0)]);
        await using (var receiver = new FramedConnection(new MemoryStream(joined), "mallory") { ReceiveLimit = 1000 })
        {
            var first = await receiver.ReadAsync(default);
            var second = await receiver.ReadAsync(default);
            Assert.Equal((9L, FrameKind.Data, 900), (first!.Tag, first.Kind, first.Payload.Length));
            Assert.Equal((10L, FrameKind.Data, 900), (second!.Tag, second.Kind, second.Payload.Length));
        }
    }

    [Fact]
    public async Task APeerCannotJoinPiecesIntoAMessageLongerThanTheReceiveLimit()
    {
        // Pieces within the limit, and a last frame within it, but together twice the limit: no sender makes such a message (a
        // message is at most MaxPayloadBytes), and a reader that joined it would hold the pieces, the last frame and the joined
        // copy (four times the limit) and hand the protocol a message over the cap.
        var joined = Frames([(11L, FrameKind.DataPart, 900), (11L, FrameKind.Data, 1000)]);
        await using var receiver = new FramedConnection(new MemoryStream(joined), "mallory") { ReceiveLimit = 1000 };
        var error = await Assert.ThrowsAsync<FrameFormatException>(async () => await receiver.ReadAsync(new ReceiveBufferPool(1 << 20), default));
        Assert.Equal("mallory sent a message in pieces of 1900 bytes, over the cap of 1000 bytes.", error.Message);
    }

    [Fact]
    public async Task AMessageInPiecesAsLongAsTheReceiveLimitIsJoined()
    {
        var joined = Frames([(12L, FrameKind.DataPart, 600), (12L, FrameKind.Data, 400)]);
        await using var receiver = new FramedConnection(new MemoryStream(joined), "b") { ReceiveLimit = 1000 };
        Assert.Equal(1000, (await receiver.ReadAsync(default))!.Payload.Length);
    }

    [Fact]
    public async Task AnHonestSenderOfManyBackgroundMessagesAtOnceStaysWithinTheReadersCaps()
    {
        // Preprocessing (or a script worker's relayed sends, started without awaiting each) sends many background messages to a
        // peer at once; their pieces take turns on the wire, so the reader would see them all in pieces at once and close the
        // connection of an honest peer.
        var (a, b) = PipePair();
        await using var sender = new FramedConnection(a, "a");
        await using var receiver = new FramedConnection(b, "b");
        var session = Guid.NewGuid();
        const int Messages = FramedConnection.MaxPartialMessages + 8;
        var sends = Enumerable.Range(0, Messages)
            .Select(tag => sender.SendAsync(session, tag, FrameKind.Data, new byte[2 * FramedConnection.PieceBytes + 1], default, background: true).AsTask()).ToList();
        var tags = new List<long>();
        for (int i = 0; i < Messages; i++) tags.Add((await receiver.ReadAsync(default))!.Tag);
        await Task.WhenAll(sends);
        Assert.Equal(Enumerable.Range(0, Messages).Select(t => (long)t), tags.Order());

        // Bytes too: four messages of 3 MB in pieces at once pass a cap of 8 MB.
        var (c, d) = PipePair();
        await using var bigSender = new FramedConnection(c, "c", 8 << 20);
        await using var bigReceiver = new FramedConnection(d, "d", 8 << 20);
        var large = new byte[3 << 20];
        var bigSends = Enumerable.Range(0, 4).Select(tag => bigSender.SendAsync(session, tag, FrameKind.Data, large, default, background: true).AsTask()).ToList();
        for (int i = 0; i < 4; i++) Assert.Equal(large.Length, (await bigReceiver.ReadAsync(default))!.Payload.Length);
        await Task.WhenAll(bigSends);
    }

    [Fact]
    public async Task AWriterCancelledWhileWaitingLeavesTheGateToTheNext()
    {
        var gate = new PriorityWriteGate();
        await gate.EnterAsync(urgent: false, default);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(urgent: true, cancel.Token).AsTask();
        var background = gate.EnterAsync(urgent: false, default).AsTask();
        var urgent = gate.EnterAsync(urgent: true, default).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Exit();
        await urgent;
        Assert.False(background.IsCompleted);
        gate.Exit();
        await background;
        gate.Exit();
        await gate.EnterAsync(urgent: false, default);
    }

    private static byte[] Frames(IEnumerable<(long Tag, FrameKind Kind, int Length)> frames)
    {
        var stream = new MemoryStream();
        foreach (var (tag, kind, length) in frames)
        {
            var header = new byte[Frame.HeaderSize];
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)length);
            BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(20), tag);
            header[28] = (byte)kind;
            stream.Write(header);
            stream.Write(new byte[length]);
        }
        return stream.ToArray();
    }

    private static (Stream, Stream) PipePair()
    {
        var server = new AnonymousPipeServerStream(PipeDirection.Out);
        var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        return (server, client);
    }
}
