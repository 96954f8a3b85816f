using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Scripting.Worker;

/// <summary>
/// The daemon's side of a script worker: starts the worker, hands it the session, relays its
/// messages to the party's connections, reveal policy and analyst, and enforces the party's
/// limits from outside (wall clock, processor time, memory). Whatever the worker does — fail,
/// crash, overflow its stack, loop, allocate without bound — ends this session only: the daemon
/// kills the worker, logs the detail, and aborts the session naming the cause.
/// </summary>
internal sealed partial class ScriptWorkerHost
{
    // Past the script's own limit, the worker gets this long to report before it is killed.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private const int MaxFrameBytes = FramedConnection.DefaultMaxPayloadBytes + (1 << 16);
    private const int MaxLibraryProgressMessages = 200;
    // Each waiting receive holds a mailbox in the daemon: a worker may not open them without bound.
    private const int MaxPendingReceives = 1 << 16;
    private int _pendingReceives;

    private readonly ScriptImage _image;
    private readonly string _scriptName;
    private readonly string _scriptFile;
    private readonly FixedPointFormat _format;
    private readonly IReadOnlyList<string> _declaredStages;
    private readonly IReadOnlySet<string> _stages;
    private readonly ProtocolContext _context;
    private readonly ConcurrentDictionary<string, int> _granted = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _errorLines = new();
    private readonly ConcurrentDictionary<(int Peer, long Tag), byte> _receiving = new();
    private volatile string? _runtimeAbort;
    private readonly CancellationTokenSource _stop;
    private readonly int _scriptLines;
    private Exception? _failure;
    private Exception? _datasetFailure;
    private Process? _process;
    private bool _completed;
    private int _lastDeclared = -1;
    private int _libraryMessages;
    private int _lastTenths = -1;
    private string _lastStage = "";

    public ScriptWorkerHost(ScriptImage image, string scriptName, string scriptFile, int scriptLines, FixedPointFormat format, IReadOnlyList<string> declaredStages, ProtocolContext context)
    {
        _scriptLines = scriptLines;
        _image = image;
        _scriptName = scriptName;
        _scriptFile = scriptFile;
        _format = format;
        _declaredStages = declaredStages;
        _stages = ScriptExecution.ReportableStages(declaredStages);
        _context = context;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
    }

    private ILogger Logger => _context.Logger;

