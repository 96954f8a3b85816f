using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Audit.Tests;

/// <summary>
/// The auditor recomputes every DP release's cost from its mechanism and parameters, in the current "dp" entry and in the
/// earlier versions' (flat Skellam fields with the noise as "mu"), which this test writes line by line as those versions did.
/// </summary>
public sealed class TranscriptReleaseFormatTests : IDisposable
{
    private const double Delta = 1e-5;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dp-format-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly PartyCredentials _a = PartyCredentials.Generate("hospital-a");
    private readonly PartyCredentials _b = PartyCredentials.Generate("hospital-b");
    private readonly Roster _roster;
    private readonly Guid _session = Guid.NewGuid();

    public TranscriptReleaseFormatTests()
    {
        Directory.CreateDirectory(_folder);
        _roster = Roster.Create("t", [("hospital-a", "127.0.0.1:1", _a.Fingerprint), ("hospital-b", "127.0.0.1:2", _b.Fingerprint)], [("analyst", "sha256:" + new string('0', 64))]);
    }

    private TranscriptHeader Header(PartyCredentials credentials) =>
        new(_session, credentials.Name, _roster.Hash, "p", "builtin:p", new Dictionary<string, string> { ["epsilon"] = "1" }, "h", ["counts"], "dealer", 64, 16, "test", credentials.Certificate.ExportCertificatePem());

    private string PathOf(PartyCredentials credentials) => Path.Combine(_folder, $"{_session}.{credentials.Name}.transcript.jsonl");

    private void WriteCurrent(PartyCredentials credentials, NoisedRelease release)
    {
        using var writer = new TranscriptWriter(PathOf(credentials), Header(credentials));
        writer.PrivateRelease("counts", release);
        writer.Output("counts", 2, [1, 2]);
        writer.Close(true, null, credentials.Certificate);
    }

    // An earlier version's transcript: the same chain and signature, its "dp" entry with Skellam's fields flat.
    private void WriteVersionZero(PartyCredentials credentials, double mu, double claimedEpsilon)
    {
        var lines = new List<string>();
        string previous = new('0', 64);
        void Add(string type, JsonObject fields)
        {
            var line = new JsonObject { ["seq"] = lines.Count, ["type"] = type, ["prev"] = previous };
            foreach (var (key, value) in fields.ToList())
            {
                fields.Remove(key);
                line[key] = value;
            }
            lines.Add(line.ToJsonString());
            previous = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines[^1])));
        }
        Add("header", Header(credentials).ToJson());
        Add("dp", new JsonObject
        {
            ["name"] = "counts", ["mechanism"] = "distributed-skellam", ["l1"] = 1.0, ["l2"] = 1.0, ["mu"] = mu, ["epsilon"] = claimedEpsilon, ["delta"] = Delta,
            ["honestParties"] = 1, ["samplingRate"] = 1.0,
        });
        Add("output", new JsonObject { ["name"] = "counts", ["elements"] = 2, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData([1, 2])) });
        Add("end", new JsonObject { ["status"] = "completed", ["reason"] = null, ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) });
        using var key = credentials.Certificate.GetECDsaPrivateKey() ?? throw new CryptographicException("no key");
        var signature = key.SignData(Encoding.UTF8.GetBytes(previous), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        lines.Add(new JsonObject { ["seq"] = lines.Count, ["type"] = "signature", ["head"] = previous, ["algorithm"] = TranscriptWriter.Algorithm, ["signature"] = Convert.ToBase64String(signature) }.ToJsonString());
        File.WriteAllText(PathOf(credentials), string.Join("\n", lines) + "\n", new UTF8Encoding(false));
    }

    [Fact]
    public void AnOldTranscriptAndACurrentOneOfTheSameHonestReleaseBothPass()
    {
        // Mu 10 with unit sensitivities costs epsilon 0.923835 at delta 1e-5, within the session's budget of 1.
        WriteVersionZero(_b, 10, 0.923835);
        WriteCurrent(_a, new NoisedRelease("distributed-skellam", 1, 1, 10, 0.923835, Delta, 1));
        var current = File.ReadAllLines(PathOf(_a)).Select(l => JsonNode.Parse(l)!.AsObject()).Single(l => l["type"]!.GetValue<string>() == "dp");
        Assert.Null(current["mu"]);
        Assert.Equal(10.0, current["parameters"]!["noise"]!.GetValue<double>());
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.True(report.Passed, report.ToText());
    }

    [Fact]
    public void AnUnderstatedEpsilonIsFoundInAnOldTranscriptAsInACurrentOne()
    {
        // Mu 5 costs 1.391: each transcript claims 0.9 and spends over the budget of 1.
        WriteVersionZero(_b, 5, 0.9);
        WriteCurrent(_a, new NoisedRelease("distributed-skellam", 1, 1, 5, 0.9, Delta, 1));
        var report = TranscriptAuditor.Audit(_folder, _roster);
        foreach (var party in new[] { "hospital-a", "hospital-b" })
        {
            Assert.Contains(report.Findings, f => f.Party == party && f.Problem == "claims epsilon 0.9, but its distributed-skellam noise 5 and sensitivities give 1.391.");
            Assert.Contains(report.Findings, f => f.Party == party && f.Problem == "spent epsilon 1.391 (composed in RDP at delta 1E-05), over the session's budget of 1.");
        }
    }

    [Fact]
    public void AReleaseOfAMechanismTheAuditorCannotAccountForIsAFinding()
    {
        WriteVersionZero(_b, 10, 0.923835);
        WriteCurrent(_a, new NoisedRelease("laplace", 1, 1, 10, 0.01, Delta, 1));
        var report = TranscriptAuditor.Audit(_folder, _roster);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("hospital-a", finding.Party);
        Assert.Equal("a DP release of mechanism 'laplace', which the auditor cannot account for.", finding.Problem);
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        Directory.Delete(_folder, true);
    }
}
