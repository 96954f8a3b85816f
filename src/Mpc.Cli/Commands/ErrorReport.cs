using System.Security.Cryptography;
using Mpc.Core;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Ledger;
using Mpc.Runtime;
using Mpc.Scripting;

namespace Mpc.Cli.Commands;

/// <summary>Turns any exception that ends a command into one line on standard error and a documented exit code.</summary>
internal static class ErrorReport
{
    public static int Write(Exception error, bool verbose, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(output);
        while (error is AggregateException { InnerExceptions.Count: 1 } aggregate) error = aggregate.InnerExceptions[0];
        var (code, message) = Classify(error);
        output.WriteLine("error: " + OneLine(message));
        if (verbose) output.WriteLine(error.ToString());
        return code;
    }

    public static (int Code, string Message) Classify(Exception error) => error switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        OperationCanceledException => (ExitCode.Aborted, CliMessages.Cancelled),
        SessionRefusedException => (ExitCode.Refused, error.Message),
        ProtocolAbortedException => (ExitCode.Aborted, error.Message),
        // The CLI runs at the data's owner: it prints the detail a data error keeps for the party's own eyes.
        DataProblemException data => (ExitCode.Configuration, data.Detail),
        ProtocolParameterException or ScriptCompilationException or ArgumentException => (ExitCode.Usage, error.Message),
        RosterException or PartyConfigurationException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or PeerAuthenticationException
            or LedgerIntegrityException or CryptographicException or IOException => (ExitCode.Configuration, error.Message),
        _ => (ExitCode.Internal, CliMessages.Internal(error)),
    };

    // Multi-line texts (a roster's list of problems) become one line, the problems separated by "; ".
    private static string OneLine(string message)
    {
        var lines = message.Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length <= 1 ? message.Trim() : lines[0].TrimEnd(':') + ": " + string.Join("; ", lines[1..]);
    }
}
