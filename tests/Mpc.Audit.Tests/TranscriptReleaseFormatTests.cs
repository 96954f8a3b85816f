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

    // A transcript written line by line, as an earlier version or a tampering party would: the same chain and signature.
    private void WriteByHand(PartyCredentials credentials, params (string Type, JsonObject Fields)[] entries) => WriteByHand(credentials, header => header, entries);

    private void WriteByHand(PartyCredentials credentials, Func<JsonObject, JsonObject> header, params (string Type, JsonObject Fields)[] entries)
    {
        var lines = new List<string>();
        string previous = new('0', 64);
        foreach (var (type, fields) in entries.Prepend(("header", header(Header(credentials).ToJson()))))
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
        using var signer = credentials.Certificate.GetECDsaPrivateKey() ?? throw new CryptographicException("no key");
        var signature = signer.SignData(Encoding.UTF8.GetBytes(previous), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        lines.Add(new JsonObject { ["seq"] = lines.Count, ["type"] = "signature", ["head"] = previous, ["algorithm"] = TranscriptWriter.Algorithm, ["signature"] = Convert.ToBase64String(signature) }.ToJsonString());
        File.WriteAllText(PathOf(credentials), string.Join("\n", lines) + "\n", new UTF8Encoding(false));
    }

    private static (string, JsonObject) OutputEntry() => ("output", new JsonObject { ["name"] = "counts", ["elements"] = 2, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData([1, 2])) });

    private static (string, JsonObject) EndEntry() => ("end", new JsonObject { ["status"] = "completed", ["reason"] = null, ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) });

    // An earlier version's transcript: the same chain and signature, its "dp" entry with Skellam's fields flat.
    private void WriteVersionZero(PartyCredentials credentials, double mu, double claimedEpsilon) =>
        WriteByHand(credentials, ("dp", new JsonObject
        {
            ["name"] = "counts", ["mechanism"] = "distributed-skellam", ["l1"] = 1.0, ["l2"] = 1.0, ["mu"] = mu, ["epsilon"] = claimedEpsilon, ["delta"] = Delta,
            ["honestParties"] = 1, ["samplingRate"] = 1.0,
        }), OutputEntry(), EndEntry());

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
        // Besides the unknown mechanism, the two parties' records of the release disagree.
        Assert.Equal(2, report.Findings.Count);
        Assert.Contains(report.Findings, f => f.Party == "hospital-a" && f.Problem == "a DP release of mechanism 'laplace', which the auditor cannot account for.");
        Assert.Contains(report.Findings, f => f.Party == "hospital-b" && f.Problem.EndsWith("where hospital-a recorded laplace with noise 10 per honest party, sensitivities 1 and 1, sampling rate 1.", StringComparison.Ordinal));
    }

    // attack3: a party's signed transcript that simply leaves out the "dp" entry its peers recorded for the same DP output.
    private void WriteWithoutRelease(PartyCredentials credentials)
    {
        using var writer = new TranscriptWriter(PathOf(credentials), Header(credentials));
        writer.Output("counts", 2, [1, 2]);
        writer.Close(true, null, credentials.Certificate);
    }

    [Fact]
    public void ATranscriptThatOmitsTheDpReleaseItsPeersRecordedIsAFinding()
    {
        // Party a recorded (and its ledger charged) the release of "counts"; party b's transcript opens the same output with no
        // release at all: nothing was charged or noised there as far as the auditor can tell.
        WriteCurrent(_a, new NoisedRelease("distributed-skellam", 1, 1, 10, 0.923835, Delta, 1));
        WriteWithoutRelease(_b);
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.False(report.Passed, "the auditor accepted a transcript without the DP release its peer recorded:\n" + report.ToText());
    }

    [Fact]
    public void AReleaseWhoseMechanismIsNotTextIsAFindingNotACrash()
    {
        WriteVersionZero(_b, 10, 0.923835);
        WriteByHand(_a, ("dp", new JsonObject
        {
            ["name"] = "counts", ["mechanism"] = 7, ["parameters"] = new JsonObject { ["noise"] = 10.0, ["l1"] = 1.0, ["l2"] = 1.0, ["samplingRate"] = 1.0, ["honestParties"] = 1 },
            ["epsilon"] = 0.923835, ["delta"] = Delta,
        }), OutputEntry(), EndEntry());
        AuditReport? report = null;
        var error = Record.Exception(() => report = TranscriptAuditor.Audit(_folder, _roster));
        Assert.True(error is null, $"a party's transcript crashed the auditor: {error?.GetType().Name}: {error?.Message}");
        Assert.False(report!.Passed);
    }

    [Fact]
    public void ADpOutputOpenedWithoutAnyReleaseIsAFindingWhenTheHeaderNamesItsKind()
    {
        // Neither party recorded a release: only the kinds in the header tell the auditor that "counts" had to be noised.
        AssertBothOpenedWithoutRelease("DifferentiallyPrivate");
    }

    // Both parties open "counts" of this kind, which their headers name as noised, without recording a release.
    // The headers list the noised kinds as given, by default the output's own kind.
    private void AssertBothOpenedWithoutRelease(string kind, IReadOnlyCollection<string>? noised = null)
    {
        foreach (var credentials in new[] { _a, _b })
        {
            using var writer = new TranscriptWriter(PathOf(credentials), Header(credentials) with
            {
                OutputKinds = new Dictionary<string, string> { ["counts"] = kind }, PrivateKinds = noised ?? [kind],
            });
            writer.Output("counts", 2, [1, 2]);
            writer.Close(true, null, credentials.Certificate);
        }
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.Equal(2, report.Findings.Count);
        Assert.All(report.Findings, f => Assert.Equal("opened the DP output 'counts' without recording its DP release.", f.Problem));
    }

    [Fact]
    public void ReleasesWithinBudgetThatDifferBetweenPartiesAreAFinding()
    {
        // Noise 10 and 12 both cost less than the budget of 1: each transcript alone passes, the two disagree.
        WriteCurrent(_a, new NoisedRelease("distributed-skellam", 1, 1, 10, 0.923835, Delta, 1));
        WriteCurrent(_b, new NoisedRelease("distributed-skellam", 1, 1, 12, 0.923835, Delta, 1));
        var report = TranscriptAuditor.Audit(_folder, _roster);
        var finding = Assert.Single(report.Findings);
        Assert.Equal("hospital-b", finding.Party);
        Assert.Equal("recorded the DP release of 'counts' as distributed-skellam with noise 12 per honest party, sensitivities 1 and 1, sampling rate 1, "
            + "where hospital-a recorded distributed-skellam with noise 10 per honest party, sensitivities 1 and 1, sampling rate 1.", finding.Problem);
    }

    [Fact]
    public void PartiesAssumingDifferentNumbersOfHonestPartiesRecordOneReleaseAndPass()
    {
        // Each party scales the analyst's noise to the honest parties its own configuration assumes: 10 for one, 20 for two.
        WriteCurrent(_a, new NoisedRelease("distributed-skellam", 1, 1, 10, 0.923835, Delta, 1));
        WriteCurrent(_b, new NoisedRelease("distributed-skellam", 1, 1, 20, 0.923835, Delta, 2));
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.True(report.Passed, report.ToText());
    }

    [Fact]
    public void AnOutputOfAKindTheAuditorHasNeverSeenNeedsItsReleaseWhenTheHeaderNamesTheKindAsNoised() =>
        AssertBothOpenedWithoutRelease("DifferentiallyPrivateSketch");

    [Fact]
    public void AKindIsKnownAsNoisedFromAReleaseOfAnotherOutputOfThatKind()
    {
        // Headers of the version before privateKinds: "sketch" is of the same new kind as "counts", whose release both parties recorded.
        static JsonObject Kinds(JsonObject header)
        {
            header.Remove("privateKinds");
            header["outputs"] = new JsonArray("counts", "sketch");
            header["outputKinds"] = new JsonObject { ["counts"] = "DifferentiallyPrivateSketch", ["sketch"] = "DifferentiallyPrivateSketch" };
            return header;
        }
        foreach (var credentials in new[] { _a, _b })
            WriteByHand(credentials, Kinds, CurrentRelease(), OutputEntry(), ("output", new JsonObject { ["name"] = "sketch", ["elements"] = 1, ["sha256"] = Convert.ToHexStringLower(SHA256.HashData([3])) }),
                EndEntry());
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.Equal(2, report.Findings.Count);
        Assert.All(report.Findings, f => Assert.Equal("opened the DP output 'sketch' without recording its DP release.", f.Problem));
    }

    [Fact]
    public void TranscriptsWrittenBeforeOutputKindsKeepTheirReadingByTheReleasesAlone()
    {
        static JsonObject WithoutKinds(JsonObject header)
        {
            header.Remove("privateKinds");
            header.Remove("outputKinds");
            return header;
        }
        // No party recorded a release: without kinds nothing tells the auditor that "counts" was a DP output.
        foreach (var credentials in new[] { _a, _b }) WriteByHand(credentials, WithoutKinds, OutputEntry(), EndEntry());
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.True(report.Passed, report.ToText());
        // One party recorded it: the other opened a DP output without its release.
        WriteByHand(_a, WithoutKinds, CurrentRelease(), OutputEntry(), EndEntry());
        report = TranscriptAuditor.Audit(_folder, _roster);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(("hospital-b", "opened the DP output 'counts' without recording its DP release."), (finding.Party, finding.Problem));
    }

    [Fact]
    public void AHeaderThatListsNoNoisedKindsCannotHideAnUnreleasedDifferentiallyPrivateOutput()
    {
        // Attack (attack4): the parties' headers say "counts" is DifferentiallyPrivate but list no noised kinds; neither recorded a
        // release. The kind names a DP output whatever the header claims about which kinds are noised.
        AssertBothOpenedWithoutRelease("DifferentiallyPrivate", noised: []);
    }

    [Fact]
    public void APeersNewerHeaderDoesNotMakeAnHonestPartysOlderTranscriptAFinding()
    {
        // Attack (attack4): hospital-a runs the version before privateKinds (its transcript is complete for that version);
        // hospital-b, dishonest or merely upgraded, adds the later field. The finding should not fall on hospital-a.
        WriteByHand(_a, header =>
        {
            header.Remove("privateKinds");
            return header;
        }, OutputEntry(), EndEntry());
        WriteByHand(_b, OutputEntry(), EndEntry());
        var report = TranscriptAuditor.Audit(_folder, _roster);
        Assert.DoesNotContain(report.Findings, f => f.Party == "hospital-a");
        // The mismatch itself is the session's finding, naming the field and blaming no party.
        Assert.Contains(report.Findings, f => f.Party is null && f.Problem.Contains("'privateKinds'", StringComparison.Ordinal));
    }

    private static (string, JsonObject) CurrentRelease() => ("dp", new JsonObject
    {
        ["name"] = "counts", ["mechanism"] = "distributed-skellam", ["parameters"] = new JsonObject { ["noise"] = 10.0, ["l1"] = 1.0, ["l2"] = 1.0, ["samplingRate"] = 1.0, ["honestParties"] = 1 },
        ["epsilon"] = 0.923835, ["delta"] = Delta,
    });

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        Directory.Delete(_folder, true);
    }
}
