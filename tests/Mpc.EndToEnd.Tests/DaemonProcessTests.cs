using System.Text.Json;
using Mpc.Data;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

/// <summary>Three 'mpc party' daemons as separate processes on loopback.</summary>
public class DaemonProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ThreeDaemonProcessesRunSessionsEndToEndAndStopCleanlyOnSigterm()
    {
        await using var federation = TestFederation.Create(3);
        var (roster, configs, keys, analystKey) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys);
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);

            // The analyst as a process too: 'mpc run' with --json.
            string json = Path.Combine(federation.Directory, "out", "sum.json");
            using (var run = MpcProcess.Start("run", "secure-sum", "--roster", roster, "--key", analystKey, "--param", "columns=time,age", "--json", json))
            {
                Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(180)));
            }
            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var lung = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
            var sums = document.RootElement.GetProperty("outputs").GetProperty("sum").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(lung.Column("time").Sum(), sums[0], 1e-3);
            Assert.Equal(lung.Column("age").Sum(), sums[1], 1e-3);
            Assert.Equal(228, document.RootElement.GetProperty("outputs").GetProperty("count").GetDouble());
            Assert.Equal("ot", document.RootElement.GetProperty("session").GetProperty("preprocessing").GetString());

            // A second session on the same daemons, from an in-process analyst.
            var stats = await federation.Client().RunAsync("pooled-statistics", new Dictionary<string, string>(), null, default);
            Assert.Equal(165, stats.Outputs["events"].Values[0]);

            foreach (var daemon in daemons) daemon.Terminate();
            foreach (var daemon in daemons)
            {
                Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(20)));
                await daemon.WaitForOutputAsync("stopped", TimeSpan.FromSeconds(1));
            }

            // Every daemon kept a signed transcript of both sessions; the auditor checks them alone, from the roster.
            using var audit = MpcProcess.Start("audit", Path.Combine(federation.Directory, "transcripts"), "--roster", roster);
            int auditExit = await audit.WaitForExitAsync(TimeSpan.FromSeconds(180));
            Assert.True(auditExit == 0, $"mpc audit exited with {auditExit}:{Environment.NewLine}{string.Join(Environment.NewLine, audit.Output)}");
            await audit.WaitForOutputAsync("audit passed", TimeSpan.FromSeconds(1));
            Assert.Equal(6, Directory.GetFiles(Path.Combine(federation.Directory, "transcripts"), "*.transcript.jsonl").Length);
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }

    [Fact]
    public async Task APartyKilledMidSessionMakesTheOthersAbortNamingItAndTheyServeTheNextSession()
    {
        await using var federation = TestFederation.Create(3);
        var timeout = TimeSpan.FromSeconds(5);
        var (roster, configs, keys, _) = federation.WriteFiles(timeout);
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys);
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var progress = new Progress(message => { if (message.StartsWith("multiplying", StringComparison.Ordinal)) started.TrySetResult(); });
            var session = federation.Client().RunAsync("multiplication-benchmark", new Dictionary<string, string> { ["size"] = "2000", ["rounds"] = "100000" }, progress, default);
            await started.Task.WaitAsync(TimeSpan.FromSeconds(180));
            var killedAt = DateTime.UtcNow;
            daemons[2].Kill();
            var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => session.WaitAsync(TimeSpan.FromSeconds(180)));
            Assert.Equal("hospital-c", error.PartyName);
            Assert.Contains("hospital-c", error.Message, StringComparison.Ordinal);
            Assert.True(DateTime.UtcNow - killedAt < timeout + TimeSpan.FromSeconds(5), $"The abort took {(DateTime.UtcNow - killedAt).TotalSeconds:F1} s.");
            await daemons[0].WaitForOutputAsync("aborted", TimeSpan.FromSeconds(10));

            // The survivors stay up; with hospital-c restarted, the next session runs.
            daemons[2] = MpcProcess.Start("party", "--roster", roster, "--config", configs[2], "--key", keys[2]);
            await daemons[2].WaitForOutputAsync("listening on", Startup);
            var result = await federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "age" }, null, default);
            Assert.Equal(228, result.Outputs["count"].Values[0]);
            Assert.False(daemons[0].HasExited);
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }

    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    [Fact]
    public async Task APartyKilledAfterADpReleaseHasTheSpendInItsLedger()
    {
        // The script releases, then keeps computing; the party is killed while it does.
        var script = Mpc.Scripting.ScriptCompiler.Compile("""
            Parameter("epsilon", ParameterType.Number, "1", "Budget.");
            Output("counts", OutputKind.DifferentiallyPrivate, "Noised counts.");
            Run(async mpc =>
            {
                await mpc.ReleaseCounts("counts", new double[] { mpc.Rows }, 1, 1e-5, 1);
                var x = mpc.Public(1);
                for (int i = 0; i < 1000000; i++) x = await mpc.Mul(x, x);
            });
            """, "release-then-work", "release-then-work.csx");
        await using var federation = TestFederation.Create(3);
        federation.WriteScripts((script.Name, script.Source));
        var (roster, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(5), script.Id);
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys);
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);
            var catalog = Mpc.Federation.Protocols.ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => Mpc.Scripting.ScriptCompiler.Compile(source, name, name + ".csx"));
            var client = new AnalystClient(federation.Roster, federation.Analyst, catalog, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            var session = client.RunAsync(script, script.Source, new Dictionary<string, string>(), null, default);
            string ledger = Path.Combine(federation.Directory, "hospital-c.privacy-ledger.db");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (ReleasesIn(ledger) == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
            daemons[2].Kill();
            await Assert.ThrowsAsync<ProtocolAbortedException>(() => session.WaitAsync(TimeSpan.FromSeconds(180)));
            // The spend was committed before the release left hospital-c, so the crash did not lose it.
            Assert.Equal(1, ReleasesIn(ledger));
            using var budget = MpcProcess.Start("budget", "--config", configs[2]);
            Assert.Equal(0, await budget.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            await budget.WaitForOutputAsync("lung: spent epsilon 0.9999 of 10", TimeSpan.FromSeconds(1));
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }

    private static int ReleasesIn(string path)
    {
        if (!File.Exists(path)) return 0;
        try
        {
            return new Mpc.Ledger.PrivacyLedger(path).Releases().Count;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return 0;
        }
    }
}
