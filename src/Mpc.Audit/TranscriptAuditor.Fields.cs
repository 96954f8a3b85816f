using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mpc.Audit;

// Every field of a transcript is read as untrusted: each entry's fields are checked against the documented format (a field of
// the wrong type, or one the entry's format has that is missing, is a finding), and every read goes through the helpers below,
// which yield null rather than throw.
public static partial class TranscriptAuditor
{
    private enum Shape
    {
        Text,
        TextOrNull,
        Integer,
        Number,
        TextMap,
        NumberMap,
        TextList,
    }

    private static readonly Dictionary<string, Shape> EveryEntry = new(StringComparer.Ordinal) { ["seq"] = Shape.Integer, ["type"] = Shape.Text, ["prev"] = Shape.Text };

    private static readonly Dictionary<string, Shape> Frames = new(StringComparer.Ordinal)
    {
        ["peer"] = Shape.Text, ["tag"] = Shape.Integer, ["length"] = Shape.Integer, ["sha256"] = Shape.Text,
    };

    // The format TranscriptWriter documents, by entry type; "dp" includes the earlier versions' flat Skellam fields.
    private static readonly Dictionary<string, Dictionary<string, Shape>> Shapes = new(StringComparer.Ordinal)
    {
        ["header"] = new(StringComparer.Ordinal)
        {
            ["session"] = Shape.Text, ["party"] = Shape.Text, ["rosterHash"] = Shape.Text, ["protocol"] = Shape.Text, ["protocolId"] = Shape.Text,
            ["parameters"] = Shape.TextMap, ["parametersHash"] = Shape.Text, ["outputs"] = Shape.TextList, ["outputKinds"] = Shape.TextMap,
            ["preprocessing"] = Shape.Text, ["ringBits"] = Shape.Integer, ["fractionalBits"] = Shape.Integer, ["software"] = Shape.Text,
            ["certificate"] = Shape.Text, ["analyst"] = Shape.TextOrNull, ["analystKey"] = Shape.TextOrNull, ["peerKeys"] = Shape.TextMap, ["started"] = Shape.Text,
            ["privateKinds"] = Shape.TextList,
        },
        ["send"] = Frames,
        ["receive"] = Frames,
        ["output"] = new(StringComparer.Ordinal) { ["name"] = Shape.Text, ["elements"] = Shape.Integer, ["sha256"] = Shape.Text },
        ["dp"] = new(StringComparer.Ordinal)
        {
            ["name"] = Shape.Text, ["mechanism"] = Shape.Text, ["parameters"] = Shape.NumberMap, ["epsilon"] = Shape.Number, ["delta"] = Shape.Number,
            ["mu"] = Shape.Number, ["l1"] = Shape.Number, ["l2"] = Shape.Number, ["samplingRate"] = Shape.Number, ["honestParties"] = Shape.Integer,
        },
        ["end"] = new(StringComparer.Ordinal) { ["status"] = Shape.Text, ["reason"] = Shape.TextOrNull, ["time"] = Shape.Text, ["chainPrevious"] = Shape.Text },
        ["signature"] = new(StringComparer.Ordinal) { ["head"] = Shape.Text, ["algorithm"] = Shape.Text, ["signature"] = Shape.Text },
    };

