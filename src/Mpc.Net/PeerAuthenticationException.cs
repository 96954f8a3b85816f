namespace Mpc.Net;

/// <summary>A peer failed authentication: unknown key, a key that belongs to someone else, or a name that does not match its key.</summary>
public sealed class PeerAuthenticationException(string message, Exception? innerException = null) : Exception(message, innerException);
