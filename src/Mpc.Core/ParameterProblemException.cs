namespace Mpc.Core;

/// <summary>
/// A parameter the analyst gave cannot be used; the message is made from the parameters alone
/// (never from data), so it may reach the analyst. Protocol scripts cannot construct it, so an
/// analyst's code cannot smuggle data out through it.
/// </summary>
public sealed class ParameterProblemException(string message) : ArgumentException(message);
