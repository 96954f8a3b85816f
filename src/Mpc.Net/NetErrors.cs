namespace Mpc.Net;

/// <summary>
/// Every message the network layer (roster, keys, TLS, frames, control messages, the simulated link) puts in an exception,
/// in one place (as NSec's Error.cs), so wording stays consistent and tests can assert on it. A message about a peer names
/// the peer, sizes and kinds, never a payload; paths appear only in messages about this party's own files, which stay local.
/// </summary>
public static class NetErrors
{
    public static string AbortedBy(string sender, string reason) =>
        $"Session aborted by {sender}: {reason}";

    public static string PeerUnreachable(string peer, string endpoint, string reason) =>
        $"Cannot reach {peer} at {endpoint}: {reason}";

    public const string StreamNotAuthenticated = "The stream is not authenticated.";

    public static string LatencyUnitMissing(string text) =>
        $"latency '{text}': use a number with ms, s or us (for example 25ms).";

    public static string LatencyOutOfRange(string text) =>
        $"latency '{text}' must lie between 0 and 60 s.";

    public static string BandwidthUnitMissing(string text) =>
        $"bandwidth '{text}': use a number with kbit, mbit or gbit (for example 100mbit).";

    public static string BandwidthTooLow(string text) =>
        $"bandwidth '{text}' must be at least 1kbit.";

    public static string NotANumber(string text) =>
        $"'{text}' does not start with a number.";

    public const string RosterFileMissing = "the file does not exist.";

    public static string RosterNotJson(long? line, string reason) =>
        $"line {line}: not valid JSON ({reason}).";

    public const string RosterNotAnObject = "the top level must be a JSON object.";

    public static string NoSuchParty(string name, IEnumerable<string> parties) =>
        $"no party named '{name}'; the parties are {string.Join(", ", parties)}.";

    public static string KeyAlreadyHeld(string name, string fingerprint) =>
        $"{name} already has the key {fingerprint}.";

    public static string RosterListMissing(string list) =>
        $"{list}: missing, or not a list.";

    public static string NoSuchMember(string name) =>
        $"no party or analyst named '{name}'.";

    public const string SimulatedLinkFailed = "The simulated link failed.";

    public static string ControlMessageEmpty(string peerName) =>
        $"{peerName} sent an empty control message.";

    public static string ControlMessageMalformed(string peerName, string reason) =>
        $"{peerName} sent a malformed control message: {reason}";

    public static string ClosedWhileExpecting(string peerName, string expected) =>
        $"{peerName} closed the connection while {expected} was expected.";

    public static string DataFrameWhileExpecting(string peerName, string expected) =>
        $"{peerName} sent a data frame while {expected} was expected.";

    public static string UnexpectedControlMessage(string peerName, string received, string expected) =>
        $"{peerName} sent {received} while {expected} was expected.";

    public static string ReceiveLimitOutOfRange(int maxPayloadBytes) =>
        $"The receive limit must lie in 1..{maxPayloadBytes}.";

    public static string FrameOverCap(int length, int maxPayloadBytes) =>
        $"A frame of {length} bytes exceeds the cap of {maxPayloadBytes} bytes.";

    public static string ConnectionClosed(string peerName) =>
        $"The connection to {peerName} is closed.";

    public static string AnnouncedFrameOverCap(string peerName, uint length, int limit) =>
        $"{peerName} announced a frame of {length} bytes, over the cap of {limit} bytes.";

    public static string UnknownFrameKind(string peerName, byte kind) =>
        $"{peerName} sent a frame of unknown kind {kind}.";

    public static string TooManyMessagesInPieces(string peerName, int most) =>
        $"{peerName} left more than {most} messages in pieces at once.";

    public static string PiecesOverCap(string peerName, int limit) =>
        $"{peerName} sent pieces of messages totalling more than the cap of {limit} bytes.";

    public static string MessageInPiecesOverCap(string peerName, long length, int limit) =>
        $"{peerName} sent a message in pieces of {length} bytes, over the cap of {limit} bytes.";

    public const string PiecesAreTheConnectionsOwn = "A message is cut into pieces by the connection itself (background data messages); send it as Data.";

    public static string PrivateKeyExists(string keyPath) =>
        $"{keyPath} exists already; refusing to overwrite a private key.";

    public const string CertificateWithoutPrivateKey = "The certificate has no ECDSA private key.";

    public static string PrivateKeyMissing(string keyPath) =>
        $"Private key {keyPath} does not exist.";

    public static string CertificateMissing(string certificatePath) =>
        $"Certificate {certificatePath} does not exist (expected beside the key).";

    public static string PrivateKeyReadableByOthers(string keyPath) =>
        $"Private key {keyPath} is readable by others; run 'chmod 600 {keyPath}'.";
}
