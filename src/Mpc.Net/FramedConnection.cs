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
/// A background data message (preprocessing made ahead) longer than <see cref="PieceBytes"/> goes as pieces: frames of kind
/// DataPart with its tag, in order, then a Data frame with the rest; urgent frames (a protocol round's) are written between
/// the pieces, so a round waits for one piece at most. The reader joins the pieces: at most <see cref="MaxPartialMessages"/>
/// messages in pieces at once, whose pieces together stay within the receive limit.
/// </remarks>
public sealed class FramedConnection : IAsyncDisposable
{
    /// <summary>Default cap on a frame's payload: 256 MiB, enough for 8 million Z_2^128 elements in one round.</summary>
    public const int DefaultMaxPayloadBytes = 256 << 20;

    private readonly Stream _stream;
    // Only the (single) reader uses it.
    private readonly byte[] _header = new byte[Frame.HeaderSize];
    private readonly PipeWriter _writer;
    private readonly PriorityWriteGate _writeGate = new();
    // Only the (single) reader uses them: the pieces of each message not yet complete, and their bytes.
    private readonly Dictionary<long, List<byte[]>> _pieces = [];
    private long _pieceBytes;
    // The sender's side of the same caps: its messages in pieces (first piece written, last frame not yet), and their pieces' bytes.
    private readonly SemaphoreSlim _piecesTurn = new(1, 1);
    private readonly Lock _piecesLock = new();
    private int _messagesInPieces;
    private long _bytesInPieces;
    private TaskCompletionSource? _piecesEnded;

    /// <summary>The largest piece of a background message: at 100 Mbit/s it holds a link for about 21 ms.</summary>
    public const int PieceBytes = 256 << 10;

    /// <summary>The most messages whose pieces a reader holds at once.</summary>
    public const int MaxPartialMessages = 64;

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

    /// <summary>
    /// Writes one message; <paramref name="onWrite"/> runs under the write lock of its last frame, so what it logs is in wire order even
    /// when sends are concurrent. A <paramref name="background"/> data message longer than <see cref="PieceBytes"/> goes in pieces, and any
    /// urgent frame waiting is written before its next piece.
    /// </summary>
    public async ValueTask SendAsync(Guid sessionId, long tag, FrameKind kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken, Action? onWrite = null,
        bool background = false)
    {
        if (payload.Length > MaxPayloadBytes) throw new FrameFormatException(NetErrors.FrameOverCap(payload.Length, MaxPayloadBytes));
        if (kind == FrameKind.DataPart) throw new ArgumentOutOfRangeException(nameof(kind), kind, NetErrors.PiecesAreTheConnectionsOwn);
        if (!(background && kind == FrameKind.Data && payload.Length > PieceBytes))
        {
            await WriteFrameAsync(sessionId, tag, kind, payload, !background, onWrite, cancellationToken).ConfigureAwait(false);
            return;
        }
        // The pieces of concurrent messages take turns: the messages this side has in pieces at once stay within the reader's caps.
        long held = (payload.Length - 1L) / PieceBytes * (PieceBytes + Frame.HeaderSize);
        await StartPiecesAsync(held, cancellationToken).ConfigureAwait(false);
        try
        {
            while (payload.Length > PieceBytes)
            {
                await WriteFrameAsync(sessionId, tag, FrameKind.DataPart, payload[..PieceBytes], false, null, cancellationToken).ConfigureAwait(false);
                payload = payload[PieceBytes..];
            }
            await WriteFrameAsync(sessionId, tag, kind, payload, false, onWrite, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EndPieces(held);
        }
    }

    // Waits (first come, first served) until one more message in pieces, holding the reader to `held` bytes of pieces, keeps this
    // side's messages in pieces within MaxPartialMessages and the reader's limit (that of an admitted peer: MaxPayloadBytes); one alone always may.
    private async ValueTask StartPiecesAsync(long held, CancellationToken cancellationToken)
    {
        await _piecesTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                Task ended;
                lock (_piecesLock)
                {
                    if (_messagesInPieces == 0 || (_messagesInPieces < MaxPartialMessages && _bytesInPieces + held <= MaxPayloadBytes))
                    {
                        _messagesInPieces++;
                        _bytesInPieces += held;
                        return;
                    }
                    ended = (_piecesEnded ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
                }
                await ended.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _piecesTurn.Release();
        }
    }

    private void EndPieces(long held)
    {
        TaskCompletionSource? ended;
        lock (_piecesLock)
        {
            _messagesInPieces--;
            _bytesInPieces -= held;
            ended = _piecesEnded;
            _piecesEnded = null;
        }
        ended?.TrySetResult();
    }

    private async ValueTask WriteFrameAsync(Guid sessionId, long tag, FrameKind kind, ReadOnlyMemory<byte> payload, bool urgent, Action? onWrite, CancellationToken cancellationToken)
    {
        await _writeGate.EnterAsync(urgent, cancellationToken).ConfigureAwait(false);
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
            _writeGate.Exit();
        }
    }

