namespace Mpc.Audit;

// Each party's sessions form one chain across transcripts: links in the end entries, and the state file naming the last one.
public static partial class TranscriptAuditor
{
    // Each party's transcripts, by the chain links in their end entries: one line from the genesis, ending where the party's state file says.
    private static void CheckChains(string directory, List<Transcript> transcripts, List<AuditFinding> findings)
    {
        // Where a party's chain state is kept, each of its transcripts of a version that links (one recording its start) carries the link.
        foreach (var t in transcripts.Where(t => t.ChainPrevious is null && t.Header.ContainsKey("started")
            && Directory.EnumerateFiles(directory, $"{t.Party}.chain.json", SearchOption.AllDirectories).Any()))
            if (t.Entries.LastOrDefault(e => e.Type == "end") is { } end && !end.Fields.ContainsKey("chainPrevious"))
                findings.Add(new AuditFinding(t.Session, t.Party, end.Seq, AuditErrors.ChainLinkMissing(t.Party)));
        foreach (var party in transcripts.Where(t => t.EndHash is not null && t.ChainPrevious is not null).GroupBy(t => t.Party))
        {
            var byEnd = party.GroupBy(t => t.EndHash!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var fork in party.GroupBy(t => t.ChainPrevious!).Where(g => g.Select(t => t.Session).Distinct().Count() > 1))
                findings.Add(new AuditFinding(string.Join(", ", fork.Select(t => t.Session).Distinct()), party.Key, null,
                    $"these sessions all follow the same previous session ({Short(fork.Key)}): the chain forks, so a session was replayed or the chain rewritten."));
            foreach (var t in party.Where(t => t.ChainPrevious != TranscriptChain.Genesis && !byEnd.ContainsKey(t.ChainPrevious!)))
                findings.Add(new AuditFinding(t.Session, party.Key, null, $"follows a session (end {Short(t.ChainPrevious!)}) whose transcript is missing: a session of {party.Key} was dropped."));
            foreach (var state in Directory.EnumerateFiles(directory, $"{party.Key}.chain.json", SearchOption.AllDirectories))
            {
                string? last = TranscriptChain.LastEndHash(state);
                if (last is not null && !byEnd.ContainsKey(last))
                    findings.Add(new AuditFinding("?", party.Key, null, $"its chain state names a last session (end {Short(last)}) whose transcript is missing: later sessions were dropped, or an old set of transcripts was presented."));
            }
        }
    }
}
