using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Audit.Tests;

public class TranscriptAuditTests(RecordedSessions sessions) : IClassFixture<RecordedSessions>
{
    private static AuditReport Audit(string folder) => TranscriptAuditor.Audit(folder, Roster.Load(Path.Combine(folder, "parties.json")));

    private static string TranscriptOf(string folder, string party) =>
        Directory.EnumerateFiles(Path.Combine(folder, "transcripts"), $"*.{party}.transcript.jsonl").Single();

    [Fact]
    public void ACleanSessionPasses()
    {
        var report = Audit(sessions.First);
        Assert.True(report.Passed, report.ToText());
        var session = Assert.Single(report.Sessions);
        Assert.Equal("completed", session.Status);
        Assert.Equal(["total"], session.Outputs);
        Assert.True(session.FramesMatched > 0);
    }

    [Fact]
    public void AFlippedByteIsFoundWithItsPartyAndEntry()
    {
        string folder = sessions.Copy();
        string path = TranscriptOf(folder, "party2");
        var lines = File.ReadAllLines(path);
        int target = lines.Length / 2;
        // Change one hex digit of a logged payload hash.
        int at = lines[target].IndexOf("\"sha256\":\"", StringComparison.Ordinal) + 10;
        var chars = lines[target].ToCharArray();
        chars[at] = chars[at] == 'a' ? 'b' : 'a';
        lines[target] = new string(chars);
        File.WriteAllLines(path, lines);
        var report = Audit(folder);
        Assert.False(report.Passed);
        Assert.Contains(report.Findings, f => f.Party == "party2" && f.Entry == target + 1 && f.Problem.Contains($"entry {target} was changed", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("dropped")]
    [InlineData("reordered")]
    [InlineData("inserted")]
    public void ADroppedReorderedOrInsertedEntryIsFound(string change)
    {
        string folder = sessions.Copy();
        string path = TranscriptOf(folder, "party1");
        var lines = File.ReadAllLines(path).ToList();
        int target = lines.Count / 2;
        switch (change)
        {
            case "dropped":
                lines.RemoveAt(target);
                break;
            case "reordered":
                (lines[target], lines[target + 1]) = (lines[target + 1], lines[target]);
                break;
            default:
                lines.Insert(target, lines[target]);
                break;
        }
        File.WriteAllLines(path, lines);
        var report = Audit(folder);
        Assert.False(report.Passed);
        int expected = change == "inserted" ? target + 1 : target;
        var finding = Assert.Single(report.Findings, f => f.Party == "party1" && f.Entry is not null && f.Problem.Contains("removed, inserted or moved", StringComparison.Ordinal));
        Assert.Equal(expected, finding.Entry);
    }

    [Fact]
    public void ASwappedSignatureIsFound()
    {
        string folder = sessions.Copy();
        string one = TranscriptOf(folder, "party1"), two = TranscriptOf(folder, "party2");
        var a = File.ReadAllLines(one);
        var b = File.ReadAllLines(two);
        a[^1] = b[^1].Replace($"\"seq\":{b.Length - 1}", $"\"seq\":{a.Length - 1}", StringComparison.Ordinal);
        File.WriteAllLines(one, a);
        var report = Audit(folder);
        Assert.Contains(report.Findings, f => f.Party == "party1" && f.Problem.Contains("the signed head is not the hash of the last entry", StringComparison.Ordinal));
    }

    [Fact]
    public void ATranscriptFromAnotherSessionIsFound()
    {
        string folder = sessions.Copy();
        File.Delete(TranscriptOf(folder, "party3"));
        File.Copy(TranscriptOf(sessions.Second, "party3"), Path.Combine(folder, "transcripts", "other.party3.transcript.jsonl"));
        var report = Audit(folder);
        Assert.Contains(report.Findings, f => f.Party == "party3" && f.Problem == "has no transcript of this session.");
        // The second session ran with another roster (fresh keys), which the audit also names.
        Assert.Contains(report.Findings, f => f.Party == "party3" && f.Problem.Contains("not party3's roster key", StringComparison.Ordinal));
    }

    [Fact]
    public void AForgedOpeningWithoutThePartysKeyIsFound()
    {
        string folder = sessions.Copy();
        string path = TranscriptOf(folder, "party2");
        var lines = File.ReadAllLines(path).ToList();
        // An extra output entry, inserted before the end with a consistent chain, but no way to re-sign it.
        int end = lines.FindIndex(l => l.Contains("\"type\":\"end\"", StringComparison.Ordinal));
        lines.Insert(end, lines[end].Replace("\"type\":\"end\"", "\"type\":\"output\"", StringComparison.Ordinal));
        File.WriteAllLines(path, lines);
        var report = Audit(folder);
        Assert.False(report.Passed);
        Assert.Contains(report.Findings, f => f.Party == "party2");
    }

    [Fact]
    public void AnUndeclaredOpeningSignedByTheRealKeyIsStillFound()
    {
        // A party whose own software opened something undeclared: the chain and signature are fine, the opening is not.
        string folder = Path.Combine(sessions.Root, "forged-" + Guid.NewGuid().ToString("N")[..8]);
        using var a = PartyCredentials.Generate("hospital-a");
        using var b = PartyCredentials.Generate("hospital-b");
        var roster = Roster.Create("t", [("hospital-a", "127.0.0.1:1", a.Fingerprint), ("hospital-b", "127.0.0.1:2", b.Fingerprint)], [("analyst", "sha256:" + new string('0', 64))]);
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(folder).FullName, "parties.json"), Roster.ToJson("t", roster.Parties.Select(p => (p.Name, p.Endpoint, p.PublicKey)), [("analyst", "sha256:" + new string('0', 64))]));
        var session = Guid.NewGuid();
        foreach (var (credentials, peer, leaks) in new[] { (a, "hospital-b", false), (b, "hospital-a", true) })
        {
            var header = new TranscriptHeader(session, credentials.Name, roster.Hash, "p", "builtin:p", new Dictionary<string, string>(), "h", ["total"], "dealer", 64, 16, "test", credentials.Certificate.ExportCertificatePem());
            using var writer = new TranscriptWriter(Path.Combine(folder, $"{session}.{credentials.Name}.transcript.jsonl"), header);
            byte[] fromA = [1, 2, 3], fromB = [4, 5, 6];
            writer.Sent(peer, 1, leaks ? fromB : fromA);
            writer.Received(peer, 1, leaks ? fromA : fromB);
            writer.Output("total", 1, [9]);
            if (leaks) writer.Output("raw_ages", 23, [7]);
            writer.Close(true, null, credentials.Certificate);
        }
        var report = TranscriptAuditor.Audit(folder, roster);
        Assert.Contains(report.Findings, f => f.Party == "hospital-b" && f.Problem == "opened 'raw_ages', which is not a declared output.");
    }

