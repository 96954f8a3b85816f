using Mpc.Boltzmann;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>The parties' own rows in the latent space (DataSHIELD's top2LatentDims on real data) as pooled cell counts only.</summary>
public class LatentDensityScriptTests
{
    private static Dictionary<string, string> GaussianRun(int bins) => new()
    {
        ["columns"] = "age,time", ["reveal"] = "exact-intermediates", ["visible"] = "gaussian", ["model"] = "rbm", ["hidden"] = "6", ["epochs"] = "10",
        ["batch_size"] = "25", ["learning_rate"] = "0.05", ["samples"] = "300", ["burn_in"] = "20", ["evaluate"] = "false", ["latent_bins"] = $"{bins}",
    };

    // The clear-text reference: every party's rows (in the model's units) projected with the directions of the synthetic rows, counted per party.
    private static (LatentGrid Grid, List<double[]> PartyCounts) Reference(SessionResult result, int parties)
    {
        var values = result.Outputs["standardisation"].Values;
        var scale = new Standardisation(values[..2], values[2..]) { VisibleSd = BoltzmannApi.DefaultGaussianSd };
        var model = TrainedModel.FromParameters(ModelKind.Rbm, [2, 6], VisibleKind.Gaussian, null, result.Outputs["model"].Values);
        var synthetic = result.Outputs["synthetic"].Values.Chunk(2).Select(r => scale.Standardise(r)).ToList();
        var projection = LatentProjection.Fit(model, synthetic);
        var grid = LatentGrid.Around(projection.Project(synthetic), (int)result.Outputs["latent_grid"].Values[4]);
        var table = Mpc.Data.CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        var rows = Enumerable.Range(0, table.RowCount).Select(i => scale.Standardise(new[] { table.Column("age")[i], table.Column("time")[i] })).ToList();
        return (grid, [.. TestFederation.SplitRows(rows, parties).Select(own => grid.Counts(projection.Project([.. own])))]);
    }

    [Fact]
    public async Task TheLatentDensityIsThePooledHistogramOfTheProjectedRowsAndNoRowLeaves()
    {
        var script = BoltzmannScript.Load();
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [script.Id], catalog: BoltzmannScript.Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 1, AllowSuppression = true });
        var result = await federation.Client().RunAsync(script, script.Source, GaussianRun(20), null, default);
        var (grid, counts) = Reference(result, 3);
        Assert.Equal(grid.Values(), result.Outputs["latent_grid"].Values, (a, b) => Math.Abs(a - b) < 1e-9);
        var pooled = Enumerable.Range(0, grid.Cells).Select(c => counts.Sum(p => p[c])).ToArray();
        Assert.Equal(pooled, result.Outputs["latent_density"].Values);
        Assert.True(pooled.Count(c => c > 0) > 10, "the rows spread over the grid");

        // What the analyst receives: the model, its curves, synthetic rows and their picture, the grid and the counts; nothing per real row.
        Assert.Equal(["latent", "latent_density", "latent_grid", "model", "monitoring", "standardisation", "synthetic"], result.Outputs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2 * 300, result.Outputs["latent"].Values.Length);
        Assert.Equal(400, result.Outputs["latent_density"].Values.Length);
        Assert.True(result.Outputs["latent_density"].Values.Sum() <= 228);
    }

    [Fact]
    public async Task CellsWhereAPartyHoldsFewerThanItsMinimumCellCountAreShownAsZero()
    {
        var script = BoltzmannScript.Load();
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [script.Id], catalog: BoltzmannScript.Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 3, AllowSuppression = true });
        var result = await federation.Client().RunAsync(script, script.Source, GaussianRun(5), null, default);
        var (grid, counts) = Reference(result, 3);
        var pooled = Enumerable.Range(0, grid.Cells).Select(c => counts.Sum(p => p[c])).ToArray();
        bool Small(double n) => n is > 0 and < 3;
        var expected = pooled.Select((n, c) => counts.Any(p => Small(p[c])) || Small(n) ? 0 : n).ToArray();
        Assert.Equal(expected, result.Outputs["latent_density"].Values);
        // The rule bit: some non-empty cells were suppressed, and some shown.
        Assert.Contains(Enumerable.Range(0, grid.Cells), c => pooled[c] > 0 && expected[c] == 0);
        Assert.Contains(expected, n => n >= 3);
        // Shown cells hold 0 or at least 3 of every party's rows, so a party subtracting its own learns no small count.
        Assert.All(Enumerable.Range(0, grid.Cells).Where(c => expected[c] > 0), c => Assert.All(counts, p => Assert.False(Small(p[c]))));
    }

    [Fact]
    public async Task ADpRunReleasesTheLatentDensityNoisedFromAReservedShareOfItsBudgetAndTheLedgerChargesIt()
    {
        var script = BoltzmannScript.Load();
        await using var federation = TestFederation.Create(2, "blocks-in-noise.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: BoltzmannScript.Catalog);
        var columns = string.Join(",", Enumerable.Range(1, 50).Select(j => $"x{j}"));
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = columns, ["epsilon"] = "5", ["hidden"] = "4", ["epochs"] = "2", ["batch_size"] = "100", ["samples"] = "60", ["burn_in"] = "5", ["latent_bins"] = "4",
        };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        Assert.False(result.Outputs.ContainsKey("latent_density"), "a DP run releases no exact counts");
        var noised = result.Outputs["latent_density_noised"].Values;
        Assert.Equal(16, noised.Length);
        // The reserved release's noise: one of 20 equal releases spending the budget, on one-hot records of 16 cells.
        double mu = BoltzmannScript.ReservedMu(16, 1, 5, BoltzmannApi.LatentDensityShares);
        Assert.InRange(result.Outputs["privacy_spent"].Values[0], 4.5, 5 + 1e-6);
        BoltzmannScript.AssertLedgersHold(federation, mu, 5);
        // Against the clear text: the 500 rows projected with the synthetic rows' directions, each cell within 6 noise SDs (sqrt(2 mu) over the records' scale).
        var model = TrainedModel.FromParameters(ModelKind.Rbm, [50, 4], VisibleKind.Bernoulli, null, result.Outputs["model"].Values);
        var projection = LatentProjection.Fit(model, [.. result.Outputs["synthetic"].Values.Chunk(50)]);
        var grid = LatentGrid.FromValues(result.Outputs["latent_grid"].Values);
        var table = Mpc.Data.CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "blocks-in-noise.csv"));
        var rows = Enumerable.Range(0, table.RowCount).Select(i => Enumerable.Range(1, 50).Select(j => table.Column($"x{j}")[i]).ToArray()).ToList();
        var clear = grid.Counts(projection.Project(rows));
        double sd = Math.Sqrt(2 * mu) / SkellamSumMechanism.Sensitivity(16, 1).Scale;
        Assert.All(Enumerable.Range(0, 16), c => Assert.InRange(noised[c], clear[c] - 6 * sd, clear[c] + 6 * sd));
    }
}
