using System.Text.Json.Nodes;
using Mpc.Boltzmann;
using Mpc.Federation;
using Mpc.Runtime;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// Shared synthetic sampling sends each party's rows in clear to its peers (issue 29). A script that is approved but computes the
/// sampling seed from its own party's rows would make that party send rows chosen by its data; the parties' arguments are checked
/// equal under MPC first, so such a session stops before any row is sent.
/// </summary>
public class SharedSamplingAttackTests
{
    private const int Columns = 12, Samples = 30, Parties = 3, BurnIn = 5;

    private static readonly Dictionary<string, string> Parameters = new()
    {
        ["columns"] = string.Join(",", Enumerable.Range(1, Columns).Select(j => $"x{j}")), ["reveal"] = "exact-intermediates", ["model"] = "rbm", ["hidden"] = "4",
        ["epochs"] = "2", ["batch_size"] = "50", ["monitor_every"] = "0", ["ais_runs"] = "0", ["samples"] = $"{Samples}", ["burn_in"] = $"{BurnIn}", ["evaluate"] = "false", ["latent_bins"] = "0",
    };

    // The approved script with one change: party 0 samples under a seed computed from its own rows (the sum of its first column).
    private static ScriptProtocol HostileScript()
    {
        string source = File.ReadAllText(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx"));
        const string honest = "mpc.Boltzmann.Sample(fit, mpc.Integer(\"samples\"), mpc.Integer(\"burn_in\"), mpc.Integer(\"seed\"),";
        Assert.Contains(honest, source, StringComparison.Ordinal);
        string hostile = source.Replace(honest, "mpc.Boltzmann.Sample(fit, mpc.Integer(\"samples\"), mpc.Integer(\"burn_in\"), mpc.PartyIndex == 0 ? 1000 + (int)mpc.Column(\"x1\").Sum() : mpc.Integer(\"seed\"),", StringComparison.Ordinal);
        return ScriptCompiler.Compile(hostile, "boltzmann-machine-hostile", "boltzmann-machine-hostile.csx");
    }

    // A party's transcript entries of one type in its session of the given protocol.
    private static List<JsonNode> Entries(string folder, string party, string protocolId, string type) =>
        [.. Directory.GetFiles(folder, $"*.{party}.transcript.jsonl").Select(f => File.ReadLines(f).Select(l => JsonNode.Parse(l)!).ToList())
            .Single(lines => (string?)lines[0]["protocolId"] == protocolId).Where(e => (string?)e["type"] == type)];

    [Fact]
    public async Task AScriptThatSeedsSamplingFromOnePartysRowsStopsBeforeAnyRowIsSent()
    {
        var script = BoltzmannScript.Load();
        var hostile = HostileScript();
        await using var federation = TestFederation.Create(Parties, "blocks-in-noise.csv");
        string transcripts = Path.Combine(federation.Directory, "transcripts");
        // Each party approves both scripts (a review that missed the seed): only the check stands between the hostile one and the wire.
        federation.StartAll(approved: _ => [script.Id, hostile.Id], catalog: BoltzmannScript.Catalog, transcripts: transcripts,
            privacy: DatasetPrivacy.Default with { ExactIntermediates = true });
        var result = await federation.Client().RunAsync(script, script.Source, Parameters, null, default);

        // The honest run: the rows are those of the per-row chains of the released model under the public seed, as before the check.
        var model = TrainedModel.FromParameters(ModelKind.Rbm, [Columns, 4], VisibleKind.Bernoulli, null, result.Outputs["model"].Values);
        var expected = Enumerable.Range(0, Samples).SelectMany(row => GibbsSampling.SampleRow(model, row, BurnIn, 1)).ToArray();
        Assert.Equal(expected, result.Outputs["synthetic"].Values.Select(v => Math.Round(v)));
        // Party 0 sends its rows 0, 3, ..., 27 to each peer in one frame: 10 rows of 12 doubles.
        const int rowsFrame = Samples / Parties * Columns * sizeof(double);
        var honestSends = Entries(transcripts, federation.Names[0], script.Id, "send");
        var sampling = honestSends.Where(e => (int)e["length"]! == rowsFrame).ToList();
        Assert.Equal(Parties - 1, sampling.Count);
        long samplingTag = (long)sampling[0]["tag"]!;

        var error = await Record.ExceptionAsync(() => federation.Client().RunAsync(hostile, hostile.Source, Parameters, null, default));
        Assert.True(error is ProtocolAbortedException && error.Message.Contains("sampling arguments", StringComparison.Ordinal),
            error?.ToString() ?? "the session completed although party 0 sampled under a seed of its own rows");
        // Nothing that names a value: no seed, no digest.
        Assert.DoesNotContain("1000", error!.Message, StringComparison.Ordinal);
        for (int p = 0; p < Parties; p++)
        {
            var sends = Entries(transcripts, federation.Names[p], hostile.Id, "send");
            // The same protocol up to the check: every frame before it as in the honest run, none of the sampling round or after it
            // (the online protocol's tags count from 1; preprocessing's lie in a range of their own, far above).
            var online = sends.Where(s => (long)s["tag"]! < 1L << 40).ToList();
            Assert.NotEmpty(online);
            Assert.All(online, s => Assert.True((long)s["tag"]! < samplingTag, $"party {p} sent tag {s["tag"]} ({s["length"]} bytes), at or after the sampling round's tag {samplingTag}"));
            Assert.DoesNotContain(sends, s => (int)s["length"]! == rowsFrame && p == 0);
            var end = Entries(transcripts, federation.Names[p], hostile.Id, "end").Single();
            Assert.Equal("aborted", (string?)end["status"]);
            Assert.DoesNotContain(Entries(transcripts, federation.Names[p], hostile.Id, "output"), o => (string?)o["name"] == "synthetic");
        }
        // The check is the declared data check the parties' transcripts list among the session's outputs.
        var header = Entries(transcripts, federation.Names[0], hostile.Id, "header").Single();
        Assert.Equal("DataCheck", (string?)header["outputKinds"]!["sampling_agree"]);
    }
}
