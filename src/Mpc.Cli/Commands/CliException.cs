namespace Mpc.Cli.Commands;

/// <summary>An error of the command itself: printed as "error: message" with its exit code (usage, 2, unless given).</summary>
internal sealed class CliException(string message, int exitCode = ExitCode.Usage) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
