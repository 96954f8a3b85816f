using System.Text.Json.Nodes;
using Mpc.Net;
using Mpc.Ledger;
using Mpc.Privacy;
using Mpc.Ledger.Tests;

namespace Mpc.EndToEnd.Tests;

/// <summary>A party with a privacy ledger rotating its key, with daemons and the operator's commands as separate processes.</summary>
public class LedgerRekeyProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(180);

    private static readonly DateTimeOffset Until = DateTimeOffset.UtcNow.AddDays(30);

    [Fact]
    public async Task ALedgerReKeyedBetweenSessionsVerifiesAuditsAndKeepsTheBudgetSpentWithBothKeys()
    {
        var script = LedgerDaemonProcessTests.ReleaseOnce();
        await using var federation = TestFederation.Create(2);
        federation.WriteScripts((script.Name, script.Source));
        var (rosterPath, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(30), script.Id);
        using var next = PartyCredentials.Generate("hospital-a");
        string nextKey = next.Save(Path.Combine(federation.Directory, "keys"), "hospital-a.next").KeyPath;
        string oldKey = federation.Credentials[0].Fingerprint;
        // The rotation begins (keygen --rotate): both of hospital-a's keys are pinned until the date.
        Roster.RotateKey(rosterPath, "hospital-a", next.Fingerprint, Until);
        var roster = Roster.Load(rosterPath);

        await LedgerDaemonProcessTests.RunSessionAsync(federation, roster, script, rosterPath, configs, [keys[0], keys[1]]);
        using (var rekey = MpcProcess.Start("party", "rekey", "--config", configs[0], "--roster", rosterPath, "--key", keys[0], "--new-key", nextKey))
        {
            await rekey.AssertExitAsync(0, Startup);
            await rekey.WaitForOutputAsync($"entry 4 hands it from {oldKey} to {next.Fingerprint}; its budgets carry over", TimeSpan.FromSeconds(1));
        }
        await LedgerDaemonProcessTests.RunSessionAsync(federation, roster, script, rosterPath, configs, [nextKey, keys[1]]);

        using (var verify = MpcProcess.Start("budget", "--verify", "--config", configs[0], "--roster", rosterPath))
        {
            await verify.AssertExitAsync(0, Startup);
            await verify.WaitForOutputAsync($"with keys {oldKey} then {next.Fingerprint}, its key in force {next.Fingerprint} held in the roster; it holds all 2 DP release(s)", TimeSpan.FromSeconds(1));
        }
        // Both releases count: the reference is two releases calibrated to epsilon 1, composed in RDP by the accountant.
        var orders = RdpAccountant.DefaultOrders;
        var one = RdpAccountant.SkellamRelease(SkellamMechanism.Calibrate(1, 1e-5, 1, 1), 1, 1, 1, orders);
        double expected = RdpAccountant.ToEpsilon(RdpAccountant.Compose(one, one), orders, 1e-5).Epsilon;
        var ledger = new PrivacyLedger(federation.LedgerOf(0));
        Assert.Equal(2, ledger.Releases().Count);
        Assert.Equal(expected, ledger.SpentEpsilon("lung", 1e-5), 6);
        using (var budget = MpcProcess.Start("budget", "--config", configs[0]))
        {
            await budget.AssertExitAsync(0, Startup);
            await budget.WaitForOutputAsync($"re-keyed ", TimeSpan.FromSeconds(1));
            Assert.DoesNotContain(budget.Output, l => l.Contains("does not verify", StringComparison.Ordinal));
        }

        // hospital-b saw hospital-a present its old key in the first session and its new key in the second; both audit.
        var seen = Directory.GetFiles(Path.Combine(federation.Directory, "transcripts"), "*.hospital-b.transcript.jsonl")
            .Select(f => JsonNode.Parse(File.ReadLines(f).First())!).OrderBy(h => h["started"]!.GetValue<string>(), StringComparer.Ordinal)
            .Select(h => h["peerKeys"]!["hospital-a"]!.GetValue<string>()).ToList();
        Assert.Equal([oldKey, next.Fingerprint], seen);
        using var audit = MpcProcess.Start("audit", Path.Combine(federation.Directory, "transcripts"), "--roster", rosterPath);
        await audit.AssertExitAsync(0, Startup);
    }

    [Fact]
    public async Task TheNewKeyOnALedgerThatWasNotReKeyedStopsTheDaemonWithOneLineAndExitCodeThree()
    {
        await using var federation = TestFederation.Create(2);
        var (rosterPath, configs, _, _) = federation.WriteFiles(TimeSpan.FromSeconds(30));
        new PrivacyLedger(federation.LedgerOf(0), "hospital-a", federation.Credentials[0].Certificate).RecordDataRefusal("analyst", "lung");
        using var next = PartyCredentials.Generate("hospital-a");
        string nextKey = next.Save(Path.Combine(federation.Directory, "keys"), "hospital-a.next").KeyPath;
        Roster.RotateKey(rosterPath, "hospital-a", next.Fingerprint, Until);

        using var party = MpcProcess.Start("party", "--roster", rosterPath, "--config", configs[0], "--key", nextKey);
        await party.AssertExitAsync(3, Startup);
        party.AssertOneErrorLine($"hospital-a refuses to start: The privacy ledger {federation.LedgerOf(0)} is signed with key {federation.Credentials[0].Fingerprint}, not with hospital-a's key {next.Fingerprint}: after a key rotation, stop the daemon and run 'mpc party rekey");
        using var check = MpcProcess.Start("party", "check", "--config", configs[0], "--roster", rosterPath, "--key", nextKey);
        await check.AssertExitAsync(3, Startup);
        Assert.Contains(check.Output, l => l.Contains("'mpc party rekey", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AForgedReKeyOrAnEntryTheOldKeySignedAfterTheReKeyStopsTheDaemonAndFailsVerification()
    {
        await using var federation = TestFederation.Create(2);
        var (rosterPath, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(30));
        using var next = PartyCredentials.Generate("hospital-a");
        using var stranger = PartyCredentials.Generate("hospital-a");
        string nextKey = next.Save(Path.Combine(federation.Directory, "keys"), "hospital-a.next").KeyPath;
        Roster.RotateKey(rosterPath, "hospital-a", next.Fingerprint, Until);
        string path = federation.LedgerOf(0);
        new PrivacyLedger(path, "hospital-a", federation.Credentials[0].Certificate).RecordDataRefusal("analyst", "lung");
        string pristine = path + ".pristine";
        File.Copy(path, pristine);

        // A re-key to the new key signed by a key that is not in force, then a legitimate re-key followed by an entry of the old key.
        LedgerForgery.AppendSigned(path, stranger.Certificate, "rekey", new JsonObject { ["fingerprint"] = next.Fingerprint, ["certificate"] = next.Certificate.ExportCertificatePem() });
        await AssertRefusedAsync(federation, rosterPath, configs[0], nextKey, "entry 2 does not verify");

        File.Copy(pristine, path, overwrite: true);
        new PrivacyLedger(path, "hospital-a", federation.Credentials[0].Certificate).Rekey(next.Certificate);
        LedgerForgery.AppendSigned(path, federation.Credentials[0].Certificate, "refusal", new JsonObject { ["dataset"] = "lung", ["analyst"] = "analyst" });
        await AssertRefusedAsync(federation, rosterPath, configs[0], nextKey, "entry 3 does not verify");
        // The old key cannot start the party on it either.
        await AssertRefusedAsync(federation, rosterPath, configs[0], keys[0], "entry 3 does not verify");
    }

    [Fact]
    public async Task TheReKeyIsRefusedWhileTheDaemonRunsAndForAKeyTheRosterDoesNotList()
    {
        await using var federation = TestFederation.Create(2);
        var (rosterPath, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(30));
        using var next = PartyCredentials.Generate("hospital-a");
        using var unlisted = PartyCredentials.Generate("hospital-a");
        string nextKey = next.Save(Path.Combine(federation.Directory, "keys"), "hospital-a.next").KeyPath;
        string unlistedKey = unlisted.Save(Path.Combine(federation.Directory, "keys"), "hospital-a.other").KeyPath;
        Roster.RotateKey(rosterPath, "hospital-a", next.Fingerprint, Until);
        using (var daemon = MpcProcess.Start("party", "--roster", rosterPath, "--config", configs[0], "--key", keys[0]))
        {
            await daemon.WaitForOutputAsync("listening on", Startup);
            using var running = MpcProcess.Start("party", "rekey", "--config", configs[0], "--roster", rosterPath, "--key", keys[0], "--new-key", nextKey);
            await running.AssertExitAsync(3, Startup);
            running.AssertOneErrorLine($"the daemon of hospital-a runs (process {daemon.Id}); stop it first");
            daemon.Terminate();
            await daemon.AssertExitAsync(0, Startup);
        }
        using (var other = MpcProcess.Start("party", "rekey", "--config", configs[0], "--roster", rosterPath, "--key", keys[0], "--new-key", unlistedKey))
        {
            await other.AssertExitAsync(3, Startup);
            other.AssertOneErrorLine($"the new key {unlisted.Fingerprint} is not hospital-a's key in {rosterPath}");
        }
        // Neither refusal touched the ledger: one entry, its genesis, under the old key.
        Assert.Equal([federation.Credentials[0].Fingerprint], new PrivacyLedger(federation.LedgerOf(0)).Keys);
    }

    private static async Task AssertRefusedAsync(TestFederation federation, string rosterPath, string config, string key, string problem)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using (var party = MpcProcess.Start("party", "--roster", rosterPath, "--config", config, "--key", key))
        {
            await party.AssertExitAsync(3, Startup);
            party.AssertOneErrorLine("hospital-a refuses to start: ");
            party.AssertOneErrorLine(problem);
        }
        using var verify = MpcProcess.Start("budget", "--verify", "--config", config, "--roster", rosterPath);
        Assert.Equal(1, await verify.WaitForExitAsync(Startup));
        await verify.WaitForOutputAsync(problem, TimeSpan.FromSeconds(1));
        Assert.False(Mpc.Audit.LedgerAudit.Verify(federation.LedgerOf(0), null, "hospital-a", Roster.Load(rosterPath).GetParty("hospital-a"), DateTimeOffset.UtcNow).Passed);
    }
}
