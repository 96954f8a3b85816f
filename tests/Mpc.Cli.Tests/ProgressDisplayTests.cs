using System.Text.RegularExpressions;
using Mpc.Cli.Commands;
using Spectre.Console.Testing;

namespace Mpc.Cli.Tests;

/// <summary>The session's progress: plain timestamped lines where standard error is no terminal, a bar with stage, elapsed time and ETA where it is.</summary>
public class ProgressDisplayTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task WithoutATerminalEveryStageIsATimestampedPlainLine()
    {
        using var error = new StringWriter();
        int result = await ProgressDisplay.RunAsync(progress =>
        {
            progress.Report("session started on 2 parties");
            progress.Report("newton 45%");
            return Task.FromResult(42);
        }, error, terminal: null);

        Assert.Equal(42, result);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^\[\s*\d+\.\d\d s\] session started on 2 parties\r?$", lines[0]);
        Assert.Matches(@"^\[\s*\d+\.\d\d s\] newton 45%\r?$", lines[1]);
        Assert.DoesNotContain('\u001b', error.ToString());
    }

    [Fact]
    public async Task OnATerminalTheBarShowsTheStageItsPercentageTheElapsedTimeAndTheTimeLeft()
    {
        var console = new TestConsole().Interactive().Width(120);
        using var unused = new StringWriter();
        string? shown = null;
        await ProgressDisplay.RunAsync(async progress =>
        {
            // Two steps, so that the bar has a speed to estimate the time left from.
            progress.Report("newton 10%");
            await WaitForAsync(() => console.Output, text => text.Contains("10%", StringComparison.Ordinal));
            progress.Report("newton 45%");
            // The bar is drawn by Spectre's refresh thread: wait until it has drawn the stage with a time left.
            shown = await WaitForAsync(() => console.Output, text => Regex.IsMatch(Plain(text), @"newton\s.*45%\s+\d\d:\d\d:\d\d\s+\d\d:\d\d:\d\d"));
            return 0;
        }, unused, console);

        Assert.NotNull(shown);
        // The stage, its percentage, the elapsed time and the estimate of the time left (h:mm:ss columns).
        string line = shown.Split('\n').Last(l => l.Contains("newton", StringComparison.Ordinal));
        Assert.Matches(@"newton\s.*45%\s+\d\d:\d\d:\d\d\s+\d\d:\d\d:\d\d", Plain(line));
        Assert.Empty(unused.ToString());
        // At the end the bar says done at 100%.
        Assert.Contains("done", console.Output, StringComparison.Ordinal);
        Assert.Contains("100%", console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("newton 45%", "newton", 0.45)]
    [InlineData("sorting 100 %", "sorting", 1.0)]
    [InlineData("connecting to party2", "connecting to party2", null)]
    public void AProgressMessageIsSplitIntoItsStageAndFraction(string message, string stage, double? fraction)
    {
        Assert.Equal((stage, fraction), ProgressDisplay.Parse(message));
    }

    private static string Plain(string text) => Regex.Replace(text, @"\u001b\[[0-9;?]*[A-Za-z]", "");

    private static async Task<string?> WaitForAsync(Func<string> read, Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            string text;
            // Read while Spectre's refresh thread writes: a torn read is simply read again.
            try { text = read(); }
            catch (ArgumentOutOfRangeException) { continue; }
            if (condition(text)) return text;
            await Task.Delay(20);
        }
        return null;
    }
}
