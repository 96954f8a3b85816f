namespace Mpc.Cli.Commands;

/// <summary>The documented exit codes of every command (docs/operating.md, "Exit codes").</summary>
internal static class ExitCode
{
    public const int Ok = 0;

    /// <summary>A bug or an unexpected failure; --verbose prints the exception.</summary>
    public const int Internal = 1;

    /// <summary>The command line is wrong: unknown option, missing argument, malformed --param, a script that does not compile.</summary>
    public const int Usage = 2;

    /// <summary>A file the command was given cannot be used: configuration, roster, key, data, ledger, a port in use.</summary>
    public const int Configuration = 3;

    /// <summary>Something refused the request: a party refused the session, or keygen would overwrite a key.</summary>
    public const int Refused = 4;

    /// <summary>A session started and was aborted: a party failed, or the analyst cancelled (Ctrl+C).</summary>
    public const int Aborted = 5;
}
