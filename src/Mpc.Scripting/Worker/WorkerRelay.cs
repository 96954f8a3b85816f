using System.Buffers.Binary;
using System.Collections.Concurrent;
using Mpc.Runtime;

namespace Mpc.Scripting.Worker;

/// <summary>
/// The worker's side of the relay: the runtime's channel, reveal policy and output sink, each a
/// request to the daemon, which holds the party's connections, policy and ledger. A refused reveal
/// or a failed peer never answers here: the daemon ends the worker and the session.
/// </summary>
internal sealed class WorkerRelay : IPartyChannel, IRevealPolicy, IOutputSink
{
    private readonly WorkerPipe _pipe;
    private readonly string[] _names;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<byte[]>> _pending = new();
    private int _nextId;

    public WorkerRelay(WorkerPipe pipe, int partyIndex, string[] names)
    {
        _pipe = pipe;
        PartyIndex = partyIndex;
        _names = names;
    }

    public int PartyIndex { get; }

    public int PartyCount => _names.Length;

    /// <summary>Bytes the runtime sent to peers through the relay.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    private long _bytesSent;

    public string GetPartyName(int index) => _names[index];

    public async ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var head = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(head, peer);
        BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(4), tag);
        Interlocked.Add(ref _bytesSent, payload.Length);
        await _pipe.WriteAsync(WorkerMessageKind.Send, 0, head, payload, cancellationToken).ConfigureAwait(false);
    }

    // One frame for every peer (the leader's sum goes to 19 peers a step at 20 parties): the daemon sends it to each.
    public async ValueTask SendToAllAsync(long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var head = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(head, tag);
        Interlocked.Add(ref _bytesSent, (long)payload.Length * (PartyCount - 1));
        await _pipe.WriteAsync(WorkerMessageKind.SendAll, 0, head, payload, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken)
    {
        var head = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(head, peer);
        BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(4), tag);
        return await RequestAsync(WorkerMessageKind.Receive, head, cancellationToken).ConfigureAwait(false);
    }

    public void Release(byte[] payload) => _pipe.ReturnBody(payload);

    public void CheckReveal(string outputName, int elementCount, RevealRecipient recipient)
    {
        var body = Encode(writer =>
        {
            writer.Write(outputName);
            writer.Write(elementCount);
            writer.Write(recipient.ToWire());
        });
        // Not waited for (request id 0): the daemon handles this pipe's frames in order, so a refused reveal ends the session before
        // any later frame (the opening's sends, receives, outputs) is relayed; a reply cost every opening a round trip (issue 29).
        _pipe.WriteAsync(WorkerMessageKind.CheckReveal, 0, body, ReadOnlyMemory<byte>.Empty, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    public void CheckNoisedRelease(string outputName, NoisedRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        var body = Encode(writer =>
        {
            writer.Write(outputName);
            writer.Write(release.Mechanism);
            writer.Write(release.L1Sensitivity);
            writer.Write(release.L2Sensitivity);
            writer.Write(release.Noise);
            writer.Write(release.Epsilon);
            writer.Write(release.Delta);
            writer.Write(release.HonestParties);
            writer.Write(release.SamplingRate);
        });
        RequestAsync(WorkerMessageKind.CheckNoisedRelease, body, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    public void CheckDisclosure(string outputName, DisclosureKind kind, string column, IReadOnlyList<double> localSizes)
    {
        ArgumentNullException.ThrowIfNull(localSizes);
        var body = Encode(writer =>
        {
            writer.Write(outputName);
            writer.Write((byte)kind);
            writer.Write(column);
            writer.Write(localSizes.Count);
            foreach (var size in localSizes) writer.Write(size);
        });
        RequestAsync(WorkerMessageKind.CheckDisclosure, body, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    public async ValueTask DeliverAsync(OutputShares shares, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shares);
        var head = Encode(writer =>
        {
            writer.Write(shares.Name);
            writer.Write(shares.Rows);
            writer.Write(shares.Columns);
            writer.Write(shares.Scale);
            writer.Write(shares.RingBits);
        });
        await RequestAsync(WorkerMessageKind.Output, [.. head, .. shares.Shares], cancellationToken).ConfigureAwait(false);
    }

    public void ReportProgress(string stage, double fraction)
    {
        var body = Encode(writer =>
        {
            writer.Write(stage ?? "");
            writer.Write(fraction);
        });
        _ = _pipe.WriteAsync(WorkerMessageKind.Progress, 0, body, ReadOnlyMemory<byte>.Empty, CancellationToken.None).AsTask();
    }

    /// <summary>Files the daemon's replies until its end of the pipe closes.</summary>
    public async Task ReadRepliesAsync()
    {
        try
        {
            while (await _pipe.ReadAsync(CancellationToken.None).ConfigureAwait(false) is { } frame)
            {
                if (frame.Kind != WorkerMessageKind.Reply) throw new InvalidDataException(ScriptingErrors.DaemonSentDuringSession(frame.Kind));
                if (_pending.TryRemove(frame.Id, out var pending)) pending.TrySetResult(frame.Body);
            }
        }
        finally
        {
            var closed = new ProtocolAbortedException("The daemon closed the worker's relay.");
            foreach (var pending in _pending.Values) pending.TrySetException(closed);
        }
    }

    private async ValueTask<byte[]> RequestAsync(WorkerMessageKind kind, byte[] body, CancellationToken cancellationToken)
    {
        uint id = unchecked((uint)Interlocked.Increment(ref _nextId));
        var reply = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        await _pipe.WriteAsync(kind, id, body, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
        return await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static byte[] Encode(Action<BinaryWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer)) write(writer);
        return buffer.ToArray();
    }
}
