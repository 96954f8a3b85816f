using System.Text.Json.Nodes;

namespace Mpc.Audit;

/// <summary>What a transcript's header records about the session, the party and the analyst who asked for it.</summary>
public sealed record TranscriptHeader(
    Guid Session, string Party, string RosterHash, string Protocol, string ProtocolId,
    IReadOnlyDictionary<string, string> Parameters, string ParametersHash, IReadOnlyList<string> DeclaredOutputs,
    string Preprocessing, int RingBits, int FractionalBits, string Software, string CertificatePem,
    string? Analyst = null, string? AnalystKey = null, DateTimeOffset? Started = null)
{
    /// <summary>Each peer's key fingerprint as presented in this session's TLS handshake, by party name (empty: not recorded).</summary>
    public IReadOnlyDictionary<string, string> PeerKeys { get; init; } = new Dictionary<string, string>();

    /// <summary>Each declared output's kind by name (for example "DifferentiallyPrivate"), so the auditor knows which outputs need a DP release.</summary>
    public IReadOnlyDictionary<string, string> OutputKinds { get; init; } = new Dictionary<string, string>();

    /// <summary>The output kinds this party noises before release (for example "DifferentiallyPrivate"), so the auditor needs no list of its own.</summary>
    public IReadOnlyCollection<string> PrivateKinds { get; init; } = [];

    public JsonObject ToJson() => new()
    {
        ["session"] = Session.ToString(),
        ["party"] = Party,
        ["rosterHash"] = RosterHash,
        ["protocol"] = Protocol,
        ["protocolId"] = ProtocolId,
        ["parameters"] = new JsonObject(Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        ["parametersHash"] = ParametersHash,
        ["outputs"] = new JsonArray(DeclaredOutputs.Select(o => (JsonNode?)o).ToArray()),
        ["outputKinds"] = new JsonObject(OutputKinds.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        ["privateKinds"] = new JsonArray(PrivateKinds.Order(StringComparer.Ordinal).Select(k => (JsonNode?)k).ToArray()),
        ["preprocessing"] = Preprocessing,
        ["ringBits"] = RingBits,
        ["fractionalBits"] = FractionalBits,
        ["software"] = Software,
        ["certificate"] = CertificatePem,
        ["analyst"] = Analyst,
        ["analystKey"] = AnalystKey,
        ["peerKeys"] = new JsonObject(PeerKeys.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
        ["started"] = (Started ?? DateTimeOffset.UtcNow).UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
    };
}
