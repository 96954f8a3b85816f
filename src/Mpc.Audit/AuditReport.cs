using System.Text;
using System.Text.Json;

namespace Mpc.Audit;

/// <summary>The auditor's result: what each session did, and every problem found.</summary>
public sealed record AuditReport(IReadOnlyList<SessionAudit> Sessions, IReadOnlyList<AuditFinding> Findings)
{
    public bool Passed => Findings.Count == 0 && Sessions.Count > 0;

    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var s in Sessions)
        {
            text.AppendLine($"session {s.Session}: {s.Protocol} ({s.ProtocolId}), {s.Status}");
            text.AppendLine($"  parties: {string.Join(", ", s.Parties)}");
            text.AppendLine($"  outputs opened (to the analyst): {(s.Outputs.Count == 0 ? "none" : string.Join(", ", s.Outputs))}");
            text.AppendLine($"  {s.EntriesChecked} entries checked, {s.FramesMatched} frames matched between sender and receiver");
        }
        if (Sessions.Count == 0) text.AppendLine("no transcripts found");
        foreach (var f in Findings) text.AppendLine($"FAIL {f}");
        text.AppendLine(Passed ? "audit passed" : $"audit FAILED: {Findings.Count} problem(s)");
        return text.ToString();
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        passed = Passed,
        sessions = Sessions,
        findings = Findings.Select(f => new { session = f.Session, party = f.Party, entry = f.Entry, problem = f.Problem }),
    }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
}
