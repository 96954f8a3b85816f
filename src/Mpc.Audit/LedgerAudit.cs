using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpc.Core;
using Mpc.Ledger;

namespace Mpc.Audit;

/// <summary>
/// Cross-checks a party's privacy ledger against its transcripts: every DP release a transcript records
/// (written after the ledger committed it) must be in the ledger, so a deleted, truncated or rolled-back
/// ledger shows as releases the transcripts hold and the ledger does not.
/// </summary>
public static class LedgerAudit
{
    /// <summary>The DP releases (session, output, transcript file) in the party's transcripts under <paramref name="directory"/>; none when it does not exist.</summary>
    public static IReadOnlyList<(string Session, string Output, string File)> TranscriptReleases(string? directory, string party)
    {
        ArgumentException.ThrowIfNullOrEmpty(party);
        var releases = new List<(string, string, string)>();
        if (directory is null || !Directory.Exists(directory)) return releases;
        foreach (var path in Directory.EnumerateFiles(directory, "*.transcript.jsonl", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string? session = null;
            foreach (var line in File.ReadLines(path, Encoding.UTF8))
            {
                JsonObject? entry;
                try
                {
                    entry = JsonNode.Parse(line) as JsonObject;
                }
                catch (JsonException)
                {
                    // A damaged line is the transcript auditor's finding; the releases around it still count.
                    continue;
                }
                string type = Text(entry, "type");
                if (type == "header")
                {
                    if (Text(entry, "party") != party) break;
                    session = Text(entry, "session");
                }
                else if (type == "dp" && session is not null) releases.Add((session, Text(entry, "name"), path));
            }
        }
        return releases;
    }

    /// <summary>The transcript releases the ledger does not hold, counting repeats (a DP intermediate releases one output many times).</summary>
    public static IReadOnlyList<(string Session, string Output, string File)> MissingFromLedger(IEnumerable<LedgerEntry> ledger, IEnumerable<(string Session, string Output, string File)> transcriptReleases)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(transcriptReleases);
        var held = ledger.Where(e => e.Kind == "release").GroupBy(e => (e.Session, e.Output)).ToDictionary(g => g.Key, g => g.Count());
        var missing = new List<(string, string, string)>();
        foreach (var release in transcriptReleases)
        {
            var key = (release.Session, release.Output);
            if (held.GetValueOrDefault(key) > 0) held[key]--;
            else missing.Add(release);
        }
        return missing;
    }

    /// <summary>
    /// Checks the ledger a party's daemon is about to use, before it serves anyone: a chain that does not verify,
    /// or transcripts recording releases the ledger lacks (or no ledger at all), throw <see cref="LedgerIntegrityException"/>
    /// with one line saying why; otherwise the opened ledger.
    /// </summary>
    public static PrivacyLedger OpenForDaemon(string ledgerPath, string? transcriptDirectory, string party, System.Security.Cryptography.X509Certificates.X509Certificate2 signer)
    {
        ArgumentException.ThrowIfNullOrEmpty(ledgerPath);
        ArgumentException.ThrowIfNullOrEmpty(party);
        ArgumentNullException.ThrowIfNull(signer);
        var releases = TranscriptReleases(transcriptDirectory, party);
        if (!File.Exists(ledgerPath) && releases.Count > 0)
            throw new LedgerIntegrityException(LedgerErrors.LedgerBroken(party, LedgerErrors.LedgerMissingReleases(party, ledgerPath, releases.Count, releases[0].Session, releases[0].Output)));
        PrivacyLedger ledger;
        try
        {
            ledger = new PrivacyLedger(ledgerPath, party, signer);
        }
        catch (LedgerIntegrityException e)
        {
            throw new LedgerIntegrityException(LedgerErrors.LedgerBroken(party, e.Message));
        }
        var missing = MissingFromLedger(ledger.Entries(), releases);
        if (missing.Count > 0) throw new LedgerIntegrityException(LedgerErrors.LedgerBroken(party, LedgerErrors.LedgerMissingReleases(party, ledgerPath, missing.Count, missing[0].Session, missing[0].Output)));
        return ledger;
    }

    /// <summary>
    /// Checks a party's ledger without changing it: the chain and every signature with the key in force at it (each
    /// re-key entry signed by the key before it), that it is the party's (with <paramref name="rosterMember"/>: the key in
    /// force at the end is one the roster holds for the party at <paramref name="at"/>, its key or its previous key during
    /// a rotation), and that it holds every DP release of the party's transcripts. A missing ledger passes only if no
    /// transcript records a release.
    /// </summary>
    public static LedgerVerification Verify(string ledgerPath, string? transcriptDirectory, string party, Mpc.Net.RosterMember? rosterMember, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(ledgerPath);
        ArgumentException.ThrowIfNullOrEmpty(party);
        var releases = TranscriptReleases(transcriptDirectory, party);
        if (!File.Exists(ledgerPath))
        {
            var absent = releases.Count == 0 ? [] : new List<string> { LedgerErrors.LedgerMissingReleases(party, ledgerPath, releases.Count, releases[0].Session, releases[0].Output) };
            return new LedgerVerification(party, 0, new string('0', 64), absent);
        }
        var ledger = new PrivacyLedger(ledgerPath);
        var verification = ledger.Verify();
        var problems = verification.Problems.ToList();
        if (verification.Entries > 0 && ledger.Party != party) problems.Add(LedgerErrors.LedgerOfAnotherParty(ledgerPath, ledger.Party, party));
        if (rosterMember is not null && verification.Keys.Count > 0 && !rosterMember.Holds(verification.Keys[^1], at))
            problems.Add(rosterMember.PreviousKey == verification.Keys[^1]
                ? LedgerErrors.LedgerKeyNotRekeyed(ledgerPath, party, verification.Keys[^1], rosterMember.PublicKey)
                : LedgerErrors.LedgerOfAnotherKey(ledgerPath, party));
        var missing = MissingFromLedger(ledger.Entries(), releases);
        if (missing.Count > 0) problems.Add(LedgerErrors.LedgerMissingReleases(party, ledgerPath, missing.Count, missing[0].Session, missing[0].Output));
        // An empty ledger with nothing released anywhere is simply new.
        if (verification.Entries == 0 && releases.Count == 0) problems.Remove(LedgerErrors.LedgerEmpty(ledgerPath));
        return verification with { Problems = problems };
    }

    private static string Text(JsonObject? entry, string name) =>
        entry?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";
}