    /// <summary>The next frame, or null when the peer closed the connection cleanly between frames.</summary>
    public ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken) => ReadAsync(null, cancellationToken);

    /// <summary>As <see cref="ReadAsync(CancellationToken)"/>, the payload read into an array from <paramref name="pool"/> when it has one of that size.</summary>
    public async ValueTask<Frame?> ReadAsync(ReceiveBufferPool? pool, CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = await ReadFrameAsync(pool, cancellationToken).ConfigureAwait(false);
            if (frame is null || frame.Kind == FrameKind.Control) return frame;
            if (frame.Kind == FrameKind.DataPart)
            {
                KeepPiece(frame);
                continue;
            }
            if (!_pieces.Remove(frame.Tag, out var pieces)) return frame;
            // The last frame of a message in pieces: joined into one payload, the pieces' buffers handed back.
            long total = pieces.Sum(piece => (long)piece.Length) + frame.Payload.Length;
            _pieceBytes -= total - frame.Payload.Length + (long)pieces.Count * Frame.HeaderSize;
            // A message is capped as a frame is: no sender makes a longer one, and joining it would hold pieces, last frame and copy.
            if (total > _receiveLimit) throw new FrameFormatException(NetErrors.MessageInPiecesOverCap(PeerName, total, _receiveLimit));
            var payload = pool?.Rent((int)total) ?? GC.AllocateUninitializedArray<byte>((int)total);
            int at = 0;
            foreach (var piece in pieces)
            {
                piece.CopyTo(payload, at);
                at += piece.Length;
                pool?.Return(piece);
            }
            frame.Payload.CopyTo(payload, at);
            pool?.Return(frame.Payload);
            return frame with { Payload = payload };
        }
    }

    // A peer cannot make this side hold more than the receive limit in pieces, nor more than MaxPartialMessages messages in pieces.
    private void KeepPiece(Frame frame)
    {
        if (!_pieces.TryGetValue(frame.Tag, out var pieces))
        {
            if (_pieces.Count >= MaxPartialMessages) throw new FrameFormatException(NetErrors.TooManyMessagesInPieces(PeerName, MaxPartialMessages));
            _pieces[frame.Tag] = pieces = [];
        }
        // Each piece is charged a header's worth more, so that tiny pieces cannot hold more objects than bytes.
        long charge = (long)frame.Payload.Length + Frame.HeaderSize;
        if (_pieceBytes + charge > _receiveLimit) throw new FrameFormatException(NetErrors.PiecesOverCap(PeerName, _receiveLimit));
        pieces.Add(frame.Payload);
        _pieceBytes += charge;
    }

    private async ValueTask<Frame?> ReadFrameAsync(ReceiveBufferPool? pool, CancellationToken cancellationToken)
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
        if (kind is not (FrameKind.Control or FrameKind.Data or FrameKind.DataPart)) throw new FrameFormatException(NetErrors.UnknownFrameKind(PeerName, _header[28]));
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
