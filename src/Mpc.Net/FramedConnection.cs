using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace Mpc.Net;

/// <summary>
/// Frames over an authenticated stream, read and written with System.IO.Pipelines. Every byte from
/// the peer is untrusted: the payload length is checked against the cap before anything is
/// buffered, and an unknown kind is rejected.
/// </summary>
public sealed class FramedConnection : IAsyncDisposable
{
    /// <summary>Default cap on a frame's payload: 256 MiB, enough for 8 million Z_2^128 elements in one round.</summary>
    public const int DefaultMaxPayloadBytes = 256 << 20;

    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public FramedConnection(Stream stream, string peerName, int maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        PeerName = peerName;
        MaxPayloadBytes = maxPayloadBytes;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 1 << 16, minimumReadSize: 1 << 14, leaveOpen: true));
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: 1 << 16, leaveOpen: true));
    }

    public string PeerName { get; }

    public int MaxPayloadBytes { get; }

    public long BytesSent { get; private set; }

    public long BytesReceived { get; private set; }

    /// <summary>Writes one frame; <paramref name="onWrite"/> runs under the write lock, so what it logs is in wire order even when sends are concurrent.</summary>
    public async ValueTask SendAsync(Guid sessionId, long tag, FrameKind kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken, Action? onWrite = null)
    {
        if (payload.Length > MaxPayloadBytes) throw new FrameFormatException($"A frame of {payload.Length} bytes exceeds the cap of {MaxPayloadBytes} bytes.");
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
            if (result.IsCompleted) throw new IOException($"The connection to {PeerName} is closed.");
            BytesSent += Frame.HeaderSize + payload.Length;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The next frame, or null when the peer closed the connection cleanly between frames.</summary>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryParse(ref buffer, out var frame))
            {
                _reader.AdvanceTo(buffer.Start);
                BytesReceived += Frame.HeaderSize + frame!.Payload.Length;
                return frame;
            }
            if (result.IsCompleted)
            {
                long pending = buffer.Length;
                _reader.AdvanceTo(buffer.End);
                if (pending > 0) throw new FrameFormatException($"{PeerName} closed the connection in the middle of a frame ({pending} bytes of it received).");
                return null;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private bool TryParse(ref ReadOnlySequence<byte> buffer, out Frame? frame)
    {
        frame = null;
        if (buffer.Length < Frame.HeaderSize) return false;
        Span<byte> header = stackalloc byte[Frame.HeaderSize];
        buffer.Slice(0, Frame.HeaderSize).CopyTo(header);
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length > MaxPayloadBytes) throw new FrameFormatException($"{PeerName} announced a frame of {length} bytes, over the cap of {MaxPayloadBytes} bytes.");
        var kind = (FrameKind)header[28];
        if (kind is not (FrameKind.Control or FrameKind.Data)) throw new FrameFormatException($"{PeerName} sent a frame of unknown kind {header[28]}.");
        if (buffer.Length < Frame.HeaderSize + length) return false;
        var session = new Guid(header.Slice(4, 16));
        long tag = BinaryPrimitives.ReadInt64LittleEndian(header.Slice(20, 8));
        var payload = buffer.Slice(Frame.HeaderSize, length).ToArray();
        buffer = buffer.Slice(Frame.HeaderSize + length);
        frame = new Frame(session, tag, kind, payload);
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        // Closing a connection the peer already dropped must not throw: flush what can be flushed, then let go.
        try
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
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
