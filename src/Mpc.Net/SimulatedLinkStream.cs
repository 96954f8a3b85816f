using System.Diagnostics;
using System.Threading.Channels;

namespace Mpc.Net;

/// <summary>
/// The sending side of a simulated link (<see cref="NetworkModel"/>) over a real stream: a write is
/// held while its bytes serialise at the link's bandwidth, then delivered to the inner stream one
/// latency later, in order; reads pass through. Each party wraps what it sends, so both directions
/// of a connection are shaped.
/// </summary>
public sealed class SimulatedLinkStream : Stream
{
    // Waits shorter than this are not worth a timer: the debt is carried into the next departure instead.
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(1);

    private readonly Stream _inner;
    private readonly NetworkModel _model;
    private readonly Channel<(byte[] Bytes, long DeliverAt)> _inFlight = Channel.CreateUnbounded<(byte[], long)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _pump;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private long _nextDeparture;
    private Exception? _failure;

    public SimulatedLinkStream(Stream inner, NetworkModel model)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(model);
        _inner = inner;
        _model = model;
        _pump = Task.Run(PumpAsync);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_failure is not null) throw new IOException(NetErrors.SimulatedLinkFailed, _failure);
        if (buffer.Length == 0) return;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            long now = Stopwatch.GetTimestamp();
            double seconds = buffer.Length * 8.0 / _model.BitsPerSecond;
            long departure = Math.Max(now, _nextDeparture) + (long)(seconds * Stopwatch.Frequency);
            _nextDeparture = departure;
            // The sender is held while its bytes serialise, as a link of that bandwidth holds it.
            var wait = Stopwatch.GetElapsedTime(now, departure);
            if (wait >= MinimumWait) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            long deliverAt = departure + (long)(_model.Latency.TotalSeconds * Stopwatch.Frequency);
            await _inFlight.Writer.WriteAsync((buffer.ToArray(), deliverAt), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

    // Bytes are flushed by the pump when they arrive; a flush here has nothing to push.
    public override Task FlushAsync(CancellationToken cancellationToken) => _failure is null ? Task.CompletedTask : Task.FromException(new IOException("The simulated link failed.", _failure));

    public override void Flush()
    {
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private async Task PumpAsync()
    {
        try
        {
            await foreach (var (bytes, deliverAt) in _inFlight.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deliverAt);
                if (wait >= MinimumWait) await Task.Delay(wait, _stop.Token).ConfigureAwait(false);
                await _inner.WriteAsync(bytes, _stop.Token).ConfigureAwait(false);
                // Only the last of a burst needs a flush; the inner stream sends what it holds on it.
                if (!_inFlight.Reader.TryPeek(out _)) await _inner.FlushAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _failure = e;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // What is in flight still arrives, as on a real link, unless the peer stops reading.
        _inFlight.Writer.TryComplete();
        await Task.WhenAny(_pump, Task.Delay(_model.Latency + TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _inner.DisposeAsync().ConfigureAwait(false);
        if (_pump.IsCompleted)
        {
            _stop.Dispose();
            _writeGate.Dispose();
        }
        GC.SuppressFinalize(this);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _inFlight.Writer.TryComplete();
            _stop.Cancel();
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    private int _disposed;
}
