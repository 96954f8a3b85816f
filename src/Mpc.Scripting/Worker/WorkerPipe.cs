using System.Buffers;
using System.Buffers.Binary;
using Mpc.Net;

namespace Mpc.Scripting.Worker;

/// <summary>
/// Framed messages between a daemon and its script worker over the worker's standard input and output.
/// </summary>
/// <remarks>
/// Wire format, one frame: u32 little-endian length of what follows, u8 kind (<see cref="WorkerMessageKind"/>),
/// u32 little-endian request id (0 when the kind expects no reply), then the body of <c>length - 5</c> bytes.
/// Bodies as <see cref="BinaryWriter"/> writes them (integers little-endian, strings as 7-bit-encoded byte length + UTF-8):
/// Send: i32 peer, i64 tag, payload. SendAll: i64 tag, payload (to every other party, each sent and logged as a Send would be).
/// Receive: i32 peer, i64 tag (reply: the payload).
/// CheckReveal: string output, i32 elements, i32 recipient (RevealRecipient.ToWire: -2 for every party, -1 the analyst, i party i; reply empty,
/// none for id 0, which the worker sends: the daemon handles frames in order, so a refusal ends the session before the frames behind it).
/// CheckNoisedRelease: string output, string mechanism, f64 L1, f64 L2, f64 noise, f64 epsilon, f64 delta, i32 honest parties, f64 sampling rate (reply empty).
/// CheckDisclosure: string output, u8 kind (<see cref="Mpc.Runtime.DisclosureKind"/>), string column, i32 count, count f64 local sizes (reply empty).
/// Output: string name, i32 rows, i32 columns, i32 scale, i32 ring bits, shares (reply empty).
/// Progress: string stage, f64 fraction. Done: i64 rounds, i64 bytes sent.
/// Failed: string exception type, i32 script line, i32 category, string column, string detail.
/// Start: see <see cref="WorkerStart"/>. Reply: the requested payload.
/// The daemon reads with a size cap; a frame over it, or of an unknown kind, ends the session.
/// </remarks>
internal sealed class WorkerPipe : IAsyncDisposable
{
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly int _maxBodyBytes;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly byte[] _header = new byte[9];
    private readonly ReceiveBufferPool? _bodies;
    // Set when a write failed or was cancelled part-way: a frame may lie half on the pipe, and any later one would be misread.
    private bool _broken;

    // bodies: where frame bodies are rented (their readers hand them back through ReturnBody), or null for fresh arrays.
    public WorkerPipe(Stream input, Stream output, int maxBodyBytes, ReceiveBufferPool? bodies = null)
    {
        _bodies = bodies;
        // Buffered: a frame's header and a small body come in one read instead of two.
        _input = new BufferedStream(input, 1 << 16);
        _output = output;
        _maxBodyBytes = maxBodyBytes;
    }

    // Above this many body bytes a frame goes out as its header, then the body where it lies: the copy into one buffer cost
    // more than the extra write (a relayed piece of preprocessing is 256 KB); below it one buffer and one write win.
    private const int DirectBodyBytes = 16 << 10;

    /// <summary>Writes one frame; concurrent writers are serialised so frames never interleave.</summary>
    public async ValueTask WriteAsync(WorkerMessageKind kind, uint id, ReadOnlyMemory<byte> head, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        long length = 5L + head.Length + payload.Length;
        if (length - 5 > _maxBodyBytes) throw new InvalidDataException(ScriptingErrors.WorkerFrameOverCap(length - 5, _maxBodyBytes));
        bool direct = length - 5 > DirectBodyBytes;
        // A small frame in one buffer and one write: a write is a system call, and three for a small frame cost more than the copy (issue 29).
        int buffered = direct ? 9 : (int)length + 4;
        var frame = ArrayPool<byte>.Shared.Rent(buffered);
        try
        {
            BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)length);
            frame[4] = (byte)kind;
            BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(5), id);
            if (!direct)
            {
                head.Span.CopyTo(frame.AsSpan(9));
                payload.Span.CopyTo(frame.AsSpan(9 + head.Length));
            }
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (_broken) throw new IOException(ScriptingErrors.WorkerPipeBroken);
                _broken = true;
                await _output.WriteAsync(frame.AsMemory(0, buffered), cancellationToken).ConfigureAwait(false);
                if (direct)
                {
                    if (!head.IsEmpty) await _output.WriteAsync(head, cancellationToken).ConfigureAwait(false);
                    if (!payload.IsEmpty) await _output.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
                }
                await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
                _broken = false;
            }
            finally
            {
                _writeGate.Release();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    /// <summary>Hands back a frame body read from this pipe that nothing reads or writes any more, for a later frame of its size.</summary>
    public void ReturnBody(byte[] body) => _bodies?.Return(body);

    /// <summary>Reads the next frame, or null at the end of the stream; only one reader at a time.</summary>
    public async ValueTask<(WorkerMessageKind Kind, uint Id, byte[] Body)?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(_header, cancellationToken).ConfigureAwait(false)) return null;
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_header);
        if (length < 5 || length - 5 > (uint)_maxBodyBytes) throw new InvalidDataException(ScriptingErrors.WorkerFrameLengthInvalid(length, _maxBodyBytes + 5L));
        var kind = (WorkerMessageKind)_header[4];
        if (!Enum.IsDefined(kind)) throw new InvalidDataException(ScriptingErrors.WorkerFrameKindUnknown(_header[4]));
        uint id = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(5));
        // Not zeroed: the read fills it whole or fails (zeroing a relayed piece was a pass over every byte).
        int size = (int)(length - 5);
        var body = size == 0 ? [] : _bodies?.Rent(size) ?? GC.AllocateUninitializedArray<byte>(size);
        if (!await FillAsync(body, cancellationToken).ConfigureAwait(false)) throw new EndOfStreamException(ScriptingErrors.WorkerStreamEnded);
        return (kind, id, body);
    }

    private async ValueTask<bool> FillAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await _input.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                if (read == 0) return false;
                throw new EndOfStreamException(ScriptingErrors.WorkerStreamEnded);
            }
            read += n;
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _input.DisposeAsync().ConfigureAwait(false);
        await _output.DisposeAsync().ConfigureAwait(false);
        _writeGate.Dispose();
    }
}
