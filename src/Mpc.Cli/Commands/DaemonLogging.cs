using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Mpc.Cli.Commands;

/// <summary>The daemon's log: text or JSON lines with UTC ISO-8601 timestamps, to standard output or a file.</summary>
internal static class DaemonLogging
{
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    public static void Configure(ILoggingBuilder logging, bool json, string? file, bool verbose)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        if (json) logging.AddJsonConsole(o => { o.TimestampFormat = TimestampFormat.TrimEnd(); o.UseUtcTimestamp = true; });
        else logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = TimestampFormat; o.UseUtcTimestamp = true; o.ColorBehavior = file is null ? LoggerColorBehavior.Default : LoggerColorBehavior.Disabled; });
        if (file is null) return;
        // The console logger writes through Console.Out: pointing it at the file keeps one formatter for both.
        var directory = Path.GetDirectoryName(Path.GetFullPath(file));
        if (directory is not null) Directory.CreateDirectory(directory);
        Console.SetOut(new StreamWriter(new FileStream(file, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true });
    }
}
