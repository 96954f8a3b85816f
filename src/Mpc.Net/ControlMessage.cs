using MessagePack;

namespace Mpc.Net;

/// <summary>
/// Control messages, MessagePack-encoded (a union: [type key, fields]) in control frames and read
/// with untrusted-data settings and a nesting cap (<see cref="ControlCodec"/>).
/// </summary>
[Union(0, typeof(SessionRequest))]
[Union(1, typeof(SessionReply))]
[Union(2, typeof(SessionStart))]
[Union(3, typeof(SessionCancel))]
[Union(4, typeof(PeerHello))]
[Union(5, typeof(PeerReply))]
[Union(6, typeof(OutputMessage))]
[Union(7, typeof(SessionEnd))]
[Union(8, typeof(AbortNotice))]
[Union(9, typeof(ProgressMessage))]
[Union(10, typeof(DealerSeedMessage))]
[Union(11, typeof(CatalogRequest))]
[Union(12, typeof(CatalogReply))]
public abstract class ControlMessage;

/// <summary>Analyst to party: propose a session.</summary>
[MessagePackObject]
public sealed class SessionRequest : ControlMessage
{
    [Key(0)] public string Protocol { get; set; } = "";
    [Key(1)] public Dictionary<string, string> Parameters { get; set; } = [];
    [Key(2)] public string RosterHash { get; set; } = "";
    [Key(3)] public string Preprocessing { get; set; } = "";
    [Key(4)] public int RingBits { get; set; }
    /// <summary>The protocol script's text, when the protocol is a script; parties check its hash against their policy before compiling it.</summary>
    [Key(5)] public string? ScriptSource { get; set; }
}

/// <summary>Party to analyst: accept or refuse a proposed session.</summary>
[MessagePackObject]
public sealed class SessionReply : ControlMessage
{
    [Key(0)] public bool Accepted { get; set; }
    [Key(1)] public string? Reason { get; set; }
    [Key(2)] public string ProtocolId { get; set; } = "";

    /// <summary>How long the party waits on a silent peer before it aborts (0: not stated, an earlier version); the analyst waits longer for its report.</summary>
    [Key(3)] public long PeerTimeoutMilliseconds { get; set; }
}

/// <summary>Analyst to party: every party accepted; connect to the peers and run.</summary>
[MessagePackObject]
public sealed class SessionStart : ControlMessage
{
    [Key(0)] public long TimeoutMilliseconds { get; set; }
}

/// <summary>Analyst to party: the session will not run.</summary>
[MessagePackObject]
public sealed class SessionCancel : ControlMessage
{
    [Key(0)] public string Reason { get; set; } = "";
}

/// <summary>Party to party, first frame on a session's pair connection: who I am and what I run.</summary>
[MessagePackObject]
public sealed class PeerHello : ControlMessage
{
    [Key(0)] public string PartyName { get; set; } = "";
    [Key(1)] public string RosterHash { get; set; } = "";
    [Key(2)] public string ProtocolId { get; set; } = "";
    [Key(3)] public string ParametersHash { get; set; } = "";
    /// <summary>The pair's 16-byte PRG seed for zero sharing, chosen by the dialing party.</summary>
    [Key(4)] public byte[] PairSeed { get; set; } = [];
}

/// <summary>Party to party: the hello matched (or why not).</summary>
[MessagePackObject]
public sealed class PeerReply : ControlMessage
{
    [Key(0)] public bool Accepted { get; set; }
    [Key(1)] public string? Reason { get; set; }
}

/// <summary>Party to analyst: this party's shares of a declared output.</summary>
[MessagePackObject]
public sealed class OutputMessage : ControlMessage
{
    [Key(0)] public string Name { get; set; } = "";
    [Key(1)] public int Rows { get; set; }
    [Key(2)] public int Columns { get; set; }
    [Key(3)] public int Scale { get; set; }
    [Key(4)] public int RingBits { get; set; }
    [Key(5)] public byte[] Shares { get; set; } = [];
    /// <summary>A public value every party computed in the clear (for example a p-value), sent by party 0 only.</summary>
    [Key(6)] public double[]? PublicValues { get; set; }
}