    // The fields every version of the format wrote, by entry type ("dp" has two forms, checked in Missing).
    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["header"] = ["session", "party", "rosterHash", "protocol", "protocolId", "parameters", "parametersHash", "outputs", "preprocessing", "ringBits", "fractionalBits", "software", "certificate"],
        ["send"] = ["peer", "tag", "length", "sha256"],
        ["receive"] = ["peer", "tag", "length", "sha256"],
        ["output"] = ["name", "elements", "sha256"],
        ["dp"] = ["name", "epsilon", "delta"],
        ["end"] = ["status", "reason"],
        ["signature"] = ["head", "algorithm", "signature"],
    };

    // Fields added to the format later, oldest version first: a header holding a field of one version must hold all of every
    // earlier one, and its transcript's entries theirs. A header with none of them is of the first version.
    private static readonly (string Entry, string Field)[][] Versions =
    [
        [("header", "started"), ("header", "analyst"), ("header", "analystKey"), ("end", "time")],
        [("header", "peerKeys")],
        [("header", "outputKinds")],
        [("header", "privateKinds")],
    ];

    // The "dp" entry's current form (mechanism and a parameters object) and an earlier version's flat Skellam fields (with "mu").
    private static readonly string[] ReleaseParameters = ["noise", "l1", "l2", "samplingRate", "honestParties"];
    private static readonly string[] FlatRelease = ["mu", "l1", "l2"];

    // The latest version whose fields the header holds any of (0: the first).
    private static int VersionOf(JsonObject? header) =>
        header is null ? 0 : Versions.Select((fields, i) => fields.Any(f => f.Entry == "header" && header.ContainsKey(f.Field)) ? i + 1 : 0).Max();

    // The header fields of the given version and every earlier one.
    private static IEnumerable<(string Field, int Version)> HeaderFieldsUpTo(int version) =>
        Versions.Take(version).SelectMany((fields, i) => fields.Where(f => f.Entry == "header").Select(f => (f.Field, i + 1)));

    // The fields one line of a transcript of this version lacks, each as a finding naming it.
    private static IEnumerable<string> Missing(JsonObject line, int version)
    {
        string type = Text(line["type"]) ?? "";
        IEnumerable<string> fields = type == "signature" ? ["seq", "type"] : ["seq", "type", "prev"];
        if (Required.TryGetValue(type, out var required)) fields = fields.Concat(required);
        else if (line["type"] is not null && Text(line["type"]) is { } unknown) yield return AuditErrors.UnknownEntry(unknown);
        fields = fields.Concat(Versions.Take(version).SelectMany(v => v).Where(f => f.Entry == type).Select(f => f.Field));
        if (type == "dp") fields = fields.Concat(line.ContainsKey("mu") ? FlatRelease : ["mechanism", "parameters"]);
        foreach (var field in fields.Where(f => !line.ContainsKey(f))) yield return AuditErrors.FieldMissing(field);
        if (type == "dp" && line["parameters"] is JsonObject parameters)
            foreach (var field in ReleaseParameters.Where(f => !parameters.ContainsKey(f))) yield return AuditErrors.FieldMissing("parameters." + field);
    }

    // The parties of one session should run one version, but each transcript is checked against its own header's version (as it
    // is read): a mismatch is the session's finding, blaming no party, as a peer's newer (or older) header is no fault of another's.
    // Peer keys, once recorded, name every other party of the session.
    private static void CheckHeaderVersions(List<Transcript> transcripts, Action<string?, long?, string> fail)
    {
        var latest = transcripts.MaxBy(t => VersionOf(t.Header))!;
        foreach (var t in transcripts)
            foreach (var (field, _) in HeaderFieldsUpTo(VersionOf(latest.Header)).Where(f => f.Version > VersionOf(t.Header)))
                fail(null, 0, AuditErrors.FormatVersionsDiffer(t.Party, field, latest.Party));
        if (!transcripts.Any(t => t.Header["peerKeys"] is JsonObject { Count: > 0 })) return;
        foreach (var t in transcripts.Where(t => t.Header["peerKeys"] is JsonObject))
            foreach (var peer in transcripts.Select(o => o.Party).Distinct().Where(p => p != t.Party && !((JsonObject)t.Header["peerKeys"]!).ContainsKey(p)))
                fail(t.Party, 0, AuditErrors.PeerKeyMissing(peer));
    }

    // The fields of one line that do not have the documented type, each with what it should be.
    private static IEnumerable<string> Malformed(JsonObject line)
    {
        var shapes = Shapes.GetValueOrDefault(Text(line["type"]) ?? "");
        foreach (var (name, node) in line)
        {
            if (!EveryEntry.TryGetValue(name, out var shape) && (shapes is null || !shapes.TryGetValue(name, out shape))) continue;
            if (!Fits(node, shape)) yield return AuditErrors.FieldOfWrongType(name, Describe(shape));
        }
    }

    private static bool Fits(JsonNode? node, Shape shape) => shape switch
    {
        Shape.Text => Text(node) is not null,
        Shape.TextOrNull => node is null || Text(node) is not null,
        Shape.Integer => Integer(node) is not null,
        Shape.Number => node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out _),
        Shape.TextMap => node is JsonObject map && map.All(p => Fits(p.Value, Shape.Text)),
        Shape.NumberMap => node is JsonObject map && map.All(p => Fits(p.Value, Shape.Number)),
        Shape.TextList => node is JsonArray list && list.All(n => Fits(n, Shape.Text)),
        _ => false,
    };

    private static string Describe(Shape shape) => shape switch
    {
        Shape.Text => "text",
        Shape.TextOrNull => "text or null",
        Shape.Integer => "an integer",
        Shape.Number => "a number",
        Shape.TextMap => "an object of texts",
        Shape.NumberMap => "an object of numbers",
        _ => "a list of texts",
    };

    private static string? Text(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.TryGetValue<string>(out var text) ? text : null;

    private static long? Integer(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<long>(out var number) ? number : null;

    private static double Number(JsonObject fields, string name, double absent) =>
        fields[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<double>(out var number) ? number : absent;
}
