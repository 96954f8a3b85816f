using System.Buffers.Binary;
using System.IO.Pipes;
using Mpc.Scripting.Worker;

namespace Mpc.Scripting.Tests;

public class WorkerPipeTests
{
    [Fact]
    public async Task ASmallFrameIsOneWriteALargeOneIsWrittenFromWhereItLiesAndBothReadBackWholeInTheDocumentedLayout()
    {
        var output = new CountingStream();
        byte[] head = [1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0];
        var small = Enumerable.Range(0, 1_000).Select(i => unchecked((byte)(i * 7))).ToArray();
        var payload = Enumerable.Range(0, 70_000).Select(i => unchecked((byte)(i * 31))).ToArray();
        await using (var pipe = new WorkerPipe(new MemoryStream(), output, 1 << 20))
        {
            await pipe.WriteAsync(WorkerMessageKind.Send, 0, head, small, CancellationToken.None);
            Assert.Equal(1, output.Writes);
            // Above 16 KB: the header, then the head and the payload from the caller's arrays (no copy into one buffer).
            await pipe.WriteAsync(WorkerMessageKind.Send, 0, head, payload, CancellationToken.None);
            Assert.Equal(4, output.Writes);
            await pipe.WriteAsync(WorkerMessageKind.Reply, 9, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, CancellationToken.None);
            Assert.Equal(5, output.Writes);
        }
        var bytes = output.ToArray();
        // u32 length of what follows, u8 kind, u32 id, body.
        int second = 9 + 12 + 1_000;
        Assert.Equal(5u + 12 + 1_000, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal(5u + 12 + 70_000, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(second)));
        Assert.Equal((byte)WorkerMessageKind.Send, bytes[second + 4]);
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(second + 5)));
        Assert.Equal(head, bytes[(second + 9)..(second + 21)]);
        Assert.Equal(payload, bytes[(second + 21)..(second + 21 + 70_000)]);
        Assert.Equal(second + 9 + 12 + 70_000 + 9, bytes.Length);

        await using var reader = new WorkerPipe(new MemoryStream(bytes), Stream.Null, 1 << 20);
        var first = await reader.ReadAsync(CancellationToken.None);
        Assert.Equal([.. head, .. small], first!.Value.Body);
        var large = await reader.ReadAsync(CancellationToken.None);
        Assert.Equal(WorkerMessageKind.Send, large!.Value.Kind);
        Assert.Equal([.. head, .. payload], large.Value.Body);
        var last = await reader.ReadAsync(CancellationToken.None);
        Assert.Equal((WorkerMessageKind.Reply, 9u, 0), (last!.Value.Kind, last.Value.Id, last.Value.Body.Length));
        Assert.Null(await reader.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AReturnedBodyIsFilledAgainByTheNextFrameOfItsSizeAndNeverHandedOutTwice()
    {
        var frames = new MemoryStream();
        await using (var writer = new WorkerPipe(new MemoryStream(), frames, 1 << 20))
        {
            foreach (byte fill in new byte[] { 1, 2, 3 })
                await writer.WriteAsync(WorkerMessageKind.Reply, fill, Enumerable.Repeat(fill, 100_000).ToArray(), ReadOnlyMemory<byte>.Empty, CancellationToken.None);
        }
        await using var reader = new WorkerPipe(new MemoryStream(frames.ToArray()), Stream.Null, 1 << 20, new Mpc.Net.ReceiveBufferPool(1 << 20));
        var first = (await reader.ReadAsync(CancellationToken.None))!.Value.Body;
        reader.ReturnBody(first);
        reader.ReturnBody(first);
        var second = (await reader.ReadAsync(CancellationToken.None))!.Value.Body;
        var third = (await reader.ReadAsync(CancellationToken.None))!.Value.Body;
        Assert.Same(first, second);
        Assert.NotSame(second, third);
        Assert.All(second, b => Assert.Equal(2, b));
        Assert.All(third, b => Assert.Equal(3, b));
    }

    [Fact]
    public void TheDaemonAsksForAMegabytePipeSoThatAPieceOfPreprocessingFitsWithoutBlockingTheWriter()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.In);
        using var client = new AnonymousPipeClientStream(PipeDirection.Out, server.ClientSafePipeHandle);
        int before = WorkerPipeStreams.Capacity(client);
        Assert.True(before > 0);
        // Granted, both ends see the new size; refused (a user over the pipe quota), the pipe stays as it was.
        if (WorkerPipeStreams.Enlarge(client)) Assert.Equal(1 << 20, WorkerPipeStreams.Capacity(server));
        else Assert.Equal(before, WorkerPipeStreams.Capacity(server));
        Assert.False(WorkerPipeStreams.Enlarge(new MemoryStream()));
        Assert.Equal(-1, WorkerPipeStreams.Capacity(new MemoryStream()));
    }

    [Fact]
    public async Task AWriteCancelledPartWayBreaksThePipeForEveryLaterFrame()
    {
        using var cancel = new CancellationTokenSource();
        var output = new CancellingStream(cancel);
        await using var pipe = new WorkerPipe(new MemoryStream(), output, 1 << 20);
        // The header goes out, then the body's write is cancelled: half a frame is on the pipe.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipe.WriteAsync(WorkerMessageKind.Send, 0, new byte[12], new byte[70_000], cancel.Token).AsTask());
        Assert.Equal(9, output.Length);
        await Assert.ThrowsAsync<IOException>(() => pipe.WriteAsync(WorkerMessageKind.Progress, 0, new byte[1], ReadOnlyMemory<byte>.Empty, CancellationToken.None).AsTask());
        Assert.Equal(9, output.Length);
    }

    [Fact]
    public async Task FramesFromConcurrentWritersArriveWholeOverARealPipe()
    {
        using var server = new AnonymousPipeServerStream(PipeDirection.In);
        using var client = new AnonymousPipeClientStream(PipeDirection.Out, server.ClientSafePipeHandle);
        await using var writer = new WorkerPipe(Stream.Null, client, 1 << 20);
        await using var reader = new WorkerPipe(server, Stream.Null, 1 << 20);
        const int Writers = 4, Frames = 50;
        var writes = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (int f = 0; f < Frames; f++)
                await writer.WriteAsync(WorkerMessageKind.Progress, (uint)(w * Frames + f), new byte[] { (byte)w }, Enumerable.Repeat((byte)f, 1000 * (f % 7) + 1).ToArray(), CancellationToken.None);
        })).ToList();
        var seen = new HashSet<uint>();
        for (int n = 0; n < Writers * Frames; n++)
        {
            var frame = await reader.ReadAsync(CancellationToken.None);
            Assert.NotNull(frame);
            int w = frame.Value.Body[0], f = (int)frame.Value.Id - w * Frames;
            Assert.Equal(1 + 1000 * (f % 7) + 1, frame.Value.Body.Length);
            Assert.All(frame.Value.Body.Skip(1), b => Assert.Equal((byte)f, b));
            Assert.True(seen.Add(frame.Value.Id));
        }
        await Task.WhenAll(writes);
    }

    [Fact]
    public async Task AFrameOverTheCapIsRefusedBeforeAnythingIsWrittenAndAnAnnouncedOneBeforeItsBodyIsRead()
    {
        var output = new CountingStream();
        await using var pipe = new WorkerPipe(new MemoryStream(), output, 100);
        await Assert.ThrowsAsync<InvalidDataException>(() => pipe.WriteAsync(WorkerMessageKind.Send, 0, new byte[12], new byte[89], CancellationToken.None).AsTask());
        Assert.Equal(0, output.Writes);

        var announced = new byte[9];
        BinaryPrimitives.WriteUInt32LittleEndian(announced, 5 + 101);
        announced[4] = (byte)WorkerMessageKind.Send;
        await using var reader = new WorkerPipe(new MemoryStream(announced), Stream.Null, 100);
        await Assert.ThrowsAsync<InvalidDataException>(() => reader.ReadAsync(CancellationToken.None).AsTask());
    }

    // Takes the first write, then cancels its token and refuses the next one as a cancelled stream write would.
    private sealed class CancellingStream(CancellationTokenSource cancel) : MemoryStream
    {
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Length > 0)
            {
                await cancel.CancelAsync();
                cancellationToken.ThrowIfCancellationRequested();
            }
            await base.WriteAsync(buffer, cancellationToken);
        }
    }

    // Counts the writes callers make (MemoryStream's own async write calls its synchronous one: not counted twice).
    private sealed class CountingStream : MemoryStream
    {
        private bool _inside;

        public int Writes { get; private set; }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes++;
            _inside = true;
            try
            {
                return base.WriteAsync(buffer, cancellationToken);
            }
            finally
            {
                _inside = false;
            }
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (!_inside) Writes++;
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (!_inside) Writes++;
            base.Write(buffer);
        }
    }
}
