namespace Mpc.Net;

/// <summary>
/// One message on a connection.
/// </summary>
/// <remarks>
/// Wire format (all integers little-endian), 29-byte header then the payload:
///   offset  0  uint32  payload length in bytes (capped, see <see cref="FramedConnection.MaxPayloadBytes"/>)
///   offset  4  16 B    session id
///   offset 20  int64   tag: the protocol round's program counter for data frames, a sequence number for control frames
///   offset 28  uint8   kind: 1 control (MessagePack), 2 data (raw share block), 3 a leading piece of a data message (see FramedConnection)
///   offset 29  payload
/// </remarks>
public sealed record Frame(Guid SessionId, long Tag, FrameKind Kind, byte[] Payload)
{
    public const int HeaderSize = 29;
}
