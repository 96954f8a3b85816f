namespace Mpc.Runtime;

/// <summary>
/// Why a session aborted, as parties tell each other and the analyst (a 32-bit integer on the wire; a value this
/// version does not know is read as <see cref="Unspecified"/>). With the blamed party it decides whom the analyst blames.
/// </summary>
public enum AbortCause
{
    /// <summary>No cause given (an older peer) or one this version does not know.</summary>
    Unspecified = 0,

    /// <summary>A peer closed or broke its connection, or failed in a way it did not name.</summary>
    PeerFailed = 1,

    /// <summary>A peer did not send what the protocol waited for in time.</summary>
    PeerTimedOut = 2,

    /// <summary>A peer sent something the protocol does not allow (a malformed, repeated or unexpected message).</summary>
    ProtocolViolation = 3,

    /// <summary>A peer refused the connection or the session's terms in the peer handshake.</summary>
    PeerRefused = 4,

    /// <summary>The analyst disconnected, so the outputs had nowhere to go.</summary>
    AnalystDisconnected = 5,

    /// <summary>The session was cancelled without a cause of its own (another party's abort reached it first).</summary>
    Cancelled = 6,

    /// <summary>The blamed party's data did not fit the parameters or its limits.</summary>
    DataRefused = 7,

    /// <summary>A reveal was refused: not declared, over the privacy budget, or against a disclosure limit.</summary>
    RevealRefused = 8,

    /// <summary>The analyst's script overran its time or broke its confinement at the blamed party.</summary>
    ScriptFault = 9,

    /// <summary>The blamed party's daemon is shutting down.</summary>
    Shutdown = 10,

    /// <summary>Protocol code failed at the blamed party; the detail is in that party's log only.</summary>
    InternalError = 11,
}
