namespace Mpc.Cli.Commands;

/// <summary>The CLI's own messages, in one place.</summary>
internal static class CliMessages
{
    public static string KeyExists(string path) =>
        $"{path} exists already; keygen does not overwrite a private key (a party's roster entry pins it). Pass --force to replace it, or another --out.";

    public static string Cancelled =>
        "cancelled: the session was stopped by Ctrl+C; the parties were disconnected and abort it, naming the analyst's disconnect.";

    public static string Internal(Exception e) =>
        $"internal error ({e.GetType().Name}): {e.Message} (run again with --verbose for the details)";

    public static string DatasetsTarget =>
        "give either --roster and --key (a federation) or --data a.csv --data b.csv (local parties)";

    public static string Usage(string errors, string command) =>
        $"{errors} (see '{command} --help')";
}