    [Fact]
    public void ATranscriptCutShortByACrashIsReportedAsUnsigned()
    {
        string folder = sessions.Copy();
        string path = TranscriptOf(folder, "party3");
        var lines = File.ReadAllLines(path);
        File.WriteAllLines(path, lines[..^5]);
        var report = Audit(folder);
        Assert.Contains(report.Findings, f => f.Party == "party3" && f.Problem == "has no signature: the party crashed, or the transcript was cut short.");
    }

    [Fact]
    public void ADpReleaseOverTheSessionBudgetIsFound()
    {
        string folder = Path.Combine(sessions.Root, "dp-" + Guid.NewGuid().ToString("N")[..8]);
        using var a = PartyCredentials.Generate("hospital-a");
        using var b = PartyCredentials.Generate("hospital-b");
        var roster = Roster.Create("t", [("hospital-a", "127.0.0.1:1", a.Fingerprint), ("hospital-b", "127.0.0.1:2", b.Fingerprint)], [("analyst", "sha256:" + new string('0', 64))]);
        Directory.CreateDirectory(folder);
        var session = Guid.NewGuid();
        foreach (var credentials in new[] { a, b })
        {
            var header = new TranscriptHeader(session, credentials.Name, roster.Hash, "p", "builtin:p", new Dictionary<string, string> { ["epsilon"] = "1" }, "h", ["counts"], "dealer", 64, 16, "test", credentials.Certificate.ExportCertificatePem());
            using var writer = new TranscriptWriter(Path.Combine(folder, $"{session}.{credentials.Name}.transcript.jsonl"), header);
            // Mu 10 gives epsilon 0.924 at delta 1e-5; mu 5 gives 1.391, which hospital-b's transcript does not hide by claiming less.
            writer.PrivateRelease("counts", new NoisedRelease("distributed-skellam", 1, 1, credentials == b ? 5 : 10, credentials == b ? 0.9 : 0.923835, 1e-5, 1));
            writer.Output("counts", 2, [1, 2]);
            writer.Close(true, null, credentials.Certificate);
        }
        var report = TranscriptAuditor.Audit(folder, roster);
        // hospital-b also noised the release differently from hospital-a, so the two records disagree.
        Assert.Equal(3, report.Findings.Count);
        Assert.All(report.Findings, f => Assert.Equal("hospital-b", f.Party));
        Assert.Contains(report.Findings, f => f.Problem.StartsWith("recorded the DP release of 'counts' as distributed-skellam with noise 5 per honest party", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Problem == "claims epsilon 0.9, but its distributed-skellam noise 5 and sensitivities give 1.391.");
        Assert.Contains(report.Findings, f => f.Problem == "spent epsilon 1.391 (composed in RDP at delta 1E-05), over the session's budget of 1.");
    }
}
