using Mpc.Net;

namespace Mpc.Audit.Tests;

/// <summary>A party's own header time against the roster's end of its previous key (issue 28).</summary>
public class BackdatedTranscriptAttackTests
{
    [Fact]
    public void ATranscriptSignedWithAnExpiredPreviousKeyAndBackdatedIsFoundByItsPeersTimes()
    {
        string folder = Path.Combine(Path.GetTempPath(), "mpc-backdated-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            using var old = PartyCredentials.Generate("hospital-a");
            using var next = PartyCredentials.Generate("hospital-a");
            using var b = PartyCredentials.Generate("hospital-b");
            string rosterPath = Path.Combine(folder, "parties.json");
            File.WriteAllText(rosterPath, Roster.ToJson("t", [("hospital-a", "127.0.0.1:1", old.Fingerprint), ("hospital-b", "127.0.0.1:2", b.Fingerprint)], [("analyst", "sha256:" + new string('0', 64))]));
            // hospital-a rotated; its old key stopped counting a day ago.
            var until = DateTimeOffset.UtcNow.AddDays(-1);
            Roster.RotateKey(rosterPath, "hospital-a", next.Fingerprint, until);
            var roster = Roster.Load(rosterPath);
            var session = Guid.NewGuid();
            var now = DateTimeOffset.UtcNow;
            // Whoever holds the old key signs hospital-a's transcript of a session that began now, writing a start before the end of the transition.
            foreach (var (credentials, name, peer, started) in new[] { (old, "hospital-a", "hospital-b", until.AddHours(-1)), (b, "hospital-b", "hospital-a", now) })
            {
                var header = new TranscriptHeader(session, name, roster.Hash, "p", "builtin:p", new Dictionary<string, string>(), "h", ["total"], "dealer", 64, 16, "test",
                    credentials.Certificate.ExportCertificatePem(), Started: started);
                using var writer = new TranscriptWriter(Path.Combine(folder, $"{session}.{name}.transcript.jsonl"), header);
                byte[] fromA = [1, 2, 3], fromB = [4, 5, 6];
                writer.Sent(peer, 1, name == "hospital-a" ? fromA : fromB);
                writer.Received(peer, 1, name == "hospital-a" ? fromB : fromA);
                writer.Output("total", 1, [9]);
                writer.Close(true, null, credentials.Certificate);
            }
            var report = TranscriptAuditor.Audit(folder, roster);
            Assert.False(report.Passed, "a transcript signed with hospital-a's expired previous key, its start a day before its peer's, passes the audit");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
