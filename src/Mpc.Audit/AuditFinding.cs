namespace Mpc.Audit;

/// <summary>One problem the auditor found: in which session, whose transcript, which entry, and what.</summary>
public sealed record AuditFinding(string Session, string? Party, long? Entry, string Problem)
{
    public override string ToString() => $"session {Session}{(Party is null ? "" : $", {Party}")}{(Entry is null ? "" : $", entry {Entry}")}: {Problem}";
}
