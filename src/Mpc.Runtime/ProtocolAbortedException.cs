namespace Mpc.Runtime;

/// <summary>A session was aborted: a party failed, timed out, or broke the protocol. Nothing is revealed after it.</summary>
public class ProtocolAbortedException : Exception
{
    public ProtocolAbortedException(string message, string? partyName = null, Exception? innerException = null, AbortCause cause = AbortCause.PeerFailed, string? relayedFrom = null)
        : base(message, innerException)
    {
        PartyName = partyName;
        Cause = cause;
        RelayedFrom = relayedFrom;
    }

    /// <summary>The party that caused the abort, when known.</summary>
    public string? PartyName { get; }

    /// <summary>Why the session aborted, as it travels to the peers and the analyst.</summary>
    public AbortCause Cause { get; }

    /// <summary>
    /// The peer whose abort notice this party only passes on (bound to the connection it came over), or null when this party
    /// observed the fault itself; the analyst counts only first-hand observations.
    /// </summary>
    public string? RelayedFrom { get; }
}
