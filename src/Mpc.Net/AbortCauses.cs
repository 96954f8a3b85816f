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

    /// <summary>A reason as received, cut to <see cref="MaxReasonChars"/>.</summary>
    public static string Cap(string? reason) =>
        reason is null ? "no reason given" : reason.Length <= MaxReasonChars ? reason : string.Concat(reason.AsSpan(0, MaxReasonChars), " (cut)");

    /// <summary>The blamed party as received, or <paramref name="sender"/> when it names nobody plausible.</summary>
    public static string? BlamedParty(string? named, string? sender) =>
        named is null ? null
        : named.Length is > 0 and <= MaxPartyNameChars && !named.Any(char.IsControl) ? named
        : sender;

    /// <summary>A peer's abort notice as the exception it causes here.</summary>
    public static ProtocolAbortedException ToException(AbortNotice notice, string sender)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return new ProtocolAbortedException($"Session aborted by {sender}: {Cap(notice.Reason)}", BlamedParty(notice.FailedParty, sender) ?? sender, cause: FromWire(notice.Cause));
    }

    /// <summary>
    /// Whether a party that reports this cause against itself caused the abort (its data, its script, its code, its
    /// shutdown, a peer's breach it saw), rather than having lost a peer or the analyst, or been cancelled by another's abort.
    /// </summary>
    public static bool IsOwnFault(AbortCause cause) => cause is AbortCause.DataRefused or AbortCause.RevealRefused or AbortCause.ScriptFault
        or AbortCause.InternalError or AbortCause.Shutdown or AbortCause.ProtocolViolation or AbortCause.PeerTimedOut or AbortCause.PeerRefused;
}