    public async Task RunAsync()
    {
        var start = CreateStart();
        try
        {
            _process = ScriptWorkerLauncher.Start(_context.ScriptMemoryLimitBytes);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Logger.LogError("Session script {Script}: the worker did not start: {Reason}", _scriptName, e.Message);
            throw new ScriptWorkerException(ScriptingErrors.WorkerUnavailableSeeLog, ScriptingErrors.WorkerDidNotStart, dependsOnValues: false);
        }
        Logger.LogInformation("Script {Script}: worker process {Pid} started", _scriptName, _process.Id);
        var errors = PumpErrorsAsync(_process);
        // Only slower where refused (this Unix user's pipes over their kernel quota), so the party's own log says why.
        if (!(WorkerPipeStreams.Enlarge(_process.StandardOutput.BaseStream) & WorkerPipeStreams.Enlarge(_process.StandardInput.BaseStream)))
            Logger.LogInformation("Script {Script}: the kernel kept the worker's pipes at their default size (pipe-user-pages-soft reached?); the relay is slower, not wrong", _scriptName);
        var pipe = new WorkerPipe(_process.StandardOutput.BaseStream, _process.StandardInput.BaseStream, MaxFrameBytes, new ReceiveBufferPool(ReceiveBufferPool.DefaultCapacityBytes));
        var watch = WatchAsync(_process, _stop.Token);
        try
        {
            await pipe.WriteAsync(WorkerMessageKind.Start, 0, start.Encode(), ReadOnlyMemory<byte>.Empty, _stop.Token).ConfigureAwait(false);
            await RelayAsync(pipe, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(e is OperationCanceledException && _context.Cancellation.IsCancellationRequested ? new OperationCanceledException(_context.Cancellation) : e);
        }
        finally
        {
            Kill();
            await _stop.CancelAsync().ConfigureAwait(false);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            await errors.ConfigureAwait(false);
            try
            {
                await watch.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            await pipe.DisposeAsync().ConfigureAwait(false);
            _stop.Dispose();
        }
        if (_completed && _failure is null) return;
        throw _failure ?? Died(_process);
    }

    private WorkerStart CreateStart()
    {
        WorkerDataset? dataset = null;
        try
        {
            // The worker gets the cells and the dataset's public name: never the file's path.
            dataset = WorkerDataset.From(_context.Dataset);
        }
        catch (Exception e) when (e is DataProblemException or ParameterProblemException or InvalidDataException or IOException)
        {
            // Raised here, as in-process, if and when the script asks for the dataset.
            _datasetFailure = e;
        }
        var seeds = Enumerable.Range(0, _context.PartyCount).Select(j => j == _context.PartyIndex ? null : _context.Seeds.SeedWith(j).ToArray()).ToArray();
        return new WorkerStart
        {
            ScriptName = _scriptName, ScriptFile = _scriptFile, Assembly = _image.Assembly, Symbols = _image.Symbols, EntryType = _image.EntryType, EntryMethod = _image.EntryMethod,
            FractionalBits = _format.FractionalBits, Stages = [.. _declaredStages], TimeLimitSeconds = _context.TimeLimit.TotalSeconds, PartyIndex = _context.PartyIndex,
            PartyNames = Enumerable.Range(0, _context.PartyCount).Select(_context.Channel.GetPartyName).ToArray(), PairSeeds = seeds,
            Preprocessing = _context.Preprocessing, DealerMaterial = _context.DealerMaterial, Parameters = _context.Parameters.Values,
            Dataset = dataset, Limits = _context.Limits,
        };
    }

    private async Task RelayAsync(WorkerPipe pipe, CancellationToken cancellationToken)
    {
        while (await pipe.ReadAsync(cancellationToken).ConfigureAwait(false) is { } frame)
        {
            using var reader = new BinaryReader(new MemoryStream(frame.Body));
            switch (frame.Kind)
            {
                case WorkerMessageKind.Send:
                {
                    int peer = Peer(reader.ReadInt32());
                    long tag = reader.ReadInt64();
                    var body = frame.Body;
                    await StartSendAsync(async () =>
                    {
                        await _context.Channel.SendAsync(peer, tag, body.AsMemory(12), cancellationToken).ConfigureAwait(false);
                        // Sent: the channel holds no reference, and the next relayed piece of this size is read into it.
                        pipe.ReturnBody(body);
                    }, body.Length).ConfigureAwait(false);
                    break;
                }
                case WorkerMessageKind.SendAll:
                {
                    long tag = reader.ReadInt64();
                    var payload = frame.Body.AsMemory(8);
                    for (int peer = 0; peer < _context.PartyCount; peer++)
                    {
                        int to = peer;
                        if (to != _context.PartyIndex) await StartSendAsync(() => _context.Channel.SendAsync(to, tag, payload, cancellationToken).AsTask(), payload.Length).ConfigureAwait(false);
                    }
                    break;
                }
                case WorkerMessageKind.Receive:
                {
                    int peer = Peer(reader.ReadInt32());
                    long tag = reader.ReadInt64();
                    if (Interlocked.Increment(ref _pendingReceives) > MaxPendingReceives) throw Violation("too many receives at once");
                    // A message is received once at a time: two receives of it would hand out, and return to the pool, the same buffer twice.
                    if (!_receiving.TryAdd((peer, tag), 0)) throw Violation($"a second receive of message {tag} from party {peer}");
                    _ = RelayReceiveAsync(pipe, frame.Id, peer, tag, cancellationToken);
                    break;
                }
                case WorkerMessageKind.CheckReveal:
                {
                    string output = reader.ReadString();
                    int elements = reader.ReadInt32();
                    if (!RevealRecipient.TryFromWire(reader.ReadInt32(), _context.PartyCount, out var recipient) || elements < 0) throw Violation("a reveal check out of range");
                    _context.RevealPolicy.CheckReveal(output, elements, recipient);
                    if (recipient.IsAnalyst && !_granted.TryAdd(output, elements)) throw Violation("a second analyst output of one name");
                    // The worker does not wait for a granted reveal (id 0): it sent the opening's frames behind this one.
                    if (frame.Id != 0) await pipe.WriteAsync(WorkerMessageKind.Reply, frame.Id, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    break;
                }
                case WorkerMessageKind.CheckNoisedRelease:
                {
                    string output = reader.ReadString();
                    var release = new NoisedRelease(reader.ReadString(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32(), reader.ReadDouble());
                    _context.RevealPolicy.CheckNoisedRelease(output, release);
                    await pipe.WriteAsync(WorkerMessageKind.Reply, frame.Id, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    break;
                }
                case WorkerMessageKind.CheckDisclosure:
                {
                    string output = reader.ReadString();
                    byte kind = reader.ReadByte();
                    string column = reader.ReadString();
                    int count = reader.ReadInt32();
                    if (kind > (byte)DisclosureKind.GroupSizes || count < 0 || count > (frame.Body.Length / sizeof(double))) throw Violation("a disclosure check out of range");
                    // The column goes into a refusal's public text, so it must be one of the dataset's names, not the worker's words.
                    if (column.Length > 0 && !_context.Dataset.ColumnNames.Contains(column, StringComparer.Ordinal)) throw Violation("a disclosure check of an unknown column");
                    var sizes = new double[count];
                    for (int i = 0; i < count; i++) sizes[i] = reader.ReadDouble();
                    _context.RevealPolicy.CheckDisclosure(output, (DisclosureKind)kind, column, sizes);
                    await pipe.WriteAsync(WorkerMessageKind.Reply, frame.Id, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    break;
                }
                case WorkerMessageKind.Output:
                {
                    var shares = ReadOutput(reader, frame.Body);
                    await _context.Outputs.DeliverAsync(shares, cancellationToken).ConfigureAwait(false);
                    await pipe.WriteAsync(WorkerMessageKind.Reply, frame.Id, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
                    break;
                }
                case WorkerMessageKind.Progress:
                    Progress(reader.ReadString(), reader.ReadDouble());
                    break;
                case WorkerMessageKind.Done:
                    await SendsFinishedAsync().ConfigureAwait(false);
                    _context.RecordWorkerStatistics(reader.ReadInt64(), reader.ReadInt64());
                    _completed = true;
                    Logger.LogInformation("Script {Script}: the worker finished", _scriptName);
                    return;
                case WorkerMessageKind.Failed:
                    throw Failed(reader);
                default:
                    throw Violation($"a {frame.Kind} frame");
            }
        }
    }

    private async Task RelayReceiveAsync(WorkerPipe pipe, uint id, int peer, long tag, CancellationToken cancellationToken)
    {
        try
        {
            var payload = await _context.Channel.ReceiveAsync(peer, tag, cancellationToken).ConfigureAwait(false);
            _receiving.TryRemove((peer, tag), out _);
            await pipe.WriteAsync(WorkerMessageKind.Reply, id, payload, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
            _context.Channel.Release(payload);
            Interlocked.Decrement(ref _pendingReceives);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(e is OperationCanceledException && _context.Cancellation.IsCancellationRequested ? new OperationCanceledException(_context.Cancellation) : e);
        }
    }

    // An analyst output is delivered only as the policy granted it: its declared name, once, with the length it checked.
    private OutputShares ReadOutput(BinaryReader reader, byte[] body)
    {
        string name = reader.ReadString();
        int rows = reader.ReadInt32();
        int columns = reader.ReadInt32();
        int scale = reader.ReadInt32();
        int ringBits = reader.ReadInt32();
        var shares = body.AsSpan((int)reader.BaseStream.Position).ToArray();
        if (!_granted.TryRemove(name, out int elements)) throw Violation($"an output '{name}' the reveal policy did not grant");
        if (rows < 0 || columns < 0 || (long)rows * columns != elements || ringBits != _format.RingBits || shares.Length != (long)elements * (ringBits / 8) || scale < 0 || scale > ringBits)
            throw Violation($"an output '{name}' of another shape than the policy granted");
        return new OutputShares(name, rows, columns, scale, ringBits, shares);
    }

    private int Peer(int peer) =>
        peer >= 0 && peer < _context.PartyCount && peer != _context.PartyIndex ? peer : throw Violation($"a message for party index {peer}");

    private ScriptWorkerException Violation(string what)
    {
        Logger.LogWarning("Script {Script}: the worker sent {What}; the session stops", _scriptName, what);
        return new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed("relay"), $"the worker sent {what}");
    }

    private void Fail(Exception e)
    {
        Interlocked.CompareExchange(ref _failure, e, null);
        Kill();
    }

    private void Kill()
    {
        try
        {
            if (_process is { HasExited: false } process) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended by itself in between.
        }
    }
}
