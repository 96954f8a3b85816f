using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Audit.Tests;

/// <summary>
/// A transcript is untrusted input to the auditor: any field of any entry, replaced by a value of another JSON type or deleted,
/// and re-chained and re-signed with the party's own key (so that only that field is wrong), must give a finding, never an
/// exception; a deleted field of an entry is a finding naming that entry and field.
/// </summary>
public sealed class TranscriptFieldFuzzTests : IDisposable
{
    private const int Seed = 32032;
    private const int Rounds = 200;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dp-fuzz-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly PartyCredentials _a = PartyCredentials.Generate("hospital-a");
    private readonly PartyCredentials _b = PartyCredentials.Generate("hospital-b");
    private readonly Roster _roster;
    private readonly Guid _session = Guid.NewGuid();
    private readonly string _analystKey = "sha256:" + new string('0', 64);

    public TranscriptFieldFuzzTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "audit"));
        _roster = Roster.Create("t", [("hospital-a", "127.0.0.1:1", _a.Fingerprint), ("hospital-b", "127.0.0.1:2", _b.Fingerprint)], [("analyst", _analystKey)]);
    }

    private string PathOf(PartyCredentials credentials) => Path.Combine(_folder, "audit", $"{_session}.{credentials.Name}.transcript.jsonl");

    // Both parties' transcripts of one honest DP session: frames each way, a release, its output, a chained end and the signature.
    private void WriteValid()
    {
        var started = DateTimeOffset.UtcNow;
        var writers = new[] { _a, _b }.Select(c => new TranscriptWriter(PathOf(c), new TranscriptHeader(
            _session, c.Name, _roster.Hash, "p", "builtin:p", new Dictionary<string, string> { ["epsilon"] = "1" }, "h", ["counts"], "dealer", 64, 16, "test",
            c.Certificate.ExportCertificatePem(), "analyst", _analystKey, started)
        {
            PeerKeys = new Dictionary<string, string> { [c == _a ? "hospital-b" : "hospital-a"] = (c == _a ? _b : _a).Fingerprint },
            OutputKinds = new Dictionary<string, string> { ["counts"] = "DifferentiallyPrivate" },
        })).ToArray();
        writers[0].Sent("hospital-b", 1, [1, 2, 3]);
        writers[1].Received("hospital-a", 1, [1, 2, 3]);
        writers[1].Sent("hospital-a", 2, [4, 5]);
        writers[0].Received("hospital-b", 2, [4, 5]);
        foreach (var (writer, credentials) in writers.Zip([_a, _b]))
        {
            writer.PrivateRelease("counts", new NoisedRelease("distributed-skellam", 1, 1, 10, 0.923835, 1e-5, 1));
            writer.Output("counts", 2, [1, 2]);
            // The chain state beside the transcripts, as a daemon keeps it.
            writer.Close(true, null, credentials.Certificate, new TranscriptChain(Path.Combine(_folder, "audit"), credentials.Name), _session);
            writer.Dispose();
        }
    }

    [Fact]
    public void ATranscriptWithAFieldOfTheWrongTypeIsAFindingNeverACrash() => Fuzz(Seed, (random, target) =>
    {
        var replacement = Replacements().Where(r => Kind(r) != Kind(target.Value)).ElementAt(random.Next(5));
        if (target.Key is { } key) target.Parent.AsObject()[key] = replacement;
        else target.Parent.AsArray()[target.Index] = replacement;
        return $"{target.Value.ToJsonString()} -> {replacement?.ToJsonString() ?? "null"}";
    });

    [Fact]
    public void ATranscriptWithAFieldDeletedIsAFindingNamingTheEntryAndTheFieldNeverACrash() => Fuzz(Seed + 1, (_, target) =>
    {
        if (target.Key is { } key) target.Parent.AsObject().Remove(key);
        else target.Parent.AsArray().RemoveAt(target.Index);
        return $"{target.Value.ToJsonString()} deleted";
    });

    // Rounds of one mutation of one value (any line, nested ones included) of a party's valid transcript, each audited alone.
    private void Fuzz(int seed, Func<Random, (int Line, JsonNode Parent, string? Key, int Index, JsonNode Value), string> mutate)
    {
        WriteValid();
        var clean = TranscriptAuditor.Audit(Path.Combine(_folder, "audit"), _roster);
        Assert.True(clean.Passed, clean.ToText());
        var originals = new[] { _a, _b }.ToDictionary(c => c, c => File.ReadAllLines(PathOf(c)));
        var random = new Random(seed);
        for (int round = 0; round < Rounds; round++)
        {
            var credentials = random.Next(2) == 0 ? _a : _b;
            var lines = originals[credentials].Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            var targets = new List<(int Line, JsonNode Parent, string? Key, int Index, JsonNode Value)>();
            for (int i = 0; i < lines.Count; i++) Collect(i, lines[i], targets);
            var target = targets[random.Next(targets.Count)];
            bool topLevel = target.Parent == lines[target.Line];
            string change = mutate(random, target);
            string what = $"seed {seed}, round {round}: {credentials.Name} line {target.Line}, {target.Key ?? target.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)} {change}";
            Rewrite(credentials, lines, target.Line, topLevel ? target.Key : null);

            AuditReport? report = null;
            var error = Record.Exception(() => report = TranscriptAuditor.Audit(Path.Combine(_folder, "audit"), _roster));
            Assert.True(error is null, $"{what} crashed the auditor: {error}");
            Assert.False(report!.Passed, $"{what} passed the audit.");
            // A field of an entry that is gone is named with its entry.
            if (topLevel && !lines[target.Line].ContainsKey(target.Key!))
                Assert.True(report.Findings.Any(f => f.Entry == target.Line && f.Problem.Contains($"'{target.Key}'", StringComparison.Ordinal)), $"{what}: no finding names the entry and field:\n{report.ToText()}");
            File.WriteAllLines(PathOf(credentials), originals[credentials]);
        }
    }

    // Every non-null value in a line, nested ones included (header maps, the outputs list, a release's parameters).
    private static void Collect(int line, JsonNode parent, List<(int, JsonNode, string?, int, JsonNode)> targets)
    {
        if (parent is JsonObject map)
            foreach (var (key, value) in map.Where(p => p.Value is not null).ToList())
            {
                targets.Add((line, parent, key, -1, value!));
                if (value is JsonObject or JsonArray) Collect(line, value, targets);
            }
        else if (parent is JsonArray list)
            for (int i = 0; i < list.Count; i++)
                if (list[i] is { } value) targets.Add((line, parent, null, i, value));
    }

    // One value of each JSON type; at least five differ from any original's type.
    private static IEnumerable<JsonNode?> Replacements() => [JsonValue.Create(7), JsonValue.Create("7"), JsonValue.Create(true), null, new JsonObject(), new JsonArray()];

    private static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        null => "null",
        System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => "boolean",
        var kind => kind.ToString()!,
    };

    // The chain and signature made again over the changed line, so that only the mutated field is wrong (a mutated link stays as mutated).
    private void Rewrite(PartyCredentials credentials, List<JsonObject> lines, int mutated, string? mutatedKey)
    {
        string previous = new('0', 64);
        var text = new List<string>();
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            bool keep(string key) => i == mutated && mutatedKey == key;
            if (line["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String && line["type"]!.GetValue<string>() == "signature" && i == lines.Count - 1)
            {
                if (!keep("head")) line["head"] = previous;
                using var key = credentials.Certificate.GetECDsaPrivateKey() ?? throw new CryptographicException("no key");
                if (!keep("signature"))
                    line["signature"] = Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(previous), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
            }
            else if (!keep("prev")) line["prev"] = previous;
            text.Add(line.ToJsonString());
            previous = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text[^1])));
        }
        File.WriteAllLines(PathOf(credentials), text);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        Directory.Delete(_folder, true);
    }
}
