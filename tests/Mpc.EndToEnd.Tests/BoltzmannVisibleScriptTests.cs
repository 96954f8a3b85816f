using Mpc.Runtime;
using Mpc.Federation.Protocols;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

public class BoltzmannVisibleScriptTests
{
    [Fact]
    public async Task AGaussianMachineIsStandardisedByThePooledMeansAndSdsAndSamplesOnTheColumnsScale()
    {
        var script = BoltzmannScript.Load();
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [script.Id], catalog: BoltzmannScript.Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true });
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = "age,time", ["reveal"] = "exact-intermediates", ["visible"] = "gaussian", ["model"] = "rbm", ["hidden"] = "6", ["epochs"] = "30",
            ["batch_size"] = "25", ["learning_rate"] = "0.05", ["samples"] = "400", ["burn_in"] = "50", ["evaluate"] = "false",
        };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        var table = Mpc.Data.CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        // The clear-text reference: every party's rows pooled in one place.
        var reference = Mpc.Boltzmann.Standardisation.Of([.. Enumerable.Range(0, table.RowCount).Select(i => new[] { table.Column("age")[i], table.Column("time")[i] })]);
        var standardisation = result.Outputs["standardisation"].Values;
        Assert.Equal([.. reference.Means, .. reference.StandardDeviations], standardisation, (a, b) => Math.Abs(a - b) < 1e-6);
        // Synthetic rows on the columns' own scale: their means within half a pooled SD of the data's (a small, short run).
        var synthetic = result.Outputs["synthetic"].Values.Chunk(2).ToList();
        for (int c = 0; c < 2; c++)
        {
            double mean = synthetic.Average(r => r[c]);
            Assert.True(Math.Abs(mean - reference.Means[c]) < 0.5 * reference.StandardDeviations[c], $"column {c}: synthetic mean {mean}, pooled {reference.Means[c]}");
        }
        // The top-2 latent dimensions: one (x, y) per synthetic row, as the library computes them from the public model and rows.
        Assert.Equal(2 * 400, result.Outputs["latent"].Values.Length);

        var dp = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["reveal"] = "dp-intermediates" }, null, default));
        // Under DP the columns are clipped to the parties' configured ranges, and these parties configured none.
        Assert.Contains("this party has none for: age, time", dp.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APartitionedFirstLayerKeepsItsWeightsBetweenPartitionsZeroUnderTheJointLayer()
    {
        var script = BoltzmannScript.Load();
        await using var federation = TestFederation.Create(3, "blocks-in-noise.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: BoltzmannScript.Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 1 });
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = string.Join(",", Enumerable.Range(1, 12).Select(j => $"x{j}")), ["reveal"] = "exact-intermediates", ["model"] = "dbm", ["hidden"] = "6,3",
            ["partitions"] = "x1-x6,x7-x12:2", ["epochs"] = "3", ["fine_tuning_epochs"] = "2", ["batch_size"] = "100", ["samples"] = "20", ["burn_in"] = "5", ["evaluate"] = "false",
        };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        var model = result.Outputs["model"].Values;
        // W_1 is 12 x 6: x1-x6 connect to hidden units 1-4 only (6 - 2 given to the second group), x7-x12 to 5-6.
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < 6; j++)
                if ((i < 6) != (j < 4)) Assert.Equal(0, model[i * 6 + j]);
        Assert.Contains(Enumerable.Range(0, 72), k => model[k] != 0);
        Assert.Equal(40, result.Outputs["latent"].Values.Length);

        var gap = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["partitions"] = "x1-x5,x7-x12" }, null, default));
        Assert.Contains("partitions: 'x7-x12' does not start at column 'x6'", gap.Message, StringComparison.Ordinal);
    }
}
