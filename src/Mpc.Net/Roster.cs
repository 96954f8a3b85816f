using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mpc.Net;

/// <summary>
/// The federation's roster (parties.json): every party's name, endpoint and public-key fingerprint,
/// and the analysts allowed to start sessions. It holds no secret. Loading validates everything and
/// reports every problem with its JSON location.
/// </summary>
/// <remarks>
/// Format:
/// { "federation": "name",
///   "parties":  [ { "name": "hospital-a", "endpoint": "127.0.0.1:7101", "publicKey": "sha256:&lt;64 hex&gt;" }, ... ],
///   "analysts": [ { "name": "analyst", "publicKey": "sha256:&lt;64 hex&gt;" } ] }
/// A member rotating its key lists the new one as publicKey and pins the old one for a transition period:
/// "previousKey": "sha256:...", "previousKeyUntil": "2027-01-31T00:00:00Z" (ISO 8601; UTC unless an offset is given;
/// a bare date is midnight UTC at its start): both keys are accepted until then, only the new one after.
/// Party order is the party index used by protocols. The roster hash, which every party checks at
/// session start, is the SHA-256 of a canonical re-serialisation, so formatting does not matter.
/// </remarks>
public sealed partial class Roster
{
    private Roster(string federation, IReadOnlyList<RosterMember> parties, IReadOnlyList<RosterMember> analysts, string source)
    {
        Federation = federation;
        Parties = parties;
        Analysts = analysts;
        Source = source;
        Hash = ComputeHash();
    }

    public string Federation { get; }

    public IReadOnlyList<RosterMember> Parties { get; }

    public IReadOnlyList<RosterMember> Analysts { get; }

    public string Source { get; }

    /// <summary>Hex SHA-256 of the canonical roster.</summary>
    public string Hash { get; }

