using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpc.Net;

namespace Mpc.Audit;

/// <summary>
/// Checks the transcripts of sessions against the roster on its own: each chain's integrity and
/// signature (the signer's key must be the roster's key for that party), agreement between parties
/// on roster, protocol, parameters and preprocessing, that what each party logged as sent to a peer
/// is what that peer logged as received (in order), that only declared outputs were opened, that the
/// analyst named in the headers is the roster's, that every party recorded the same DP releases of each DP output, and that
/// each party's sessions form one chain (a missing session leaves a gap, a replayed one a fork; a party's chain state file names its last).
/// </summary>
public static partial class TranscriptAuditor
{
    public static AuditReport Audit(string directory, Roster roster)
    {
        ArgumentNullException.ThrowIfNull(roster);
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Transcript folder {directory} does not exist.");
        var findings = new List<AuditFinding>();
        var transcripts = Directory.EnumerateFiles(directory, "*.transcript.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(path => Read(path, roster, findings)).Where(t => t is not null).Select(t => t!).ToList();
        var sessions = new List<SessionAudit>();
        var privateKinds = PrivateKinds(transcripts);
        foreach (var group in transcripts.GroupBy(t => t.Session))
            sessions.Add(CheckSession(group.Key, group.ToList(), roster, privateKinds, findings));
        CheckChains(directory, transcripts, findings);
        return new AuditReport(sessions, findings);
    }

    private static string Short(string hash) => hash.Length > 16 ? hash[..16] + "..." : hash;

    private sealed record Entry(long Seq, string Type, JsonObject Fields);

    private sealed record Transcript(string Path, string Session, string Party, JsonObject Header, List<Entry> Entries, string Status, string? EndHash, string? ChainPrevious, string? SignerKey);

    private static Transcript? Read(string path, Roster roster, List<AuditFinding> findings)
    {
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        string session = "?", party = System.IO.Path.GetFileName(path);
        void Fail(long? entry, string problem) => findings.Add(new AuditFinding(session, party, entry, problem));
        if (lines.Length == 0)
        {
            Fail(null, $"{path} is empty.");
            return null;
        }
        var entries = new List<Entry>();
        string previous = new('0', 64);
        JsonObject? header = null;
        JsonObject? signature = null;
        int version = 0;
        string? endHash = null;
        // After the first break every later line disagrees too; the first one is the finding.
        bool broken = false;
        void Break(long entry, string problem)
        {
            if (!broken) Fail(entry, problem);
            broken = true;
        }

        for (int i = 0; i < lines.Length; i++)
        {
            JsonObject? line;
            try
            {
                line = JsonNode.Parse(lines[i]) as JsonObject;
            }
            catch (JsonException)
            {
                line = null;
            }
            if (line is null)
            {
                Break(i, "is not a valid JSON object (changed bytes?).");

                previous = Hash(lines[i]);
                continue;
            }
            string type = Text(line["type"]) ?? "";
            long seq = Integer(line["seq"]) ?? -1;
            if (i == 0)
            {
                header = line;
                session = Text(line["session"]) ?? "?";
                party = Text(line["party"]) ?? party;
                if (type != "header") Fail(0, "the first entry is not the header.");
                version = VersionOf(line);
            }
            foreach (var problem in Malformed(line).Concat(Missing(line, version))) Fail(i, problem);
            if (seq != i)
            {
                Break(i, $"has sequence number {seq} at position {i}: an entry was removed, inserted or moved.");
            }
            if (type == "signature")
            {
                if (i != lines.Length - 1) Fail(i, "a signature entry that is not the last line.");
                signature = line;
                if (Text(line["head"]) != previous)
                {
                    Fail(i, "the signed head is not the hash of the last entry: the transcript was changed after signing, or the signature belongs to another transcript.");
                }
                break;
            }
            if (Text(line["prev"]) != previous)
            {
                Break(i, $"its prev does not match the hash of entry {i - 1}: entry {i - 1} was changed, or an entry was removed, inserted or moved.");
            }
            previous = Hash(lines[i]);
            if (type == "end") endHash = previous;
            entries.Add(new Entry(seq, type, line));
        }
        if (header is null) return null;
        // The signer must be the roster's key for this party.
        var member = roster.Parties.FirstOrDefault(p => p.Name == party);
        if (member is null) Fail(null, $"party '{party}' is not in the roster.");
        X509Certificate2? certificate = null;
        string? signerKey = null;
        try
        {
            certificate = X509Certificate2.CreateFromPem(Text(header["certificate"]) ?? "");
        }
        catch (CryptographicException)
        {
            Fail(0, "the header's certificate cannot be read.");
        }
        using (certificate)
        {
            // During a key rotation a transcript begun before the transition's end may carry the party's previous key.
            var started = Started(header);
            signerKey = certificate is null ? null : KeyFingerprint.Of(certificate);
            if (certificate is not null && member is not null && !member.Holds(signerKey!, started))
                Fail(0, $"the transcript is signed with key {signerKey}, not {party}'s roster key {member.PublicKey}.");
            if (signature is null) Fail(null, "has no signature: the party crashed, or the transcript was cut short.");
            else if (certificate is not null)
            {
                using var key = certificate.GetECDsaPublicKey();
                byte[] signed;
                try
                {
                    signed = Convert.FromBase64String(Text(signature["signature"]) ?? "");
                }
                catch (FormatException)
                {
                    signed = [];
                }
                if (key is null || !key.VerifyData(Encoding.UTF8.GetBytes(Text(signature["head"]) ?? ""), signed, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
                    Fail(Integer(signature["seq"]), "the signature does not verify with the party's key.");
            }
        }
        var end = entries.LastOrDefault(e => e.Type == "end");
        string status = Text(end?.Fields["status"]) ?? "unfinished";
        return new Transcript(path, session, party, header, entries, status, endHash, Text(end?.Fields["chainPrevious"]), signerKey);
    }

    // When the session began, as its header says; an unreadable time accepts no previous key.
    private static DateTimeOffset Started(JsonObject header) =>
        DateTimeOffset.TryParse(Text(header["started"]), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : DateTimeOffset.MaxValue;

    private static SessionAudit CheckSession(string session, List<Transcript> transcripts, Roster roster, IReadOnlySet<string> privateKinds, List<AuditFinding> findings)
    {
        void Fail(string? party, long? entry, string problem) => findings.Add(new AuditFinding(session, party, entry, problem));
        var first = transcripts[0].Header;
        foreach (var duplicate in transcripts.GroupBy(t => t.Party).Where(g => g.Count() > 1)) Fail(duplicate.Key, null, "has more than one transcript of this session.");
        foreach (var missing in roster.Parties.Where(p => transcripts.All(t => t.Party != p.Name))) Fail(missing.Name, null, "has no transcript of this session.");
        // Each party writes its own start time, so a previous key is judged at the latest of them: one party cannot backdate the session.
        var latest = transcripts.Max(t => Started(t.Header));
        foreach (var t in transcripts)
        {
            var member = roster.Parties.FirstOrDefault(p => p.Name == t.Party);
            if (t.SignerKey is { } signer && member is not null && member.Holds(signer, Started(t.Header)) && !member.Holds(signer, latest))
                Fail(t.Party, 0, $"signed with its previous key {signer}, but the session's transcripts began as late as {latest.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, after the roster stopped accepting it.");
        }
        foreach (var t in transcripts)
        {
            if (Text(t.Header["rosterHash"]) != roster.Hash) Fail(t.Party, 0, "ran with another roster than the one audited against.");
            foreach (var field in new[] { "protocolId", "parameters", "parametersHash", "preprocessing", "ringBits", "fractionalBits" })
                if (t.Header[field]?.ToJsonString() != first[field]?.ToJsonString()) Fail(t.Party, 0, $"disagrees with {transcripts[0].Party} on {field}.");
            // A field only one of the two holds is of a later version than the other's: CheckHeaderVersions reports that, blaming neither.
            foreach (var (field, what) in new[] { ("outputs", "declared outputs"), ("outputKinds", "kinds of the declared outputs"), ("privateKinds", "kinds noised before release"), ("analyst", "analyst"), ("analystKey", "analystKey") })
                if (t.Header.ContainsKey(field) == first.ContainsKey(field) && t.Header[field]?.ToJsonString() != first[field]?.ToJsonString()) Fail(t.Party, 0, $"disagrees with {transcripts[0].Party} on the {what}.");
            string? analyst = Text(t.Header["analyst"]), analystKey = Text(t.Header["analystKey"]);
            var started = latest;
            // The key presented in the handshake: during a rotation the previous key counts until its transition ends.
            if (analyst is not null && !roster.Analysts.Any(a => a.Name == analyst && analystKey is not null && a.Holds(analystKey, started)))
                Fail(t.Party, 0, roster.Analysts.FirstOrDefault(a => a.Name == analyst && analystKey is not null && a.PreviousKey == analystKey)?.PreviousKeyUntil is { } until
                    ? $"ran for analyst '{analyst}' with its previous key {analystKey} at {started.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, after the roster stopped accepting it ({until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ})."
                    : $"ran for analyst '{analyst}' with key {analystKey}, who is not an analyst of the roster with that key.");
            CheckPeerKeys(t, transcripts, roster, started, Fail);
        }

        CheckHeaderVersions(transcripts, Fail);

        // What A logged as sent to B must be what B logged as received from A, in order.
        long matched = 0;
        bool completed = transcripts.All(t => t.Status == "completed") && transcripts.Count == roster.Parties.Count;
        foreach (var sender in transcripts)
            foreach (var receiver in transcripts.Where(r => r.Party != sender.Party))
            {
                var sent = sender.Entries.Where(e => e.Type == "send" && Text(e.Fields["peer"]) == receiver.Party).ToList();
                var received = receiver.Entries.Where(e => e.Type == "receive" && Text(e.Fields["peer"]) == sender.Party).ToList();
                for (int i = 0; i < received.Count; i++)
                {
                    if (i >= sent.Count)
                    {
                        Fail(receiver.Party, received[i].Seq, $"logs a frame from {sender.Party} that {sender.Party} never logged as sent.");
                        break;
                    }
                    if (Frame(sent[i]) != Frame(received[i]))
                    {
                        Fail(receiver.Party, received[i].Seq, $"logs frame {Frame(received[i])} from {sender.Party}, whose entry {sent[i].Seq} says it sent {Frame(sent[i])}.");
                        break;
                    }
                    matched++;
                }
                // In a completed session every frame sent was received; an aborted one may lose frames in flight.
                if (completed && sent.Count > received.Count)
                    Fail(sender.Party, sent[received.Count].Seq, $"logs a frame sent to {receiver.Party} that {receiver.Party} never logged as received.");
            }

        // Only declared outputs, each at most once, the same at every party.
        var declared = (first["outputs"] as JsonArray)?.Select(n => Text(n) ?? "").ToHashSet(StringComparer.Ordinal) ?? [];
        List<string>? outputs = null;
        foreach (var t in transcripts)
        {
            var names = new List<string>();
            foreach (var output in t.Entries.Where(e => e.Type == "output"))
            {
                string name = Text(output.Fields["name"]) ?? "";
                if (!declared.Contains(name)) Fail(t.Party, output.Seq, $"opened '{name}', which is not a declared output.");
                if (names.Contains(name)) Fail(t.Party, output.Seq, $"opened '{name}' twice.");
                names.Add(name);
            }
            if (outputs is null) outputs = names;
            else if (!names.SequenceEqual(outputs)) Fail(t.Party, null, $"opened {string.Join(", ", names)}, where {transcripts[0].Party} opened {string.Join(", ", outputs)}.");
        }
        foreach (var t in transcripts) CheckReleases(t, Fail);
        CompareReleases(transcripts, privateKinds, Fail);
        string status = completed ? "completed" : string.Join(", ", transcripts.Select(t => $"{t.Party} {t.Status}"));
        return new SessionAudit(session, Text(first["protocol"]) ?? "?", Text(first["protocolId"]) ?? "?",
            transcripts.Select(t => t.Party).ToList(), status, outputs ?? [], transcripts.Sum(t => (long)t.Entries.Count), matched);
    }

    // Each peer's key as this party saw it in the handshake: one the roster held for that peer then, and the one the peer signed its own transcript with.
    private static void CheckPeerKeys(Transcript t, List<Transcript> transcripts, Roster roster, DateTimeOffset started, Action<string?, long?, string> fail)
    {
        if (t.Header["peerKeys"] is not JsonObject keys) return;
        foreach (var (peer, node) in keys)
        {
            string key = Text(node) ?? "";
            var member = roster.Parties.FirstOrDefault(p => p.Name == peer);
            if (member is null || !member.Holds(key, started))
                fail(t.Party, 0, member?.PreviousKey == key && member.PreviousKeyUntil is { } until
                    ? $"saw {peer} present its previous key {key} at {started.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}, after the roster stopped accepting it ({until.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ})."
                    : $"saw {peer} present key {key}, which the roster does not hold for {peer}.");
            else if (transcripts.FirstOrDefault(o => o.Party == peer)?.SignerKey is { } signer && signer != key)
                fail(t.Party, 0, $"saw {peer} present key {key}, but {peer} signed its transcript with {signer}.");
        }
    }

    private static string Frame(Entry e) => $"(tag {e.Fields["tag"]?.ToJsonString()}, {e.Fields["length"]?.ToJsonString()} bytes, sha256 {Short(Text(e.Fields["sha256"]) ?? "")})";

    private static string Hash(string line) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(line)));
}
