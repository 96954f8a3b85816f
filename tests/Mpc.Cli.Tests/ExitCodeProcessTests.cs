namespace Mpc.Cli.Tests;

/// <summary>
/// Every documented exit code (docs/operating.md, ExitCode.cs) from the real 'mpc' in a process of its own: the code,
/// one "error:" line on standard error without a stack trace, and --verbose adding the exception's detail.
/// Code 1 (an internal error) needs a bug to happen and has no input that produces it; codes 4 and 5, which need a
/// session, are in <see cref="SessionExitCodeProcessTests"/> (a class of their own, so that xunit runs the two in parallel).
/// </summary>
public sealed class ExitCodeProcessTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
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
        ExitCodeAssertions.OneLine(local, "'--no-such-option'");
        Assert.Contains("see 'mpc local --help'", local.StandardError.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AScriptThatDoesNotCompileIsAUsageErrorWithItsFileAndLine()
    {
        string script = Write("broken.csx", "Describe(\"x\");\nOutput(\"y\", \"y\");\nRun(async mpc => { undefinedThing(); });\n");
        await ExitCodeAssertions.CodeAndVerboseDetailAsync(2, "broken.csx(3,20): error CS0103", "ScriptCompilationException", "describe", script);
    }

    [Fact]
    public async Task AMissingDataFileIsAConfigurationError()
    {
        string missing = Path.Combine(_folder, "missing.csv");
        await ExitCodeAssertions.CodeAndVerboseDetailAsync(3, $"Data file {missing} does not exist.", "FileNotFoundException", "local", "secure-sum", "-d", missing, "-d", missing, "-p", "columns=age");
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
