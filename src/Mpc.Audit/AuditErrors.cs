namespace Mpc.Audit;

/// <summary>
/// The auditor's findings about a transcript's format, in one place: each names the field, and the finding names the party
/// and the entry, so that a reader can find the line.
/// </summary>
internal static class AuditErrors
{
    public static string FieldMissing(string field) =>
        $"its field '{field}' is missing: the entry is malformed.";

    public static string FieldOfWrongType(string field, string expected) =>
        $"its field '{field}' is not {expected}: the entry is malformed.";

    public static string UnknownEntry(string type) =>
        $"is an entry of unknown type '{type}': the entry is malformed.";

    public static string FormatVersionsDiffer(string party, string field, string peer) =>
        $"{party}'s header has no field '{field}', which {peer}'s header of the same session records: the parties wrote different format versions; each transcript is checked against its own version and neither is blamed for the difference.";

    public static string ChainLinkMissing(string party) =>
        $"its field 'chainPrevious' is missing, though {party}'s chain state is kept with its transcripts: the entry is malformed.";

    public static string PeerKeyMissing(string peer) =>
        $"its field 'peerKeys' records no key for {peer}, a party of the session: the entry is malformed.";
}
