using System.Globalization;
using Mpc.Federation;
using Mpc.Runtime;
using Mpc.Federation.Protocols;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// Attacks on the latent density (issue 29) through the approved boltzmann-machine.csx and its parameters only, and the
/// rules that refuse them: the analyst picks the model (start_model, epochs=0, one or two top units), hence the projection
/// and the grid (the synthetic rows), and relies on the parties' configured bounds agreeing.
/// </summary>
public class LatentDensityAttackTests
{
    private static readonly ProtocolCatalog Catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));

    private static ScriptProtocol Script() => ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx"));

    private const int Columns = 12;

    // An RBM with one hidden unit whose logit is code(v) / 4096 (code: the 12 binary columns as bits), and visible biases
    // of +-40 that make every synthetic row the pattern with code `synthetic`: the grid is then [c/4096 - 1, c/4096 + 1].
    private static string AttackModel(int synthetic)
    {
        var weights = Enumerable.Range(0, Columns).Select(j => Math.ScaleB(1, j) / 4096);
        var visibleBias = Enumerable.Range(0, Columns).Select(j => (synthetic >> j & 1) == 1 ? 40.0 : -40.0);
        return string.Join(",", weights.Concat(visibleBias).Append(0.0).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
    }

    private static int Code(double[] row) => Enumerable.Range(0, Columns).Sum(j => row[j] == 1 ? 1 << j : 0);

    private static Dictionary<string, string> SteeredRun(int hidden) => new()
    {
        ["columns"] = string.Join(",", Enumerable.Range(1, Columns).Select(j => $"x{j}")), ["reveal"] = "exact-intermediates", ["model"] = "rbm", ["hidden"] = $"{hidden}",
        ["epochs"] = "0", ["batch_size"] = "50", ["monitor_every"] = "0", ["ais_runs"] = "0", ["samples"] = "10", ["burn_in"] = "5", ["evaluate"] = "false", ["latent_bins"] = "3",
    };

    [Fact]
    public async Task TwoPassingSessionsOfTheApprovedScriptCannotCountOneChosenRecord()
    {
        // The attack: one top unit, so the latent axis is the raw logit of the analyst's model, and a grid the analyst's synthetic rows set;
        // two sessions whose first cells differ by one chosen record give its count. Each rule alone refuses the run before any sum opens.
        var script = Script();
        var attack = SteeredRun(1);
        attack["start_model"] = AttackModel(2000);
        await using (var refusing = TestFederation.Create(3, "blocks-in-noise.csv"))
        {
            refusing.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 3 });
            // Without every party's allowSuppression the exact density is refused, whatever the model.
            var noSuppression = await Record.ExceptionAsync(() => refusing.Client().RunAsync(script, script.Source, SteeredRun(3), null, default));
            Assert.True(noSuppression is ProtocolAbortedException && noSuppression.Message.Contains("allowSuppression", StringComparison.Ordinal), noSuppression?.ToString() ?? "the exact latent density came out without the parties' allowSuppression");
        }
        await using var federation = TestFederation.Create(3, "blocks-in-noise.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 3, AllowSuppression = true });
        foreach (var parameters in new[] { attack, SteeredRun(1), SteeredRun(2) })
        {
            var error = await Record.ExceptionAsync(() => federation.Client().RunAsync(script, script.Source, parameters, null, default));
            Assert.True(error is ProtocolAbortedException, $"hidden={parameters["hidden"]}, start_model {(parameters.ContainsKey("start_model") ? "given" : "none")}: the exact latent density came out");
        }
        // Three top units from the data (epochs=0 here, so the seed's random model): the density comes out, small cells shown as 0.
        var shown = (await federation.Client().RunAsync(script, script.Source, SteeredRun(3), null, default)).Outputs["latent_density"].Values;
        Assert.Equal(9, shown.Length);
        Assert.All(shown, c => Assert.True(c is 0 or >= 3, $"cell count {c}"));
    }

    // One hidden unit that fires (input +K/2) on exactly one 12-column pattern and is off (input at most -K/2) on every other:
    // the row's log unnormalised probability is then about K/2 on that pattern and 0 elsewhere (visible biases 0).
    private static string IndicatorModel(int pattern, double k)
    {
        int ones = Enumerable.Range(0, Columns).Count(j => (pattern >> j & 1) == 1);
        var weights = Enumerable.Range(0, Columns).Select(j => (pattern >> j & 1) == 1 ? k : -k);
        return string.Join(",", weights.Concat(Enumerable.Repeat(0.0, Columns)).Append(-k * (ones - 0.5)).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task OneSessionOfTheApprovedScriptCannotTellWhetherOneChosenRecordIsInTheData()
    {
        var table = Mpc.Data.CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "blocks-in-noise.csv"));
        var codes = Enumerable.Range(0, table.RowCount).Select(i => Code([.. Enumerable.Range(1, Columns).Select(j => table.Column($"x{j}")[i])])).ToList();
        int present = codes.GroupBy(c => c).Where(g => g.Count() == 1).Select(g => g.Key).Order().First();
        int absent = Enumerable.Range(0, 1 << Columns).First(c => !codes.Contains(c));
        var script = Script();
        await using var federation = TestFederation.Create(3, "blocks-in-noise.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true });
        // exact-intermediates, the analyst's start model, one epoch at a learning rate that leaves it as it is, monitoring every epoch:
        // the monitoring's mean log-likelihood plus log Z is the mean over all rows of the analyst's function of a row.
        async Task<double> MeanOfIndicator(int pattern)
        {
            var result = await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>
            {
                ["columns"] = string.Join(",", Enumerable.Range(1, Columns).Select(j => $"x{j}")), ["reveal"] = "exact-intermediates", ["model"] = "rbm", ["hidden"] = "1",
                ["epochs"] = "1", ["learning_rate"] = "1e-300", ["batch_size"] = "50", ["monitor_every"] = "1", ["ais_runs"] = "0", ["samples"] = "2", ["burn_in"] = "1",
                ["evaluate"] = "false", ["latent_bins"] = "0", ["start_model"] = IndicatorModel(pattern, 40),
            }, null, default);
            var quadruples = result.Outputs["monitoring"].Values.Chunk(4).ToList();
            double logZ = quadruples.Single(q => q[0] == 1 && q[2] == 1)[3], logLikelihood = quadruples.Single(q => q[0] == 1 && q[2] == 2)[3];
            return logLikelihood + logZ;
        }
        // A chosen start model continues under DP only: the session is refused before any exact sum opens.
        double? withRecord = null, withoutRecord = null;
        var error = await Record.ExceptionAsync(async () => { withRecord = await MeanOfIndicator(present); withoutRecord = await MeanOfIndicator(absent); });
        Assert.True(error is ProtocolAbortedException, $"one session each: {withRecord:G6} for record {present} (held once; 20/N = {20.0 / codes.Count:G6}) and {withoutRecord:G6} for record {absent} (held by no row)");
    }

    [Fact]
    public async Task ADpRunRefusesPartiesWhoseConfiguredBoundsDisagree()
    {
        var random = new Random(7);
        string file = $"bounds-{Guid.NewGuid():N}.csv";
        File.WriteAllLines(Path.Combine(AppContext.BaseDirectory, "data", file),
            Enumerable.Range(0, 600).Select(_ => string.Create(CultureInfo.InvariantCulture, $"{50 + 10 * random.NextDouble():F2},{50 + 10 * random.NextDouble():F2}")).Prepend("x,y"));
        var script = Script();
        await using var federation = TestFederation.Create(2, file);
        // Party 0 clips to [0, 100], party 1 to [0, 1000]; neither is wider than its own configuration, and no analyst bounds are given.
        for (int i = 0; i < 2; i++)
        {
            double upper = i == 0 ? 100 : 1000;
            var bounds = new Dictionary<string, ColumnRange> { ["x"] = new(0, upper), ["y"] = new(0, upper) };
            federation.Start(i, federation.Credentials[i], [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { Budget = 100, Bounds = bounds });
        }
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = "x,y", ["visible"] = "gaussian", ["epsilon"] = "50", ["model"] = "rbm", ["hidden"] = "4", ["epochs"] = "1", ["batch_size"] = "100",
            ["samples"] = "20", ["burn_in"] = "5", ["latent_bins"] = "0",
        };
        // The parameter's documentation: "empty: the parties' configured ones, which must then agree". Each party maps its rows to
        // [-1, 1] with its own range and decodes the one pooled sum with its own range: the parties standardise differently.
        SessionResult? result = null;
        var error = await Record.ExceptionAsync(async () => result = await federation.Client().RunAsync(script, script.Source, parameters, null, default));
        Assert.True(error is ProtocolAbortedException && error.Message.Contains("'x'", StringComparison.Ordinal) && !error.Message.Contains("1000", StringComparison.Ordinal),
            error?.Message ?? "the run completed although the parties clip to different ranges; the analyst got standardisation "
            + string.Join(", ", result?.Outputs["standardisation"].Values.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)) ?? []) + " (clear means about 55, SDs about 2.9)");
    }
}
