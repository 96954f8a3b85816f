namespace Mpc.Federation;

/// <summary>
/// A party cannot start as configured: a field of its configuration, its listen address or port, or its policy.
/// The message names the field or the port, one problem per line.
/// </summary>
public sealed class PartyConfigurationException(string message, Exception? innerException = null) : Exception(message, innerException);
