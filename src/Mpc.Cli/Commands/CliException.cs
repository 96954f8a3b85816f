namespace Mpc.Cli.Commands;

/// <summary>A usage error: printed as "error: message" with exit code 2.</summary>
internal sealed class CliException(string message) : Exception(message);
