using System.Text.Json;

namespace Mpc.Federation;

/// <summary>
/// What the analyst gets from a completed session. Seconds is the analyst's wall time from
/// proposal to result (parties load and check their data in it); ProtocolSeconds is the slowest
/// party's time from connecting to its peers to finishing the protocol.
/// </summary>
public sealed record SessionResult(
    Guid SessionId,
    string Protocol,
    string ProtocolId,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<string> Parties,
    string Preprocessing,
    IReadOnlyDictionary<string, SessionOutput> Outputs,
    double Seconds,
    double ProtocolSeconds,
    long Rounds,
    long BytesSent,
    IReadOnlyList<string> PrivateReleases)
{
    /// <summary>{"outputs": {"name": value, ...}, "session": {...}}.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["outputs"] = Outputs.ToDictionary(o => o.Key, o => o.Value.ToJsonValue()),
        ["session"] = new Dictionary<string, object>
        {
            ["id"] = SessionId.ToString(),
            ["protocol"] = Protocol,
            ["protocolId"] = ProtocolId,
            ["parameters"] = Parameters,
            ["parties"] = Parties,
            ["preprocessing"] = Preprocessing,
            ["seconds"] = Seconds,
            ["protocolSeconds"] = ProtocolSeconds,
            ["rounds"] = Rounds,
            ["bytesSent"] = BytesSent,
            ["privacy"] = PrivateReleases,
        },
    }, new JsonSerializerOptions { WriteIndented = true });
}
