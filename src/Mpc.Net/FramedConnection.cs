using System.Buffers.Binary;
using System.IO.Pipelines;

namespace Mpc.Net;

/// <summary>
/// Frames over an authenticated stream, written with System.IO.Pipelines and read header first, then
/// the payload straight into its array. Every byte from the peer is untrusted: the payload length is
/// checked against the current receive limit before the payload is allocated or read, and an unknown
/// kind is rejected.
/// </summary>
/// <remarks>
/// Wire format of a frame: a 29-byte header (payload length, uint32 little-endian; session id, 16
/// bytes; tag, int64 little-endian; kind, 1 byte) then the payload. The receive limit starts small on
/// a daemon's connections (a few MiB at most, until the connection belongs to an admitted session)
/// and is raised to <see cref="MaxPayloadBytes"/> only for admitted peer connections.
/// </remarks>
public sealed class FramedConnection : IAsyncDisposable
{
    /// <summary>Default cap on a frame's payload: 256 MiB, enough for 8 million Z_2^128 elements in one round.</summary>
    public const int DefaultMaxPayloadBytes = 256 << 20;

    private readonly Stream _stream;
    // Only the (single) reader uses it.
    private readonly byte[] _header = new byte[Frame.HeaderSize];
    private readonly PipeWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public FramedConnection(Stream stream, string peerName, int maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        PeerName = peerName;
        MaxPayloadBytes = maxPayloadBytes;
        _receiveLimit = maxPayloadBytes;
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 1 << 16, leaveOpen: true));
    }

    public string PeerName { get; }

    /// <summary>The key fingerprint the other side presented in the TLS handshake (null: not over TLS); during a rotation it may be its previous key.</summary>
    public string? PresentedKey { get; init; }

    /// <summary>The largest payload this side sends, and the most <see cref="ReceiveLimit"/> may be raised to.</summary>
    public int MaxPayloadBytes { get; }

    private volatile int _receiveLimit;

    /// <summary>The largest payload the next read accepts (checked before anything is allocated); at most <see cref="MaxPayloadBytes"/>.</summary>
    public int ReceiveLimit
    {
        get => _receiveLimit;
        set => _receiveLimit = value is > 0 && value <= MaxPayloadBytes ? value : throw new ArgumentOutOfRangeException(nameof(value), value, NetErrors.ReceiveLimitOutOfRange(MaxPayloadBytes));
    }

    public long BytesSent { get; private set; }

    public long BytesReceived { get; private set; }

    /// <summary>Writes one frame; <paramref name="onWrite"/> runs under the write lock, so what it logs is in wire order even when sends are concurrent.</summary>
    public async ValueTask SendAsync(Guid sessionId, long tag, FrameKind kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken, Action? onWrite = null)
    {
        if (payload.Length > MaxPayloadBytes) throw new FrameFormatException(NetErrors.FrameOverCap(payload.Length, MaxPayloadBytes));
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            onWrite?.Invoke();
            var header = _writer.GetSpan(Frame.HeaderSize);
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
            sessionId.TryWriteBytes(header.Slice(4, 16));
            BinaryPrimitives.WriteInt64LittleEndian(header.Slice(20, 8), tag);
            header[28] = (byte)kind;
            _writer.Advance(Frame.HeaderSize);
            var result = await _writer.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
            if (result.IsCompleted) throw new IOException(NetErrors.ConnectionClosed(PeerName));
            BytesSent += Frame.HeaderSize + payload.Length;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The next frame, or null when the peer closed the connection cleanly between frames.</summary>
    public ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken) => ReadAsync(null, cancellationToken);

    /// <summary>As <see cref="ReadAsync(CancellationToken)"/>, the payload read into an array from <paramref name="pool"/> when it has one of that size.</summary>
    public async ValueTask<Frame?> ReadAsync(ReceiveBufferPool? pool, CancellationToken cancellationToken)
    {
        // Header first, checked before anything else is read; then the payload straight from the stream into its own array
        // (no pipe in between: frames of megabytes would otherwise be copied twice more after decryption).
        int got = await FillAsync(_header, cancellationToken).ConfigureAwait(false);
        if (got == 0) return null;
        if (got < Frame.HeaderSize) throw MidFrame(got);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_header);
        int limit = _receiveLimit;
        if (length > (uint)limit) throw new FrameFormatException(NetErrors.AnnouncedFrameOverCap(PeerName, length, limit));
        var kind = (FrameKind)_header[28];
        if (kind is not (FrameKind.Control or FrameKind.Data)) throw new FrameFormatException(NetErrors.UnknownFrameKind(PeerName, _header[28]));
        var session = new Guid(_header.AsSpan(4, 16));
        long tag = BinaryPrimitives.ReadInt64LittleEndian(_header.AsSpan(20, 8));
        var payload = pool?.Rent((int)length) ?? GC.AllocateUninitializedArray<byte>((int)length);
        got = await FillAsync(payload, cancellationToken).ConfigureAwait(false);
        if (got < payload.Length) throw MidFrame(Frame.HeaderSize + got);
        BytesReceived += Frame.HeaderSize + length;
        return new Frame(session, tag, kind, payload);
    }

    // Reads until the buffer is full or the stream ends; returns the bytes read.
    private async ValueTask<int> FillAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = await _stream.ReadAsync(buffer[got..], cancellationToken).ConfigureAwait(false);
            if (n == 0) break;
            got += n;
        }
        return got;
    }

    private FrameFormatException MidFrame(int received) =>
        new($"{PeerName} closed the connection in the middle of a frame ({received} bytes of it received).");

    public async ValueTask DisposeAsync()
    {
        // Closing a connection the peer already dropped must not throw: flush what can be flushed, then let go.
        try
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
        try
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }
}
