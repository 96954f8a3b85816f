namespace Mpc.Cli.Tests;

/// <summary>
/// Every documented exit code (docs/operating.md, ExitCode.cs) from the real 'mpc' in a process of its own: the code,
/// one "error:" line on standard error without a stack trace, and --verbose adding the exception's detail.
/// Code 1 (an internal error) needs a bug to happen and has no input that produces it.
/// </summary>
public sealed class ExitCodeProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly string Lung = Path.Combine(AppContext.BaseDirectory, "data", "lung.csv");
    private readonly string _folder = Directory.CreateTempSubdirectory("mpc-cli-exit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ACommandThatSucceedsExitsWithZeroAndWritesNoError()
    {
        using var protocols = MpcProcess.Start("protocols");
        await protocols.AssertExitAsync(0, Patience);
        Assert.Empty(protocols.StandardError);
        Assert.Contains(protocols.StandardOutput, l => l.Contains("secure-sum", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnknownOptionIsAUsageErrorInOneLineNamingTheHelp()
    {
        using var local = MpcProcess.Start("local", "secure-sum", "--no-such-option");
        await local.AssertExitAsync(2, Patience);
        AssertOneLine(local, "'--no-such-option'");
        Assert.Contains("see 'mpc local --help'", local.StandardError.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AScriptThatDoesNotCompileIsAUsageErrorWithItsFileAndLine()
    {
        string script = Write("broken.csx", "Describe(\"x\");\nOutput(\"y\", \"y\");\nRun(async mpc => { undefinedThing(); });\n");
        await AssertCodeAndVerboseDetail(2, "broken.csx(3,20): error CS0103", "ScriptCompilationException", "describe", script);
    }

    [Fact]
    public async Task AMissingDataFileIsAConfigurationError()
    {
        string missing = Path.Combine(_folder, "missing.csv");
        await AssertCodeAndVerboseDetail(3, $"Data file {missing} does not exist.", "FileNotFoundException", "local", "secure-sum", "-d", missing, "-d", missing, "-p", "columns=age");
    }

    [Fact]
    public async Task ASessionThePartiesRefuseExitsWithFourNamingEachPartysReason()
    {
        await AssertCodeAndVerboseDetail(4, "party1: dataset 'data' has no column 'nosuch'", "SessionRefusedException", "local", "secure-sum", "-d", Lung, "-d", Lung, "-p", "columns=nosuch");
    }

    [Fact]
    public async Task AScriptFailingAtRunTimeAbortsTheSessionWithFiveAndItsLineButNotItsMessage()
    {
        string script = Write("throws.csx", """
            Describe("Fails at run time on every party.");
            Output("y", "y");
            Run(async mpc =>
            {
                var sums = await mpc.SumAcrossParties(new[] { mpc.Column("age").Sum() });
                if (mpc.Column("age").Sum() > 0) throw new InvalidOperationException("a secret-looking message");
                await mpc.Output("y", sums);
            });
            """);
        await AssertCodeAndVerboseDetail(5, "the script threw an exception at line 6", "a secret-looking message", "local", script, "-d", Lung, "-d", Lung);
    }

    // Runs the command, then again with --verbose, which must add the detail (an exception's type or a party's log).
    private async Task AssertCodeAndVerboseDetail(int code, string message, string detail, params string[] arguments)
    {
        using (var plain = MpcProcess.Start(arguments))
        {
            await plain.AssertExitAsync(code, Patience);
            AssertOneLine(plain, message);
            Assert.DoesNotContain(plain.Output, l => l.Contains(detail, StringComparison.Ordinal));
        }
        using var verbose = MpcProcess.Start([.. arguments, "--verbose"]);
        await verbose.AssertExitAsync(code, Patience);
        Assert.Single(verbose.StandardError, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.Contains(verbose.StandardError, l => l.Contains(detail, StringComparison.Ordinal));
    }

    // One "error:" line; the other lines on standard error (if any) are progress lines "[  0.12 s] ...", never a stack trace.
    private static void AssertOneLine(MpcProcess process, string fragment)
    {
        process.AssertOneErrorLine(fragment);
        Assert.All(process.StandardError.Where(l => !l.StartsWith("error: ", StringComparison.Ordinal)),
            l => Assert.Matches(@"^\[\s*\d+\.\d\d s\] ", l));
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