    public static Roster Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new RosterException(path, [NetErrors.RosterFileMissing]);
        return Parse(File.ReadAllText(path), path);
    }

    public static Roster Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 16, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new RosterException(source, [NetErrors.RosterNotJson(e.LineNumber + 1, e.Message.Split('.')[0])]);
        }
        var problems = new List<string>();
        if (root is not JsonObject obj) throw new RosterException(source, [NetErrors.RosterNotAnObject]);
        string federation = ReadString(obj, "federation", "federation", problems) ?? "";
        var parties = ReadMembers(obj, "parties", isParty: true, problems);
        var analysts = ReadMembers(obj, "analysts", isParty: false, problems);
        if (parties.Count < 2 && obj["parties"] is JsonArray) problems.Add($"parties: a federation needs at least 2 parties, found {parties.Count}.");
        if (analysts.Count < 1 && obj["analysts"] is JsonArray) problems.Add("analysts: at least one analyst is needed to start sessions.");
        var everyone = parties.Select((m, i) => (m, where: $"parties[{i}]")).Concat(analysts.Select((m, i) => (m, where: $"analysts[{i}]"))).ToList();
        foreach (var group in everyone.GroupBy(e => e.m.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"{string.Join(", ", group.Select(g => g.where))}: the name '{group.Key}' is used more than once.");
        var keys = everyone.Select(e => (key: e.m.PublicKey, e.where)).Concat(everyone.Where(e => e.m.PreviousKey is not null).Select(e => (key: e.m.PreviousKey!, where: e.where + ".previousKey")));
        foreach (var group in keys.GroupBy(e => e.key, StringComparer.Ordinal).Where(g => g.Count() > 1 && KeyFingerprint.IsWellFormed(g.Key)))
            problems.Add($"{string.Join(", ", group.Select(g => g.where))}: the same public key is listed more than once.");
        foreach (var group in parties.Select((m, i) => (m, where: $"parties[{i}]")).GroupBy(e => e.m.Endpoint, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            problems.Add($"{string.Join(", ", group.Select(g => g.where))}: the endpoint {group.Key} is used more than once.");
        foreach (var property in obj.Select(p => p.Key).Where(k => k is not ("federation" or "parties" or "analysts")))
            problems.Add($"{property}: unknown field.");
        if (problems.Count > 0) throw new RosterException(source, problems);
        return new Roster(federation, parties, analysts, source);
    }

    public RosterMember GetParty(string name) =>
        Parties.FirstOrDefault(p => p.Name == name) ?? throw new RosterException(Source, [NetErrors.NoSuchParty(name, Parties.Select(p => p.Name))]);

    /// <summary>The member (party or analyst) whose current key this is, or null.</summary>
    public RosterMember? FindByKey(string fingerprint) =>
        Parties.Concat(Analysts).FirstOrDefault(m => m.PublicKey == fingerprint);

    /// <summary>The member (party or analyst) that holds this key at that time (a previous key counts until its transition ends), or null.</summary>
    public RosterMember? FindByKey(string fingerprint, DateTimeOffset now) =>
        Parties.Concat(Analysts).FirstOrDefault(m => m.Holds(fingerprint, now));

    /// <summary>Why a key that no member holds now was refused: it names an expired previous key's member.</summary>
    public string KeyRefusal(string fingerprint) =>
        Parties.Concat(Analysts).FirstOrDefault(m => m.PreviousKey == fingerprint) is { } member ? member.KeyRefusal(fingerprint) : $"its key {fingerprint} is not in the roster";

    /// <summary>Builds a roster in memory (for local runs), validated like a file.</summary>
    public static Roster Create(string federation, IEnumerable<(string Name, string Endpoint, string PublicKey)> parties, IEnumerable<(string Name, string PublicKey)> analysts) =>
        Parse(ToJson(federation, parties, analysts), "(in-memory roster)");

    public static string ToJson(string federation, IEnumerable<(string Name, string Endpoint, string PublicKey)> parties, IEnumerable<(string Name, string PublicKey)> analysts)
    {
        var root = new JsonObject
        {
            ["federation"] = federation,
            ["parties"] = new JsonArray(parties.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name, ["endpoint"] = p.Endpoint, ["publicKey"] = p.PublicKey }).ToArray()),
            ["analysts"] = new JsonArray(analysts.Select(a => (JsonNode)new JsonObject { ["name"] = a.Name, ["publicKey"] = a.PublicKey }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Sets the public key of a party or analyst in a roster file, keeping the rest of the file.</summary>
    public static void SetPublicKey(string path, string name, string fingerprint)
    {
        var root = ReadForEdit(path);
        var member = FindForEdit(root, path, name);
        member["publicKey"] = fingerprint;
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine);
    }

    /// <summary>
    /// Starts a key rotation in a roster file: the member's key becomes its previous key, accepted until the given time,
    /// and the new key its key. The rest of the file is kept.
    /// </summary>
    public static void RotateKey(string path, string name, string fingerprint, DateTimeOffset until)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var root = ReadForEdit(path);
        var member = FindForEdit(root, path, name);
        string? current = member["publicKey"]?.GetValue<string>();
        if (current == fingerprint) throw new RosterException(path, [NetErrors.KeyAlreadyHeld(name, fingerprint)]);
        member["publicKey"] = fingerprint;
        member["previousKey"] = current;
        member["previousKeyUntil"] = until.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        WriteEdited(path, root);
    }

    /// <summary>Adds a party (with an endpoint) or an analyst (without) to a roster file; the result must be a valid roster, or the file stays as it was.</summary>
    public static Roster AddMember(string path, string name, string? endpoint, string fingerprint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprint);
        var root = ReadForEdit(path);
        string key = endpoint is null ? "analysts" : "parties";
        if (root[key] is not JsonArray list) throw new RosterException(path, [NetErrors.RosterListMissing(key)]);
        var member = new JsonObject { ["name"] = name };
        if (endpoint is not null) member["endpoint"] = endpoint;
        member["publicKey"] = fingerprint;
        list.Add(member);
        return WriteEdited(path, root);
    }

    /// <summary>Removes a party or analyst from a roster file; the result must be a valid roster, or the file stays as it was.</summary>
    public static Roster RemoveMember(string path, string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var root = ReadForEdit(path);
        var member = FindForEdit(root, path, name);
        ((JsonArray)member.Parent!).Remove(member);
        return WriteEdited(path, root);
    }

    // Checked as a load would check it before a byte is written, so an edit never leaves an invalid roster behind.
    private static Roster WriteEdited(string path, JsonObject root)
    {
        var roster = Parse(root.ToJsonString(), path);
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + Environment.NewLine);
        return roster;
    }

    private static JsonObject ReadForEdit(string path)
    {
        if (!File.Exists(path)) throw new RosterException(path, [NetErrors.RosterFileMissing]);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new RosterException(path, [NetErrors.RosterNotAnObject]);
        }
        catch (JsonException e)
        {
            throw new RosterException(path, [NetErrors.RosterNotJson(e.LineNumber + 1, e.Message.Split('.')[0])]);
        }
    }

    private static JsonObject FindForEdit(JsonObject root, string path, string name) =>
        new[] { "parties", "analysts" }
            .SelectMany(list => (root[list] as JsonArray)?.OfType<JsonObject>() ?? [])
            .FirstOrDefault(m => m["name"]?.GetValue<string>() == name)
        ?? throw new RosterException(path, [NetErrors.NoSuchMember(name)]);

    private string ComputeHash()
    {
        var canonical = new StringBuilder();
        canonical.Append("mpc-roster-v1\n").Append(Federation).Append('\n');
        foreach (var p in Parties) Rotation(canonical.Append("party\t").Append(p.Name).Append('\t').Append(p.Endpoint).Append('\t').Append(p.PublicKey), p).Append('\n');
        foreach (var a in Analysts) Rotation(canonical.Append("analyst\t").Append(a.Name).Append('\t').Append(a.PublicKey), a).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    // A rotation is part of what every party must agree on; a roster without one hashes as before rotations existed.
    private static StringBuilder Rotation(StringBuilder canonical, RosterMember member) =>
        member.PreviousKey is null ? canonical
            : canonical.Append("\tprevious\t").Append(member.PreviousKey).Append('\t').Append(member.PreviousKeyUntil!.Value.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static List<RosterMember> ReadMembers(JsonObject root, string list, bool isParty, List<string> problems)
    {
        var members = new List<RosterMember>();
        if (root[list] is not JsonArray array)
        {
            problems.Add($"{list}: missing, or not a list.");
            return members;
        }
        for (int i = 0; i < array.Count; i++)
        {
            string where = $"{list}[{i}]";
            if (array[i] is not JsonObject entry)
            {
                problems.Add($"{where}: must be an object.");
                continue;
            }
            string? name = ReadString(entry, "name", where + ".name", problems);
            if (name is not null && !NamePattern().IsMatch(name))
                problems.Add($"{where}.name: '{name}' must be 1-63 characters of letters, digits, '.', '_' or '-', starting with a letter or digit.");
            string? key = ReadString(entry, "publicKey", where + ".publicKey", problems);
            if (key is not null && !KeyFingerprint.IsWellFormed(key))
                problems.Add($"{where}.publicKey: '{key}' is not a key fingerprint (sha256: and 64 lowercase hex digits; 'mpc keygen' prints it).");
            string? host = null;
            int port = 0;
            if (isParty)
            {
                string? endpoint = ReadString(entry, "endpoint", where + ".endpoint", problems);
                if (endpoint is not null && !TryParseEndpoint(endpoint, out host, out port))
                    problems.Add($"{where}.endpoint: '{endpoint}' must be host:port with a port from 1 to 65535.");
            }
            var (previous, until) = ReadRotation(entry, where, key, problems);
            foreach (var property in entry.Select(p => p.Key).Where(k => k is not ("name" or "publicKey" or "endpoint" or "previousKey" or "previousKeyUntil") || (!isParty && k == "endpoint")))
                problems.Add($"{where}.{property}: unknown field.");
            if (name is not null && key is not null) members.Add(new RosterMember(name, key, isParty ? host ?? "" : null, port, members.Count) { PreviousKey = previous, PreviousKeyUntil = until });
        }
        return members;
    }

    // The previous key and its end come together; a previous key equal to the current one is a mistake, not a rotation.
    private static (string? Key, DateTimeOffset? Until) ReadRotation(JsonObject entry, string where, string? key, List<string> problems)
    {
        if (entry["previousKey"] is null && entry["previousKeyUntil"] is null) return (null, null);
        string? previous = ReadString(entry, "previousKey", where + ".previousKey", problems);
        string? untilText = ReadString(entry, "previousKeyUntil", where + ".previousKeyUntil", problems);
        if (previous is not null && !KeyFingerprint.IsWellFormed(previous))
            problems.Add($"{where}.previousKey: '{previous}' is not a key fingerprint (sha256: and 64 lowercase hex digits).");
        if (previous is not null && previous == key) problems.Add($"{where}.previousKey: is the same as publicKey.");
        DateTimeOffset until = default;
        if (untilText is not null && !DateTimeOffset.TryParse(untilText, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out until))
            problems.Add($"{where}.previousKeyUntil: '{untilText}' is not an ISO 8601 date or time (2027-01-31 or 2027-01-31T12:00:00Z).");
        return previous is null || untilText is null ? (null, null) : (previous, until);
    }

    private static string? ReadString(JsonObject obj, string property, string where, List<string> problems)
    {
        var node = obj[property];
        if (node is null)
        {
            problems.Add($"{where}: missing.");
            return null;
        }
        if (node is not JsonValue value || !value.TryGetValue<string>(out var text) || string.IsNullOrWhiteSpace(text))
        {
            problems.Add($"{where}: must be a non-empty string.");
            return null;
        }
        return text;
    }

    private static bool TryParseEndpoint(string endpoint, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = endpoint.LastIndexOf(':');
        if (colon <= 0) return false;
        host = endpoint[..colon].Trim('[', ']');
        return int.TryParse(endpoint[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535 && host.Length > 0;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex NamePattern();
}
