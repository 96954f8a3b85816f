namespace Mpc.Net;

/// <summary>What a frame's payload is.</summary>
public enum FrameKind : byte
{
    /// <summary>A MessagePack <see cref="ControlMessage"/> (session set-up, outputs, aborts).</summary>
    Control = 1,

    /// <summary>A raw little-endian share block of one protocol round, addressed by its tag.</summary>
    Data = 2,

    /// <summary>A leading piece of a background data message: its pieces, in order, then a Data frame of the same tag with the rest.</summary>
    DataPart = 3,
}
