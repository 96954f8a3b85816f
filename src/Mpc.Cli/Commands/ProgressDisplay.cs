using System.Globalization;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace Mpc.Cli.Commands;

/// <summary>
/// A session's progress on standard error: where that is a terminal, one bar with the current stage,
/// elapsed time and an estimate of the time left; otherwise (a pipe, a log file, CI, or --verbose
/// logging on the same stream) the timestamped lines of <see cref="CliOptions.Progress"/>.
/// </summary>
internal static partial class ProgressDisplay
{
    /// <summary>Runs <paramref name="session"/> with a progress reporter suited to standard error.</summary>
    public static Task<T> RunAsync<T>(bool verbose, Func<IProgress<string>, Task<T>> session)
    {
        ArgumentNullException.ThrowIfNull(session);
        var terminal = verbose || Console.IsErrorRedirected ? null : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return RunAsync(session, Console.Error, terminal);
    }

    /// <summary>Runs <paramref name="session"/> with a bar on <paramref name="terminal"/>, or with plain lines on <paramref name="plain"/> when there is none.</summary>
    internal static async Task<T> RunAsync<T>(Func<IProgress<string>, Task<T>> session, TextWriter plain, IAnsiConsole? terminal)
    {
        if (terminal is null) return await session(CliOptions.Progress(plain)).ConfigureAwait(false);
        return await terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("connecting", maxValue: 1);
                var result = await session(new Bar(task)).ConfigureAwait(false);
                task.Description = "done";
                task.Value = 1;
                return result;
            }).ConfigureAwait(false);
    }

    /// <summary>The stage and fraction of a progress message ("newton 45%"), or the whole message and no fraction.</summary>
    internal static (string Stage, double? Fraction) Parse(string message)
    {
        var match = Percent().Match(message);
        return match.Success
            ? (match.Groups["stage"].Value, double.Parse(match.Groups["percent"].Value, CultureInfo.InvariantCulture) / 100)
            : (message, null);
    }

    [GeneratedRegex(@"^(?<stage>.*\S)\s+(?<percent>\d{1,3})\s?%$")]
    private static partial Regex Percent();

    private sealed class Bar(ProgressTask task) : IProgress<string>
    {
        public void Report(string value)
        {
            var (stage, fraction) = Parse(value ?? "");
            // Party names and stages are text from the roster and the script: shown as text, never as markup.
            task.Description = Markup.Escape(stage.Length > 40 ? stage[..40] : stage);
            // The bar only moves forward: a session's stages come in order.
            if (fraction is { } f) task.Value = Math.Max(task.Value, Math.Clamp(f, 0, 1));
        }
    }
}
