namespace Mpc.Audit;

/// <summary>A session as its transcripts show it.</summary>
public sealed record SessionAudit(string Session, string Protocol, string ProtocolId, IReadOnlyList<string> Parties, string Status,
    IReadOnlyList<string> Outputs, long EntriesChecked, long FramesMatched);
