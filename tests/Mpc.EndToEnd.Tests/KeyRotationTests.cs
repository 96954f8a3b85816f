using System.Text.Json.Nodes;
using Mpc.Audit;
using Mpc.Core;
using Mpc.Net;

namespace Mpc.EndToEnd.Tests;

/// <summary>A key rotation with a transition period, over loopback TLS between in-process daemons, with the clock injected.</summary>
public class KeyRotationTests
{
    private static readonly DateTimeOffset End = new(2027, 1, 31, 0, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string> Ages = new() { ["columns"] = "age" };

    [Fact]
    public async Task APeerWithItsOldKeyIsAcceptedBeforeTheRotationEndsAndRefusedAfter()
    {
        await using var federation = TestFederation.Create(2);
        var (rosterPath, _, _, _) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        using var next = PartyCredentials.Generate("hospital-b");
        // hospital-b's new key becomes its roster key; the old one, which its daemon still uses, is pinned until the end.
        Roster.RotateKey(rosterPath, "hospital-b", next.Fingerprint, End);
        var roster = Roster.Load(rosterPath);
        Assert.Equal(federation.Credentials[1].Fingerprint, roster.Parties[1].PreviousKey);
        Assert.NotEqual(federation.Roster.Hash, roster.Hash);

        var clock = new ManualClock(End.AddDays(-1));
        string transcripts = Path.Combine(federation.Directory, "transcripts");
        federation.StartAll(roster: roster, clock: clock, transcripts: transcripts);
        var before = await federation.Client(roster, clock: clock).RunAsync("secure-sum", Ages, null, default);
        Assert.Equal(["hospital-a", "hospital-b"], before.Parties);
        // hospital-a records the key hospital-b presented, its previous one; that audits for a session begun before the end, and not after.
        string seenByA = Directory.GetFiles(transcripts, "*.hospital-a.transcript.jsonl").Single();
        Assert.Equal(federation.Credentials[1].Fingerprint, JsonNode.Parse(File.ReadLines(seenByA).First())!["peerKeys"]!["hospital-b"]!.GetValue<string>());
        var report = TranscriptAuditor.Audit(transcripts, roster);
        Assert.True(report.Passed, report.ToText());
        string late = Path.Combine(federation.Directory, "late");
        Directory.CreateDirectory(late);
        File.WriteAllLines(Path.Combine(late, Path.GetFileName(seenByA)), Redate(File.ReadAllLines(seenByA), End.AddSeconds(1), federation.Credentials[0].Certificate));
        Assert.Contains(TranscriptAuditor.Audit(late, roster).Findings, f => f.Problem.Contains($"saw hospital-b present its previous key {federation.Credentials[1].Fingerprint} at 2027-01-31T00:00:01Z, after the roster stopped accepting it", StringComparison.Ordinal));

        // After the end hospital-a refuses hospital-b's old key in the handshake (the analyst's clock still accepts it).
        clock.Now = End.AddSeconds(1);
        var analystClock = new ManualClock(End.AddDays(-1));
        await Assert.ThrowsAnyAsync<Exception>(() => federation.Client(roster, clock: analystClock).RunAsync("secure-sum", Ages, null, default));
        await federation.Logs[0].WaitForAsync($"hospital-b presented its previous key {federation.Credentials[1].Fingerprint}, which the roster accepted only until 2027-01-31T00:00:00Z", TimeSpan.FromSeconds(180));
        // So does an analyst whose clock has passed the end too, and hospital-b's daemon cannot start again with the old key.
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client(roster, clock: clock).RunAsync("secure-sum", Ages, null, default));
        Assert.Contains("hospital-b presented its previous key", error.Message, StringComparison.Ordinal);
        Assert.Throws<PeerAuthenticationException>(() => new PartyDaemon(roster, federation.Credentials[1], federation.Daemons[1].Configuration, Mpc.Federation.Protocols.ProtocolCatalog.BuiltIn, new ListLogger(), clock: clock));
    }

    [Fact]
    public async Task AnAnalystPresentingItsPreviousKeyIsRecordedWithThatKeyAndAuditsOnlyWhileTheRosterAcceptedIt()
    {
        await using var federation = TestFederation.Create(2);
        var (rosterPath, _, _, _) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        using var next = PartyCredentials.Generate("analyst");
        Roster.RotateKey(rosterPath, "analyst", next.Fingerprint, End);
        var roster = Roster.Load(rosterPath);
        string transcripts = Path.Combine(federation.Directory, "transcripts");
        var clock = new ManualClock(End.AddDays(-1));
        federation.StartAll(roster: roster, clock: clock, transcripts: transcripts);
        // The analyst still uses its old key, which the roster now lists as its previous one.
        await federation.Client(roster, clock: clock).RunAsync("secure-sum", Ages, null, default);

        var files = Directory.GetFiles(transcripts, "*.transcript.jsonl").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, files.Count);
        foreach (var file in files)
        {
            var header = JsonNode.Parse(File.ReadLines(file).First())!;
            Assert.Equal(federation.Analyst.Fingerprint, header["analystKey"]!.GetValue<string>());
            Assert.NotEqual(roster.Analysts[0].PublicKey, header["analystKey"]!.GetValue<string>());
            Assert.Equal(End.AddDays(-1), DateTimeOffset.Parse(header["started"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        }
        var report = TranscriptAuditor.Audit(transcripts, roster);
        Assert.True(report.Passed, report.ToText());

        // The same transcripts, begun a second after the transition ended (re-chained and signed again by each party's key).
        string late = Path.Combine(federation.Directory, "late");
        Directory.CreateDirectory(late);
        foreach (var file in files)
        {
            var signer = federation.Credentials[federation.Names.FindIndex(n => file.EndsWith($".{n}.transcript.jsonl", StringComparison.Ordinal))].Certificate;
            File.WriteAllLines(Path.Combine(late, Path.GetFileName(file)), Redate(File.ReadAllLines(file), End.AddSeconds(1), signer));
        }
        var refused = TranscriptAuditor.Audit(late, roster);
        Assert.False(refused.Passed);
        Assert.Contains(refused.Findings, f => f.Problem.Contains($"ran for analyst 'analyst' with its previous key {federation.Analyst.Fingerprint} at 2027-01-31T00:00:01Z, after the roster stopped accepting it", StringComparison.Ordinal));
        Assert.All(refused.Findings, f => Assert.Contains("previous key", f.Problem, StringComparison.Ordinal));
    }

    // A transcript whose header says it began at another time, its chain and signature made again as its party would have.
    private static IEnumerable<string> Redate(string[] lines, DateTimeOffset started, System.Security.Cryptography.X509Certificates.X509Certificate2 signer)
    {
        string previous = new('0', 64);
        foreach (var text in lines)
        {
            var line = JsonNode.Parse(text)!.AsObject();
            if (line["type"]!.GetValue<string>() == "signature")
            {
                line["head"] = previous;
                line["signature"] = ChainSignature.Sign(signer, previous);
                yield return line.ToJsonString();
                yield break;
            }
            if (line["type"]!.GetValue<string>() == "header") line["started"] = started.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            line["prev"] = previous;
            string rewritten = line.ToJsonString();
            previous = ChainSignature.Hash(rewritten);
            yield return rewritten;
        }
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
