using Mpc.Net;

namespace Mpc.EndToEnd.Tests;

/// <summary>'mpc roster add/remove' as real processes: the edited file loads as a roster, and every mistake is one line with exit code 2 or 3.</summary>
public class RosterProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(180);

    private static async Task<MpcProcess> RunAsync(int expectedExit, params string[] arguments)
    {
        var process = MpcProcess.Start(arguments);
        await process.AssertExitAsync(expectedExit, Patience);
        return process;
    }

    [Fact]
    public async Task RosterAddPinsAPartysCertificateAndAnAnalystsKeyAndRemoveTakesThemOut()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, _, _, _) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        using var newcomer = PartyCredentials.Generate("hospital-c");
        string certificate = newcomer.Save(Path.Combine(federation.Directory, "keys")).CertificatePath;
        using var auditor = PartyCredentials.Generate("analyst-2");

        using (var add = await RunAsync(0, "roster", "add", "--roster", roster, "--name", "hospital-c", "--endpoint", "hospital-c.example.org:7103", "--certificate", certificate))
            Assert.Contains(add.Output, l => l.Contains("added party hospital-c at hospital-c.example.org:7103", StringComparison.Ordinal) && l.Contains("3 parties", StringComparison.Ordinal));
        using (await RunAsync(0, "roster", "add", "--roster", roster, "--name", "analyst-2", "--public-key", auditor.Fingerprint)) { }
        var edited = Roster.Load(roster);
        Assert.Equal(("hospital-c", newcomer.Fingerprint, "hospital-c.example.org:7103"), (edited.Parties[2].Name, edited.Parties[2].PublicKey, edited.Parties[2].Endpoint));
        Assert.Equal(auditor.Fingerprint, edited.Analysts.Single(a => a.Name == "analyst-2").PublicKey);
        Assert.DoesNotContain("PRIVATE", File.ReadAllText(roster), StringComparison.Ordinal);

        using (await RunAsync(0, "roster", "remove", "--roster", roster, "--name", "hospital-c")) { }
        using (await RunAsync(0, "roster", "remove", "--roster", roster, "--name", "analyst-2")) { }
        Assert.Equal(federation.Roster.Hash, Roster.Load(roster).Hash);
    }

    [Fact]
    public async Task RosterEditsThatWouldBreakTheRosterAreRefusedAndLeaveTheFileAsItWas()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, _, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        string before = File.ReadAllText(roster);

        using (var secret = await RunAsync(3, "roster", "add", "--roster", roster, "--name", "hospital-c", "--endpoint", "127.0.0.1:7103", "--certificate", keys[0]))
            secret.AssertOneErrorLine("holds a private key; a roster pins public keys only");
        using (var twice = await RunAsync(3, "roster", "add", "--roster", roster, "--name", "hospital-a", "--endpoint", "127.0.0.1:7199", "--public-key", PartyCredentials.Generate("x").Fingerprint))
            twice.AssertOneErrorLine("the name 'hospital-a' is used more than once");
        using (var malformed = await RunAsync(3, "roster", "add", "--roster", roster, "--name", "analyst-2", "--public-key", "sha256:1234"))
            malformed.AssertOneErrorLine("'sha256:1234' is not a key fingerprint");
        using (var tooFew = await RunAsync(3, "roster", "remove", "--roster", roster, "--name", "hospital-b"))
            tooFew.AssertOneErrorLine("a federation needs at least 2 parties, found 1");
        using (var unknown = await RunAsync(3, "roster", "remove", "--roster", roster, "--name", "hospital-z"))
            unknown.AssertOneErrorLine("no party or analyst named 'hospital-z'");
        using (var usage = await RunAsync(2, "roster", "add", "--roster", roster, "--public-key", federation.Analyst.Fingerprint))
            usage.AssertOneErrorLine("--name");
        Assert.Equal(before, File.ReadAllText(roster));
    }
}
