using System.Globalization;
using Mpc.Runtime;
using Mpc.Boltzmann;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>Gaussian visibles under DP: standardisation and steps both charged to the run's budget, ranges from the parties' configuration.</summary>
public class GaussianDpScriptTests
{
    // 2,000 rows of x ~ N(50, 10) and y = 50 + 0.85 (x - 50) + N(0, 5.3): correlation about 0.85, inside [0, 100] both.
    private static (string File, List<double[]> Rows) Data()
    {
        var random = new Random(29);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var rows = Enumerable.Range(0, 2000).Select(_ => { double x = 50 + 10 * Normal(); return new[] { x, 50 + 0.85 * (x - 50) + 5.3 * Normal(), 10 * Normal() }; })
            .Select(r => r.Select(v => Math.Round(v, 3)).ToArray()).ToList();
        string file = $"correlated-{Guid.NewGuid():N}.csv";
        File.WriteAllLines(Path.Combine(AppContext.BaseDirectory, "data", file),
            rows.Select(r => string.Join(",", r.Select(v => v.ToString(CultureInfo.InvariantCulture)))).Prepend("x,y,z"));
        return (file, rows);
    }

    private static double Correlation(IReadOnlyList<double[]> rows)
    {
        double mx = rows.Average(r => r[0]), my = rows.Average(r => r[1]);
        double sxy = rows.Sum(r => (r[0] - mx) * (r[1] - my)), sxx = rows.Sum(r => (r[0] - mx) * (r[0] - mx)), syy = rows.Sum(r => (r[1] - my) * (r[1] - my));
        return sxy / Math.Sqrt(sxx * syy);
    }

    [Fact]
    public async Task ADpRunWithGaussianColumnsChargesItsStandardisationAndStepsAndLearnsTheStrongCorrelationTheClearFitLearns()
    {
        var (file, data) = Data();
        var script = BoltzmannScript.Load();
        await using var federation = TestFederation.Create(2, file);
        var bounds = new Dictionary<string, ColumnRange> { ["x"] = new(0, 100), ["y"] = new(0, 100) };
        federation.StartAll(approved: _ => [script.Id], catalog: BoltzmannScript.Catalog, privacy: DatasetPrivacy.Default with { Budget = 1000, Bounds = bounds });
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = "x,y", ["visible"] = "gaussian", ["epsilon"] = "50", ["model"] = "rbm", ["hidden"] = "6", ["epochs"] = "40", ["batch_size"] = "100", ["clip"] = "10",
            ["learning_rate"] = "0.05", ["samples"] = "500", ["burn_in"] = "50", ["latent_bins"] = "0",
        };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);

        // The noised standardisation against the clear text.
        var clear = Standardisation.Of([.. data.Select(r => r[..2])]);
        var released = result.Outputs["standardisation"].Values;
        for (int j = 0; j < 2; j++)
        {
            Assert.True(Math.Abs(released[j] - clear.Means[j]) < 1, $"mean {j}: {released[j]}, clear {clear.Means[j]}");
            Assert.True(Math.Abs(released[2 + j] / clear.StandardDeviations[j] - 1) < 0.1, $"sd {j}: {released[2 + j]}, clear {clear.StandardDeviations[j]}");
        }
        // The ledger charged the standardisation's reserved release (records (u, u^2, 1) of 2 columns) and every step, within the run's epsilon.
        Assert.InRange(result.Outputs["privacy_spent"].Values[0], 45, 50 + 1e-6);
        BoltzmannScript.AssertLedgersHold(federation, BoltzmannScript.ReservedMu(5, Math.Sqrt(5), 50, Standardisation.PrivateShares), 50);
        for (int i = 0; i < 2; i++)
        {
            var ledger = new Mpc.Ledger.PrivacyLedger(federation.LedgerOf(i));
            // The standardisation, the row count and 40 epochs of steps at about 20 steps each.
            Assert.True(ledger.Releases().Count > 600, $"{ledger.Releases().Count} releases recorded");
            Assert.InRange(ledger.SpentEpsilon("lung", 1e-5), 45, 50 + 1e-9);
        }

        // The clear-text fit: the same model and schedule on the pooled rows without DP (exact sums, batches of 100).
        var scale = clear with { VisibleSd = BoltzmannApi.DefaultGaussianSd };
        var model = await PooledTraining.TrainAsync(ModelKind.Rbm, [.. data.Select(r => scale.Standardise(r.AsSpan(0, 2)))], VisibleKind.Gaussian, null,
            [new LayerSettings(6, Epochs: 40, LearningRate: 0.05, BatchSize: 100)], new TrainingSettings { Seed = 1, MonitorEvery = 0 }, new LocalStatisticsPool());
        double clearFit = Correlation(GibbsSampling.Sample(model, 500, 50, new Random(1)));
        double dp = Correlation([.. result.Outputs["synthetic"].Values.Chunk(2)]);
        Assert.True(clearFit > 0.6, $"the clear fit's synthetic correlation {clearFit:F3} (data {Correlation(data):F3})");
        Assert.True(dp > 0.6 && Math.Abs(dp - clearFit) < 0.15, $"DP synthetic correlation {dp:F3}, clear fit's {clearFit:F3}, data's {Correlation(data):F3}");

        // A column without a configured range is refused, naming it.
        var refused = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["columns"] = "x,z" }, null, default));
        Assert.Contains("this party has none for: z", refused.Message, StringComparison.Ordinal);
        // An analyst may ask for narrower ranges, never wider ones.
        var wider = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["bounds"] = "x=0:100,y=-10:100" }, null, default));
        Assert.Contains("wider than this party's configured one", wider.Message, StringComparison.Ordinal);
    }
}
