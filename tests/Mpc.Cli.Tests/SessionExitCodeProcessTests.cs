namespace Mpc.Cli.Tests;

/// <summary>The exit codes of a session the parties refuse (4) or abort (5), from the real 'mpc local' with two parties.</summary>
public sealed class SessionExitCodeProcessTests : IDisposable
{
    private static readonly string Lung = Path.Combine(AppContext.BaseDirectory, "data", "lung.csv");
    private readonly string _folder = Directory.CreateTempSubdirectory("mpc-cli-session-exit-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task ASessionThePartiesRefuseExitsWithFourNamingEachPartysReason()
    {
        await ExitCodeAssertions.CodeAndVerboseDetailAsync(4, "party1: dataset 'data' has no column 'nosuch'", "SessionRefusedException", "local", "secure-sum", "-d", Lung, "-d", Lung, "-p", "columns=nosuch");
    }

    [Fact]
    public async Task AScriptFailingAtRunTimeAbortsTheSessionWithFiveAndItsLineButNotItsMessage()
    {
        string script = Path.Combine(_folder, "throws.csx");
        File.WriteAllText(script, """
            Describe("Fails at run time on every party.");
            Output("y", "y");
            Run(async mpc =>
            {
                var sums = await mpc.SumAcrossParties(new[] { mpc.Column("age").Sum() });
                if (mpc.Column("age").Sum() > 0) throw new InvalidOperationException("a secret-looking message");
                await mpc.Output("y", sums);
            });
            """);
        await ExitCodeAssertions.CodeAndVerboseDetailAsync(5, "the script threw an exception at line 6", "a secret-looking message", "local", script, "-d", Lung, "-d", Lung);
    }
}
