using System.Text.Json.Nodes;
using Mpc.Net;

namespace Mpc.Audit.Tests;

/// <summary>Each party's transcripts are chained across sessions; the audit finds dropped, rolled-back and replayed sessions.</summary>
public sealed class TranscriptChainTests : IDisposable
{
    private static readonly string AnalystKey = "sha256:" + new string('a', 64);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "mpc-chain-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly PartyCredentials _a = PartyCredentials.Generate("hospital-a");
    private readonly PartyCredentials _b = PartyCredentials.Generate("hospital-b");
    private readonly Roster _roster;

    public TranscriptChainTests()
    {
        Directory.CreateDirectory(_folder);
        _roster = Roster.Create("t", [("hospital-a", "127.0.0.1:1", _a.Fingerprint), ("hospital-b", "127.0.0.1:2", _b.Fingerprint)], [("analyst", AnalystKey)]);
    }

    // One session of both parties: a sends b one frame; both close (aborted when asked) and link into their chains.
    private Guid Session(bool aborted = false, string analystKey = "")
    {
        var session = Guid.NewGuid();
        var writers = new[] { _a, _b }.Select(c => (c, new TranscriptWriter(Path.Combine(_folder, $"{session}.{c.Name}.transcript.jsonl"),
            new TranscriptHeader(session, c.Name, _roster.Hash, "p", "builtin:p", new Dictionary<string, string>(), "h", ["total"], "dealer", 64, 16, "test", c.Certificate.ExportCertificatePem(),
                "analyst", analystKey.Length > 0 ? analystKey : AnalystKey, DateTimeOffset.UtcNow)))).ToList();
        byte[] frame = [1, 2, 3];
        writers[0].Item2.Sent("hospital-b", 1, frame);
        writers[1].Item2.Received("hospital-a", 1, frame);
        foreach (var (credentials, writer) in writers)
        {
            if (!aborted) writer.Output("total", 1, [9]);
            writer.Close(!aborted, aborted ? "hospital-a failed: internal error (see its log)." : null, credentials.Certificate, new TranscriptChain(_folder, credentials.Name), session);
            writer.Dispose();
        }
        return session;
    }

    private void Drop(Guid session)
    {
        foreach (var file in Directory.EnumerateFiles(_folder, $"{session}.*")) File.Delete(file);
    }

    [Fact]
    public void ConsecutiveSessionsFormOneChainPerPartyAndTheAuditPasses()
    {
        var first = Session();
        Session();
        Session();
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.True(report.Passed, report.ToText());
        var lines = File.ReadAllLines(Path.Combine(_folder, $"{first}.hospital-a.transcript.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal("analyst", lines[0]["analyst"]!.GetValue<string>());
        Assert.Equal(AnalystKey, lines[0]["analystKey"]!.GetValue<string>());
        Assert.EndsWith("Z", lines[0]["started"]!.GetValue<string>(), StringComparison.Ordinal);
        var end = lines.Single(l => l["type"]!.GetValue<string>() == "end");
        Assert.EndsWith("Z", end["time"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(TranscriptChain.Genesis, end["chainPrevious"]!.GetValue<string>());
    }

    [Fact]
    public void ASessionDroppedFromTheMiddleIsReportedAsAGapInEachPartysChain()
    {
        Session();
        var dropped = Session();
        var third = Session();
        Drop(dropped);
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.Contains(report.Findings, f => f.Session == third.ToString() && f.Party == "hospital-a" && f.Problem.EndsWith("whose transcript is missing: a session of hospital-a was dropped.", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Party == "hospital-b" && f.Problem.Contains("was dropped", StringComparison.Ordinal));
    }

    [Fact]
    public void DroppingTheLastSessionIsFoundByThePartysChainState()
    {
        Session();
        var last = Session();
        Drop(last);
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.Contains(report.Findings, f => f.Party == "hospital-a" && f.Problem.StartsWith("its chain state names a last session", StringComparison.Ordinal));
    }

    [Fact]
    public void AChainRolledBackToAnOldStateIsReportedAsAFork()
    {
        Session();
        var saved = Directory.EnumerateFiles(_folder, "*.chain.json").ToDictionary(f => f, File.ReadAllText);
        var second = Session();
        // The state is put back to what it was after the first session (an old set replayed), and the next session forks.
        foreach (var (path, text) in saved) File.WriteAllText(path, text);
        var third = Session();
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.Contains(report.Findings, f => f.Party == "hospital-a" && f.Session.Contains(second.ToString(), StringComparison.Ordinal) && f.Session.Contains(third.ToString(), StringComparison.Ordinal)
            && f.Problem.Contains("the chain forks", StringComparison.Ordinal));
    }

    [Fact]
    public void AFrameCannotBeSentOnceTheTranscriptIsClosedSoAnAbortedSessionAuditsWithoutAFalseMismatch()
    {
        var session = Guid.NewGuid();
        using var writer = new TranscriptWriter(Path.Combine(_folder, $"{session}.hospital-a.transcript.jsonl"),
            new TranscriptHeader(session, "hospital-a", _roster.Hash, "p", "builtin:p", new Dictionary<string, string>(), "h", ["total"], "dealer", 64, 16, "test", _a.Certificate.ExportCertificatePem()));
        writer.Close(false, "aborted", _a.Certificate);
        Assert.Throws<InvalidOperationException>(() => writer.Sent("hospital-b", 7, [1]));
        writer.Dispose();
        File.Delete(writer.FilePath);

        Session(aborted: true);
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.True(report.Passed, report.ToText());
    }

    [Fact]
    public void AHeaderNamingAnAnalystKeyTheRosterDoesNotListIsFound()
    {
        Session(analystKey: "sha256:" + new string('b', 64));
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.Contains(report.Findings, f => f.Problem.Contains("who is not an analyst of the roster with that key", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        Directory.Delete(_folder, true);
    }
}
