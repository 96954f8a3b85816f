namespace Mpc.EndToEnd.Tests;

/// <summary>SIGHUP on daemon processes: policy and roster are re-read without dropping running sessions.</summary>
public class ReloadProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(180);

    private const string Script = """
        Parameter("column", ParameterType.Column, null, "A column.");
        Output("total", "Pooled total.");
        Run(async mpc => await mpc.Output("total", (await mpc.SumAcrossParties(new[] { mpc.Column(mpc.Text("column")).Sum() }))[0]));
        """;

    [Fact]
    public async Task SighupAddsAnApprovedScriptWhileAnotherSessionRuns()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, analystKey) = federation.WriteFiles(TimeSpan.FromSeconds(60));
        string script = Path.Combine(federation.Directory, "column-total.csx");
        File.WriteAllText(script, Script);
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys);
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);
            using var longSession = MpcProcess.Start("run", "multiplication-benchmark", "--roster", roster, "--key", analystKey, "--param", "size=2000", "--param", "rounds=100000");
            await longSession.WaitForOutputAsync("multiplying", Startup);

            // Not approved yet: refused.
            using (var refused = MpcProcess.Start("run", script, "--roster", roster, "--key", analystKey, "--param", "column=age"))
            {
                await refused.AssertExitAsync(4, Startup);
                refused.AssertOneErrorLine("is not approved");
            }

            // Approved: the script goes into the parties' script folder, its id into their policies, then SIGHUP.
            federation.WriteScripts(("column-total", Script));
            string id = ScriptIdentity.Hash(Script);
            foreach (var config in configs) File.WriteAllText(config, File.ReadAllText(config).Replace("\"protocols\": [ ", $"\"protocols\": [ \"{id}\", ", StringComparison.Ordinal));
            foreach (var daemon in daemons) daemon.Signal("HUP");
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("reloaded its policy and roster", Startup);

            using (var approved = MpcProcess.Start("run", script, "--roster", roster, "--key", analystKey, "--param", "column=age"))
                await approved.AssertExitAsync(0, TimeSpan.FromMinutes(5));
            Assert.False(longSession.HasExited, "The running session was dropped by the reload:\n" + string.Join("\n", longSession.Output));
            Assert.All(daemons, d => Assert.DoesNotContain(d.Output, l => l.Contains("aborted", StringComparison.Ordinal)));

            // A change that needs a restart is refused and logged; the daemon keeps serving.
            File.WriteAllText(configs[0], File.ReadAllText(configs[0]).Replace("\"ledger\": \"hospital-a.", "\"ledger\": \"moved-hospital-a.", StringComparison.Ordinal));
            daemons[0].Signal("HUP");
            await daemons[0].WaitForOutputAsync("a change of ledger takes a restart", Startup);
            Assert.False(daemons[0].HasExited);
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }

    [Fact]
    public async Task PartyReloadAddsAnApprovedScriptWhileASessionRunsAndReportsARefusal()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, analystKey) = federation.WriteFiles(TimeSpan.FromSeconds(60));
        string script = Path.Combine(federation.Directory, "column-total.csx");
        File.WriteAllText(script, Script);
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys);
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);
            using var longSession = MpcProcess.Start("run", "multiplication-benchmark", "--roster", roster, "--key", analystKey, "--param", "size=2000", "--param", "rounds=100000");
            await longSession.WaitForOutputAsync("multiplying", Startup);

            federation.WriteScripts(("column-total", Script));
            string id = ScriptIdentity.Hash(Script);
            for (int i = 0; i < 2; i++)
            {
                File.WriteAllText(configs[i], File.ReadAllText(configs[i]).Replace("\"protocols\": [ ", $"\"protocols\": [ \"{id}\", ", StringComparison.Ordinal));
                using var reload = MpcProcess.Start("party", "reload", "--config", configs[i]);
                await reload.AssertExitAsync(0, Startup);
                Assert.Contains(reload.Output, l => l.Contains($"{federation.Names[i]} reloaded its policy and roster", StringComparison.Ordinal) && l.Contains("1 running session(s) keep theirs", StringComparison.Ordinal));
            }
            // The newly approved script is compiled in the background, before a session asks for it.
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("compiled 1 of 1 approved script(s)", Startup);
            using (var approved = MpcProcess.Start("run", script, "--roster", roster, "--key", analystKey, "--param", "column=age"))
                await approved.AssertExitAsync(0, TimeSpan.FromMinutes(5));
            Assert.False(longSession.HasExited, "The running session was dropped by the reload:\n" + string.Join("\n", longSession.Output));

            // The daemon refuses a change that needs a restart; the command says so with exit code 3.
            File.WriteAllText(configs[0], File.ReadAllText(configs[0]).Replace("\"ledger\": \"hospital-a.", "\"ledger\": \"moved-hospital-a.", StringComparison.Ordinal));
            using (var refused = MpcProcess.Start("party", "reload", "--config", configs[0]))
            {
                await refused.AssertExitAsync(3, Startup);
                refused.AssertOneErrorLine("a change of ledger takes a restart");
            }
            Assert.False(daemons[0].HasExited);

            // A daemon that is not running is named as such.
            longSession.Kill();
            daemons[1].Terminate();
            await daemons[1].AssertExitAsync(0, Startup);
            using var gone = MpcProcess.Start("party", "reload", "--config", configs[1]);
            await gone.AssertExitAsync(3, Startup);
            gone.AssertOneErrorLine("no daemon of hospital-b runs here");
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }

    [Fact]
    public async Task ApprovedScriptsAreCompiledAtStartAndOneThatDoesNotCompileIsLogged()
    {
        await using var federation = TestFederation.Create(2);
        const string broken = "Output(\"total\", \"Pooled total.\")\nRun(async mpc => await mpc.Output(\"total\", nothing));";
        federation.WriteScripts(("column-total", Script), ("broken", broken));
        var (roster, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(10), ScriptIdentity.Hash(Script), ScriptIdentity.Hash(broken));
        using var daemon = MpcProcess.Start("party", "--roster", roster, "--config", configs[0], "--key", keys[0]);
        await daemon.WaitForOutputAsync("compiled 1 of 2 approved script(s)", Startup);
        Assert.Contains(daemon.Output, l => l.Contains("[1008]", StringComparison.Ordinal) && l.Contains("broken.csx", StringComparison.Ordinal) && l.Contains("does not compile", StringComparison.Ordinal));
        Assert.Contains(daemon.Output, l => l.Contains("[1007]", StringComparison.Ordinal) && l.Contains("compiled 1 of 2", StringComparison.Ordinal));
    }
}
