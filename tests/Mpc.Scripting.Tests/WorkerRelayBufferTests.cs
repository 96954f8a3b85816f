using System.Buffers.Binary;
using System.IO.Pipes;
using System.Reflection;
using System.Runtime.InteropServices;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;
using Mpc.Scripting.Worker;

namespace Mpc.Scripting.Tests;

/// <summary>
/// Both ends of the relay pool the bodies of large frames by size: an array may go back to its pool only when nothing reads
/// it any more, or a later frame of its size is read into a payload still on its way.
/// </summary>
public class WorkerRelayBufferTests
{
    private const int PayloadBytes = 100_000;

    [Fact]
    public async Task TheDaemonReusesARelayedSendsBodyOnlyAfterTheSendCompleted()
    {
        // Two sends of one size, then Done: the second body is read while the first send is still under way.
        var input = new MemoryStream();
        foreach (byte fill in new byte[] { 1, 2 })
        {
            var head = new byte[12];
            BinaryPrimitives.WriteInt32LittleEndian(head, 1);
            BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(4), fill);
            input.Write(Frame(WorkerMessageKind.Send, 0, [.. head, .. Enumerable.Repeat(fill, PayloadBytes)]));
        }
        input.Write(Frame(WorkerMessageKind.Done, 0, new byte[16]));
        input.Position = 0;

        var channel = new HeldChannel(2);
        var table = CsvTable.Parse(new StringReader("age\n1\n"), "test.csv");
        var context = new ProtocolContext(channel, ProtocolParameters.Bind([], new Dictionary<string, string>()), () => table, PairwiseSeeds.CreateForLocalParties(2)[0],
            PreprocessingMode.Ot, [], OpenRevealPolicy.Instance, new NoOutputs(), null, CancellationToken.None);
        var host = new ScriptWorkerHost(new ScriptImage([], [], "", ""), "relay", "relay.csx", 1, new FixedPointFormat(64, 16), [], context);
        var pool = new ReceiveBufferPool(16 << 20);
        await using var pipe = new WorkerPipe(input, Stream.Null, 1 << 20, pool);
        await (Task)typeof(ScriptWorkerHost).GetMethod("RelayAsync", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(host, [pipe, CancellationToken.None])!;

        // Each send saw its own bytes when it completed, from two arrays, both back in the pool afterwards.
        Assert.Equal([true, true], channel.Intact);
        Assert.NotNull(channel.Payloads[0]);
        Assert.NotSame(channel.Payloads[0], channel.Payloads[1]);
        Assert.Equal(2L * (12 + PayloadBytes), pool.HeldBytes);
    }

    [Fact]
    public async Task TheWorkersReleaseOfAReceivedPayloadLetsTheNextReplyOfItsSizeBeReadIntoIt()
    {
        using var toWorker = new AnonymousPipeServerStream(PipeDirection.Out);
        using var workerInput = new AnonymousPipeClientStream(PipeDirection.In, toWorker.ClientSafePipeHandle);
        var pipe = new WorkerPipe(workerInput, Stream.Null, 1 << 20, new ReceiveBufferPool(16 << 20));
        var relay = new WorkerRelay(pipe, 0, ["a", "b"]);
        var replies = relay.ReadRepliesAsync();
        try
        {
            // Request ids count from 1; each reply is sent once its request is out, the second after the first payload's release.
            var first = relay.ReceiveAsync(1, 10, CancellationToken.None).AsTask();
            await toWorker.WriteAsync(Frame(WorkerMessageKind.Reply, 1, Enumerable.Repeat((byte)1, PayloadBytes).ToArray()));
            var firstPayload = await first;
            relay.Release(firstPayload);
            var second = relay.ReceiveAsync(1, 11, CancellationToken.None).AsTask();
            await toWorker.WriteAsync(Frame(WorkerMessageKind.Reply, 2, Enumerable.Repeat((byte)2, PayloadBytes).ToArray()));
            var secondPayload = await second;

            Assert.Same(firstPayload, secondPayload);
            Assert.All(secondPayload, b => Assert.Equal(2, b));
        }
        finally
        {
            // The reader's pending read ends with the writer's end, before the pipe it reads is disposed.
            toWorker.Dispose();
            await replies;
            await pipe.DisposeAsync();
        }
    }

    private static byte[] Frame(WorkerMessageKind kind, uint id, byte[] body)
    {
        var frame = new byte[9 + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)(5 + body.Length));
        frame[4] = (byte)kind;
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(5), id);
        body.CopyTo(frame, 9);
        return frame;
    }

    // Party 0 of two: every send waits until the given number of sends have started, then checks that its payload still holds
    // the byte its tag names (the relay's sends run side by side, so a body reused too early shows here).
    private sealed class HeldChannel(int hold) : IPartyChannel
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _started;

        public List<bool> Intact { get; } = [];

        public List<byte[]?> Payloads { get; } = [];

        public int PartyIndex => 0;

        public int PartyCount => 2;

        public string GetPartyName(int index) => $"p{index}";

        public async ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _started) == hold) _all.TrySetResult();
            await _all.Task.WaitAsync(cancellationToken);
            bool intact = payload.Length == PayloadBytes && payload.Span.IndexOfAnyExcept((byte)tag) < 0;
            lock (Intact)
            {
                Intact.Add(intact);
                Payloads.Add(MemoryMarshal.TryGetArray(payload, out var segment) ? segment.Array : null);
            }
        }

        public ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class NoOutputs : IOutputSink
    {
        public ValueTask DeliverAsync(OutputShares shares, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