/// <summary>
/// Party to analyst: the session ended. Wire: [7, [completed, reason, failedParty, rounds, bytesSent, preprocessing,
/// protocolSeconds, [release...], cause, origin]]; on an abort, cause is an <see cref="Mpc.Runtime.AbortCause"/> as an integer
/// (0 when completed), read through <see cref="AbortCauses"/> (unknown values, long reasons and odd names are made safe).
/// </summary>
[MessagePackObject]
public sealed class SessionEnd : ControlMessage
{
    [Key(0)] public bool Completed { get; set; }
    [Key(1)] public string? Reason { get; set; }
    [Key(2)] public string? FailedParty { get; set; }
    [Key(3)] public long Rounds { get; set; }
    [Key(4)] public long BytesSent { get; set; }
    [Key(5)] public string Preprocessing { get; set; } = "";
    /// <summary>Seconds from connecting to the peers until the protocol finished at this party.</summary>
    [Key(6)] public double ProtocolSeconds { get; set; }
    /// <summary>The differentially private releases of the session: name, mechanism, mu, epsilon, delta, as text.</summary>
    [Key(7)] public List<string> PrivateReleases { get; set; } = [];
    /// <summary>Why the session aborted: an <see cref="Mpc.Runtime.AbortCause"/>, untrusted until read by <see cref="AbortCauses.FromWire"/>.</summary>
    [Key(8)] public int Cause { get; set; }
    /// <summary>
    /// Who observed the abort's fault: the sender itself (or null, as earlier versions send) for its own observation, else
    /// the peer whose abort notice reached the sender first and which it passes on; read by <see cref="AbortCauses.RelayedFrom"/>.
    /// </summary>
    [Key(9)] public string? Origin { get; set; }
}

/// <summary>
/// Party to party: I am aborting the session, and why. Wire: [8, [reason, failedParty, cause, origin]], cause an
/// <see cref="Mpc.Runtime.AbortCause"/> as an integer, origin as in <see cref="SessionEnd.Origin"/> (a claim: the receiver
/// binds what it passes on to the connection the notice came over); read only through <see cref="AbortCauses.ToException"/>.
/// </summary>
[MessagePackObject]
public sealed class AbortNotice : ControlMessage
{
    [Key(0)] public string Reason { get; set; } = "";
    [Key(1)] public string? FailedParty { get; set; }
    /// <summary>Why: an <see cref="Mpc.Runtime.AbortCause"/>, untrusted until read by <see cref="AbortCauses.FromWire"/>.</summary>
    [Key(2)] public int Cause { get; set; }
    /// <summary>Who observed the fault, as in <see cref="SessionEnd.Origin"/>: null or the sender when its own.</summary>
    [Key(3)] public string? Origin { get; set; }
}

/// <summary>Party to analyst: how far the protocol is.</summary>
[MessagePackObject]
public sealed class ProgressMessage : ControlMessage
{
    [Key(0)] public string Stage { get; set; } = "";
    [Key(1)] public double Fraction { get; set; }
}

/// <summary>Party 0 (the trusted dealer) to party i: the seed of i's preprocessing stream.</summary>
[MessagePackObject]
public sealed class DealerSeedMessage : ControlMessage
{
    [Key(0)] public byte[] Seed { get; set; } = [];
}

/// <summary>
/// Analyst to party, as the first frame of a connection instead of a SessionRequest: which datasets do you
/// hold? Wire: [11, []]. The party answers with one <see cref="CatalogReply"/> and closes the connection.
/// </summary>
[MessagePackObject]
public sealed class CatalogRequest : ControlMessage;

/// <summary>
/// Party to analyst: its datasets' names and columns (names and types, never values or row counts).
/// Wire: [12, [[[name, [column...], [type...]]...]]], a type being "numeric" or "text".
/// </summary>
[MessagePackObject]
public sealed class CatalogReply : ControlMessage
{
    [Key(0)] public List<DatasetSchema> Datasets { get; set; } = [];
}
