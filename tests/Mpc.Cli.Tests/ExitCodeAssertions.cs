namespace Mpc.Cli.Tests;

/// <summary>What every failing command must show: its exit code, one "error:" line, and more with --verbose.</summary>
internal static class ExitCodeAssertions
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    // Runs the command, then again with --verbose, which must add the detail (an exception's type or a party's log).
    public static async Task CodeAndVerboseDetailAsync(int code, string message, string detail, params string[] arguments)
    {
        using (var plain = MpcProcess.Start(arguments))
        {
            await plain.AssertExitAsync(code, Patience);
            OneLine(plain, message);
            Assert.DoesNotContain(plain.Output, l => l.Contains(detail, StringComparison.Ordinal));
        }
        using var verbose = MpcProcess.Start([.. arguments, "--verbose"]);
        await verbose.AssertExitAsync(code, Patience);
        Assert.Single(verbose.StandardError, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(verbose.StandardError, l => l.Contains(detail, StringComparison.Ordinal));
    }

    // One "error:" line; the other lines on standard error (if any) are progress lines "[  0.12 s] ...", never a stack trace.
    public static void OneLine(MpcProcess process, string fragment)
    {
        process.AssertOneErrorLine(fragment);
        Assert.All(process.StandardError.Where(l => !l.StartsWith("error: ", StringComparison.Ordinal)),
            l => Assert.Matches(@"^\[\s*\d+\.\d\d s\] ", l));
    }
}
