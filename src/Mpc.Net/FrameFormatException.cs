namespace Mpc.Net;

/// <summary>A peer sent bytes that are not a valid frame (too large, unknown kind, wrong session, malformed control message).</summary>
public sealed class FrameFormatException(string message, Exception? innerException = null) : Exception(message, innerException);
