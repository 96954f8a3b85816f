using System.Buffers.Binary;
using System.Reflection;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Scripting.Worker;

namespace Mpc.Scripting.Tests;

/// <summary>
/// The daemon relays a (hostile) worker's sends without awaiting each, bytes in flight capped: a send of no payload still holds
/// the daemon's tasks and its place in a connection's queue, so empty sends must count too, or a worker flooding a link that
/// drains slowly makes the daemon hold millions of them.
/// </summary>
public class WorkerRelaySendBoundTests
{
    [Fact]
    public async Task AWorkerCannotMakeTheDaemonHoldSendsWithoutBoundBySendingEmptyOnes()
    {
        // A cap of 4 MB (the daemon's is 256 MB) is reached by 1,025 empty sends as the real one is by 65,537.
        const long Cap = 4L << 20;
        const int Sends = 3_000;
        var input = new MemoryStream();
        var frame = new byte[4 + 1 + 4 + 12];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, 5 + 12);
        frame[4] = (byte)WorkerMessageKind.Send;
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(9), 1);
        for (int i = 0; i < Sends; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(13), i + 1);
            input.Write(frame);
        }
        input.Position = 0;

        var channel = new StuckChannel();
        using var cancel = new CancellationTokenSource();
        var table = CsvTable.Parse(new StringReader("age\n1\n"), "test.csv");
        var context = new ProtocolContext(channel, ProtocolParameters.Bind([], new Dictionary<string, string>()), () => table, PairwiseSeeds.CreateForLocalParties(2)[0],
            PreprocessingMode.Ot, [], OpenRevealPolicy.Instance, new NoOutputs(), null, cancel.Token);
        var host = new ScriptWorkerHost(new ScriptImage([], [], "", ""), "flood", "flood.csx", 1, new FixedPointFormat(64, 16), [], context) { MaxBytesInFlight = Cap };
        await using var pipe = new WorkerPipe(input, Stream.Null, 1 << 20);
        var relay = (Task)typeof(ScriptWorkerHost).GetMethod("RelayAsync", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(host, [pipe, cancel.Token])!;

        // The link takes nothing: the relay must come near the cap (waited for as a condition; the deadline only guards a hang;
        // the session's own bytes share the cap), then either wait for sends to end or start every one of them.
        const long Near = Cap / ScriptWorkerHost.SendChargeBytes / 2;
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (channel.Started < Near && !relay.IsCompleted && DateTime.UtcNow < deadline)
            await Task.WhenAny(relay, Task.Delay(20));
        Assert.True(channel.Started >= Near, $"the relay started only {channel.Started} sends");
        int started = -1;
        for (int i = 0; i < 300 && !relay.IsCompleted && channel.Started != started; i++)
        {
            started = channel.Started;
            await Task.WhenAny(relay, Task.Delay(500));
        }
        started = channel.Started;
        await cancel.CancelAsync();
        try
        {
            await relay;
        }
        catch (OperationCanceledException)
        {
        }
        // The cap in flight, each send counted 4 KB more than its bytes.
        Assert.True(started <= Cap / ScriptWorkerHost.SendChargeBytes + 1, $"the daemon held {started} empty sends of the worker at once");
    }

    // Party 0 of two; a send never leaves until the session is cancelled.
    private sealed class StuckChannel : IPartyChannel
    {
        private int _started;

        public int Started => Volatile.Read(ref _started);

        public int PartyIndex => 0;

        public int PartyCount => 2;

        public string GetPartyName(int index) => $"p{index}";

        public async ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _started);
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private sealed class NoOutputs : IOutputSink
    {
        public ValueTask DeliverAsync(OutputShares shares, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
