using System.Net.Sockets;

namespace Mpc.Net;

/// <summary>
/// The socket under a TLS stream, with a buffer for each direction. SslStream writes and reads one 16 KB record at a
/// time, each a system call and, on the reading side, often a wake-up; here writes gather until a flush (or a full
/// buffer) and reads take whatever the socket holds, up to <see cref="BufferSize"/>, so a large frame moves in a few
/// large calls. One reader and one writer may run at once, as on a NetworkStream; each direction has its own buffer.
/// </summary>
public sealed class BufferedSocketStream : Stream
{
    /// <summary>Bytes per direction: 16 TLS records.</summary>
    public const int BufferSize = 256 << 10;

    private readonly NetworkStream _inner;
    private readonly byte[] _writeBuffer = new byte[BufferSize];
    private readonly byte[] _readBuffer = new byte[BufferSize];
    private int _written;
    private int _readStart;
    private int _readEnd;
    // 1 while a write or flush runs: closing then skips its own flush.
    private int _writing;

    public BufferedSocketStream(NetworkStream inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.Length == 0) return 0;
        if (_readStart == _readEnd)
        {
            if (buffer.Length >= BufferSize) return _inner.Read(buffer);
            (_readStart, _readEnd) = (0, _inner.Read(_readBuffer, 0, BufferSize));
        }
        return TakeBuffered(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        if (_readStart == _readEnd)
        {
            if (buffer.Length >= BufferSize) return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            int n = await _inner.ReadAsync(_readBuffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false);
            (_readStart, _readEnd) = (0, n);
        }
        return TakeBuffered(buffer.Span);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Volatile.Write(ref _writing, 1);
        try
        {
            while (buffer.Length > 0)
            {
                if (_written == BufferSize) FlushCore();
                int n = Math.Min(buffer.Length, BufferSize - _written);
                buffer[..n].CopyTo(_writeBuffer.AsSpan(_written));
                _written += n;
                buffer = buffer[n..];
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref _writing, 1);
        try
        {
            while (buffer.Length > 0)
            {
                if (_written == BufferSize) await FlushCoreAsync(cancellationToken).ConfigureAwait(false);
                int n = Math.Min(buffer.Length, BufferSize - _written);
                buffer[..n].Span.CopyTo(_writeBuffer.AsSpan(_written));
                _written += n;
                buffer = buffer[n..];
            }
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    public override void Flush()
    {
        Volatile.Write(ref _writing, 1);
        try
        {
            FlushCore();
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _writing, 1);
        try
        {
            await FlushCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _writing, 0);
        }
    }

    private void FlushCore()
    {
        if (_written == 0) return;
        _inner.Write(_writeBuffer, 0, _written);
        _written = 0;
    }

    private async ValueTask FlushCoreAsync(CancellationToken cancellationToken)
    {
        if (_written == 0) return;
        await _inner.WriteAsync(_writeBuffer.AsMemory(0, _written), cancellationToken).ConfigureAwait(false);
        _written = 0;
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private int TakeBuffered(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _readEnd - _readStart);
        _readBuffer.AsSpan(_readStart, n).CopyTo(buffer);
        _readStart += n;
        return n;
    }

    // What was written and not flushed still goes out when the stream closes, unless a write is under way (an abort
    // closing the connection under a sender: its half-written bytes must not follow) and only for as long as a stalled
    // peer lets it: closing never waits more than a second on the socket.
    private static readonly TimeSpan ClosingFlushLimit = TimeSpan.FromSeconds(1);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
            {
                try
                {
                    _inner.Socket.SendTimeout = (int)ClosingFlushLimit.TotalMilliseconds;
                    FlushCore();
                }
                catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException)
                {
                }
            }
            _inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.CompareExchange(ref _writing, 1, 0) == 0)
        {
            using var limit = new CancellationTokenSource(ClosingFlushLimit);
            try
            {
                await FlushCoreAsync(limit.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException or OperationCanceledException)
            {
            }
        }
        await _inner.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
