using Microsoft.Data.Sqlite;

namespace Mpc.EndToEnd.Tests;

/// <summary>Daemons as separate processes: a deleted, edited or truncated ledger stops the party at start and fails 'mpc budget --verify'.</summary>
public class LedgerDaemonProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ADeletedEditedOrTruncatedLedgerIsDetectedByVerifyAndTheDaemonRefusesToStart()
    {
        var script = ReleaseOnce();
        await using var federation = TestFederation.Create(3);
        federation.WriteScripts((script.Name, script.Source));
        var (roster, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(10), script.Id);
        await RunSessionAsync(federation, federation.Roster, script, roster, configs, keys);

        // Whole ledgers verify, bound to the roster's keys.
        using (var ok = MpcProcess.Start("budget", "--verify", "--config", configs[0], "--roster", roster))
        {
            int verified = await ok.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(verified == 0, $"mpc budget --verify exited with {verified}:{Environment.NewLine}{string.Join(Environment.NewLine, ok.Output)}");
            await ok.WaitForOutputAsync("ledger verified", TimeSpan.FromSeconds(1));
        }

        // hospital-a's ledger deleted, hospital-b's release entry edited, hospital-c's last entries cut off.
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(federation.Directory, "hospital-a.privacy-ledger.db*")) File.Delete(file);
        Execute(federation.LedgerOf(1), "UPDATE entries SET body = replace(body, '\"noise\":', '\"noise\":9') WHERE body LIKE '%\"kind\":\"release\"%'");
        Execute(federation.LedgerOf(2), "DELETE FROM entries WHERE seq >= 2");
        var expected = new[] { "does not hold", "was changed", "does not hold" };
        for (int i = 0; i < 3; i++)
        {
            using (var verify = MpcProcess.Start("budget", "--verify", "--config", configs[i]))
            {
                Assert.Equal(1, await verify.WaitForExitAsync(TimeSpan.FromSeconds(30)));
                await verify.WaitForOutputAsync("LEDGER VERIFICATION FAILED", TimeSpan.FromSeconds(1));
                await verify.WaitForOutputAsync(expected[i], TimeSpan.FromSeconds(1));
            }
            using var party = MpcProcess.Start("party", "--roster", roster, "--config", configs[i], "--key", keys[i]);
            Assert.Equal(3, await party.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            await party.WaitForOutputAsync($"error: {federation.Names[i]} refuses to start:", TimeSpan.FromSeconds(1));
            await party.WaitForOutputAsync(expected[i], TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>A script that makes one DP release of the party's row count at epsilon 1, delta 1e-5, sensitivity 1.</summary>
    internal static Mpc.Scripting.ScriptProtocol ReleaseOnce() => Mpc.Scripting.ScriptCompiler.Compile("""
        Parameter("epsilon", ParameterType.Number, "1", "Budget.");
        Output("counts", OutputKind.DifferentiallyPrivate, "Noised counts.");
        Run(async mpc => await mpc.ReleaseCounts("counts", new double[] { mpc.Rows }, 1, 1e-5, 1));
        """, "release-once", "release-once.csx");

    /// <summary>Starts one daemon process per key, runs the script once as the analyst, and stops them (SIGTERM, exit 0).</summary>
    internal static async Task RunSessionAsync(TestFederation federation, Mpc.Net.Roster roster, Mpc.Scripting.ScriptProtocol script, string rosterPath, List<string> configs, IReadOnlyList<string> keys)
    {
        var daemons = keys.Select((key, i) => MpcProcess.Start("party", "--roster", rosterPath, "--config", configs[i], "--key", key)).ToList();
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", TimeSpan.FromSeconds(180));
            var catalog = Mpc.Federation.Protocols.ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => Mpc.Scripting.ScriptCompiler.Compile(source, name, name + ".csx"));
            var client = new AnalystClient(roster, federation.Analyst, catalog, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            await client.RunAsync(script, script.Source, new Dictionary<string, string>(), null, default);
            foreach (var daemon in daemons) daemon.Terminate();
            foreach (var daemon in daemons) await daemon.AssertExitAsync(0, TimeSpan.FromSeconds(180));
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }

    private static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Assert.True(command.ExecuteNonQuery() > 0);
    }
}
