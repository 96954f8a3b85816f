using Mpc.Runtime;

namespace Mpc.Net;

/// <summary>
/// Reading an abort's cause, reason and blamed party from a peer or a party: every one of them is untrusted, so an
/// unknown cause becomes <see cref="AbortCause.Unspecified"/>, a reason is cut to <see cref="MaxReasonChars"/> and a
/// blamed name that is no name falls back to the sender.
/// </summary>
public static class AbortCauses
{
    /// <summary>Longest reason passed on to the analyst, logs and transcripts: framework texts are a few hundred characters.</summary>
    public const int MaxReasonChars = 2000;

    /// <summary>Longest name accepted as the blamed party (roster names are short).</summary>
    public const int MaxPartyNameChars = 200;

    public static int ToWire(AbortCause cause) => (int)cause;

    public static AbortCause FromWire(int value) => Enum.IsDefined(typeof(AbortCause), value) ? (AbortCause)value : AbortCause.Unspecified;

    /// <summary>
    /// A reason as received, cut to <see cref="MaxReasonChars"/> (never inside a surrogate pair), with control and
    /// bidirectional-formatting characters replaced, so a peer cannot rewrite the analyst's terminal or log lines.
    /// </summary>
    public static string Cap(string? reason)
    {
        if (reason is null) return "no reason given";
        int length = Math.Min(reason.Length, MaxReasonChars);
        if (length < reason.Length && length > 0 && char.IsHighSurrogate(reason[length - 1])) length--;
        var text = new System.Text.StringBuilder(length + 6);
        foreach (char c in reason.AsSpan(0, length)) text.Append(IsUnsafe(c) ? '\uFFFD' : c);
        if (length < reason.Length) text.Append(" (cut)");
        return text.ToString();
    }

    // C0/C1 controls (escape sequences, CR, LF, BEL) and the Unicode bidi overrides and isolates.
    private static bool IsUnsafe(char c) => char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F';

    /// <summary>
    /// The blamed party as received, or <paramref name="sender"/> when it names nobody plausible or, given the
    /// <paramref name="parties"/>, nobody among them.
    /// </summary>
    public static string? BlamedParty(string? named, string? sender, IReadOnlyCollection<string>? parties = null) =>
        named is null ? null
        : named.Length is > 0 and <= MaxPartyNameChars && !named.Any(char.IsControl) && (parties is null || parties.Contains(named)) ? named
        : sender;

    /// <summary>
    /// A peer's abort notice as the exception it causes here. A notice naming the receiver itself is the sender's
    /// word against it, so the sender is blamed: otherwise a dishonest peer would make an honest party report an
    /// own fault (its data, its code) that the analyst takes as decisive. Such a notice, when the sender claims it as its
    /// own observation, is what the receiver saw itself; every other notice the receiver only passes on, marked as
    /// relayed from the sender (the connection it came over, never the origin the notice claims).
    /// </summary>
    public static ProtocolAbortedException ToException(AbortNotice notice, string sender, string? self = null, IReadOnlyCollection<string>? parties = null)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(sender);
        string blamed = BlamedParty(notice.FailedParty, sender, parties) ?? sender;
        bool againstSelf = self is not null && blamed == self;
        if (againstSelf) blamed = sender;
        bool sendersOwn = notice.Origin is null || notice.Origin == sender;
        return new ProtocolAbortedException(NetErrors.AbortedBy(sender, Cap(notice.Reason)), blamed, cause: FromWire(notice.Cause), relayedFrom: againstSelf && sendersOwn ? null : sender);
    }

    /// <summary>Stands for an origin that names no party of the session: the report is still a relay.</summary>
    public const string UnknownOrigin = "an unnamed peer";

    /// <summary>
    /// The peer a report (<see cref="SessionEnd.Origin"/>) says it passes on, or null for the reporter's own observation (no
    /// origin, as earlier versions send, or the reporter itself). An origin that is no party is <see cref="UnknownOrigin"/>.
    /// </summary>
    public static string? RelayedFrom(string? origin, string sender, IReadOnlyCollection<string>? parties = null) =>
        origin is null || origin == sender ? null
        : BlamedParty(origin, sender, parties) is { } named && named != sender ? named : UnknownOrigin;

    /// <summary>
    /// Whether a party that reports this cause against itself caused the abort (its data, its script, its code, its
    /// shutdown, a peer's breach it saw), rather than having lost a peer or the analyst, or been cancelled by another's abort.
    /// </summary>
    public static bool IsOwnFault(AbortCause cause) => cause is AbortCause.DataRefused or AbortCause.RevealRefused or AbortCause.ScriptFault
        or AbortCause.InternalError or AbortCause.Shutdown or AbortCause.ProtocolViolation or AbortCause.PeerTimedOut or AbortCause.PeerRefused;
}
