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
internal sealed class ScriptWorkerHost
{
    // Past the script's own limit, the worker gets this long to report before it is killed.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private const int MaxFrameBytes = FramedConnection.DefaultMaxPayloadBytes + (1 << 16);
    private const int MaxProgressMessages = 10_000;
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
    private readonly CancellationTokenSource _stop;
    private Exception? _failure;
    private Process? _process;
    private bool _completed;
    private int _progressMessages;
    private int _lastPercent = -1;
    private string _lastStage = "";

    public ScriptWorkerHost(ScriptImage image, string scriptName, string scriptFile, FixedPointFormat format, IReadOnlyList<string> declaredStages, ProtocolContext context)
    {
        _image = image;
        _scriptName = scriptName;
        _scriptFile = scriptFile;
        _format = format;
        _declaredStages = declaredStages;
        _stages = ScriptExecution.ReportableStages(declaredStages);
        _context = context;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
    }

    private string Self => _context.PartyName;

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
            throw new ScriptWorkerException(ErrorMessages.ScriptWorkerUnavailable("see its log."), Self);
        }
        Logger.LogInformation("Script {Script}: worker process {Pid} started", _scriptName, _process.Id);
        var errors = PumpErrorsAsync(_process);
        var pipe = new WorkerPipe(_process.StandardOutput.BaseStream, _process.StandardInput.BaseStream, MaxFrameBytes);
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
        string missing = "";
        try
        {
            // The worker gets the cells, named by the dataset's configured name: never the file's path.
            string name = _context.Parameters.Values.GetValueOrDefault("dataset", "");
            dataset = WorkerDataset.From(_context.Dataset, name.Length > 0 ? $"dataset '{name}'" : "the dataset");
        }
        catch (InvalidDataException e)
        {
            missing = e.Message;
        }
        var seeds = Enumerable.Range(0, _context.PartyCount).Select(j => j == _context.PartyIndex ? null : _context.Seeds.SeedWith(j).ToArray()).ToArray();
        return new WorkerStart
        {
            ScriptName = _scriptName, ScriptFile = _scriptFile, Assembly = _image.Assembly, Symbols = _image.Symbols, EntryType = _image.EntryType, EntryMethod = _image.EntryMethod,
            FractionalBits = _format.FractionalBits, Stages = [.. _declaredStages], TimeLimitSeconds = _context.TimeLimit.TotalSeconds, PartyIndex = _context.PartyIndex,
            PartyNames = Enumerable.Range(0, _context.PartyCount).Select(_context.Channel.GetPartyName).ToArray(), PairSeeds = seeds,
            Preprocessing = _context.Preprocessing, DealerMaterial = _context.DealerMaterial, Parameters = _context.Parameters.Values,
            Dataset = dataset, MissingDatasetReason = missing,
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
                    await _context.Channel.SendAsync(peer, tag, frame.Body.AsMemory(12), cancellationToken).ConfigureAwait(false);
                    break;
                }
                case WorkerMessageKind.Receive:
                {
                    int peer = Peer(reader.ReadInt32());
                    long tag = reader.ReadInt64();
                    if (Interlocked.Increment(ref _pendingReceives) > MaxPendingReceives) throw Violation("too many receives at once");
                    _ = RelayReceiveAsync(pipe, frame.Id, peer, tag, cancellationToken);
                    break;
                }
                case WorkerMessageKind.CheckReveal:
                {
                    string output = reader.ReadString();
                    int elements = reader.ReadInt32();
                    int recipient = reader.ReadInt32();
                    if (elements < 0 || recipient < -2 || recipient >= _context.PartyCount) throw Violation("a reveal check out of range");
                    _context.RevealPolicy.CheckReveal(output, elements, recipient == -2 ? null : recipient);
                    if (recipient == -1 && !_granted.TryAdd(output, elements)) throw Violation("a second analyst output of one name");
                    await pipe.WriteAsync(WorkerMessageKind.Reply, frame.Id, ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty, cancellationToken).ConfigureAwait(false);
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

    // Progress carries a declared stage name and a whole percentage, each change once: no free text, no exact numbers.
    private void Progress(string stage, double fraction)
    {
        if (!_stages.Contains(stage)) stage = "";
        int percent = double.IsFinite(fraction) ? (int)Math.Clamp(Math.Floor(fraction * 100), 0, 100) : 0;
        if (stage == _lastStage && percent == _lastPercent) return;
        if (Interlocked.Increment(ref _progressMessages) > MaxProgressMessages) return;
        _lastStage = stage;
        _lastPercent = percent;
        _context.ReportProgress(stage, percent / 100.0);
    }

    private int Peer(int peer) =>
        peer >= 0 && peer < _context.PartyCount && peer != _context.PartyIndex ? peer : throw Violation($"a message for party index {peer}");

    private ScriptWorkerException Violation(string what)
    {
        Logger.LogWarning("Script {Script}: the worker sent {What}; the session stops", _scriptName, what);
        return new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed(Self, "relay", null, 0), Self);
    }

    private Exception Failed(BinaryReader reader)
    {
        string type = reader.ReadString();
        int line = reader.ReadInt32();
        var failure = (WorkerFailure)reader.ReadInt32();
        _ = reader.ReadString();
        string detail = reader.ReadString();
        // The full text may hold the party's values: it goes to this party's log only.
        Logger.LogWarning("Script {Script} failed at line {Line}: {Detail}", _scriptName, line, detail);
        if (!IsTypeName(type)) type = "ScriptException";
        return failure switch
        {
            WorkerFailure.TimeLimit => new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed(Self, "time", type, line), Self),
            WorkerFailure.MemoryLimit => new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed(Self, "memory", type, line), Self),
            WorkerFailure.DataProblem => new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed(Self, "data", type, line), Self),
            WorkerFailure.ParameterProblem => new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed(Self, "parameter", type, line), Self),
            // The worker saw a peer fail: the daemon's channel holds the peer's own reason, which wins when it is known.
            WorkerFailure.PeerAborted => (Exception?)(_context.Channel as TlsPartyChannel)?.Failure ?? new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed(Self, "crash", type, line), Self),
            _ => new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed(Self, "script", type, line), Self),
        };
    }

    private static bool IsTypeName(string type) => type.Length is > 0 and <= 64 && type.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    // The worker ended without a word: a crash, or a limit the watchdog enforced.
    private ScriptWorkerException Died(Process process)
    {
        string tail = string.Join(" | ", _errorLines.TakeLast(5));
        int code = process.HasExited ? process.ExitCode : -1;
        Logger.LogWarning("Script {Script}: the worker ended without a result (exit code {Code}): {Tail}", _scriptName, code, tail);
        string kind = _errorLines.Any(l => l.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase)) ? "stack"
            : _errorLines.Any(l => l.Contains("OutOfMemoryException", StringComparison.Ordinal)) ? "memory"
            : "crash";
        return new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed(Self, kind, $"exit code {code}", 0), Self);
    }

    private async Task WatchAsync(Process process, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var wallLimit = _context.TimeLimit + Grace;
        var cpuLimit = _context.TimeLimit * Environment.ProcessorCount + Grace;
        while (!process.HasExited)
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            try
            {
                process.Refresh();
                if (process.HasExited) return;
                string? kind = clock.Elapsed > wallLimit ? "time"
                    : process.TotalProcessorTime > cpuLimit ? "cpu"
                    : process.WorkingSet64 > _context.ScriptMemoryLimitBytes + (256L << 20) ? "memory"
                    : null;
                if (kind is null) continue;
                Logger.LogWarning("Script {Script}: the worker passed the {Limit} limit and is stopped", _scriptName, kind);
                Fail(new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed(Self, kind, null, 0), Self));
                return;
            }
            catch (InvalidOperationException)
            {
                return;
            }
        }
    }

    private async Task PumpErrorsAsync(Process process)
    {
        while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            Logger.LogDebug("Script {Script} worker: {Line}", _scriptName, line);
            _errorLines.Enqueue(line.Length > 500 ? line[..500] : line);
            while (_errorLines.Count > 50) _errorLines.TryDequeue(out _);
            if (line.StartsWith("warning:", StringComparison.Ordinal)) Logger.LogWarning("Script {Script} worker: {Line}", _scriptName, line);
        }
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
