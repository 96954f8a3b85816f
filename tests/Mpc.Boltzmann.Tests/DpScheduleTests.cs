using Mpc.Core;
using Mpc.Runtime.Harness;

namespace Mpc.Boltzmann.Tests;

public class DpScheduleTests
{
    private static AesCtrRandom Seeded(string label) => new(AesCtrRandom.DeriveSeed(new byte[AesCtrRandom.SeedLength], label));

    private static LayerSettings[] DefaultLayers => [new LayerSettings(DpSchedule.Hidden, DpSchedule.Epochs, DpSchedule.LearningRate, DpSchedule.BatchSize)];

    // Issue 29's target, in the clear simulation of the MPC pool's mechanism: 5,000 pooled rows (two parties, one honest), epsilon 5, delta 1e-5.
    [Fact]
    public async Task TheDpDefaultRecoversTheBlocksAtFiveThousandRowsAndEpsilonFive()
    {
        var rows = BlocksInNoise.Generate(5000, 50, new Random(1)).Rows;
        using var random = Seeded("dp default 5000");
        var pool = new SimulatedPrivateStatisticsPool(5, 1e-5, 2, 1, random);
        var model = await PooledTraining.TrainAsync(ModelKind.Rbm, rows, VisibleKind.Bernoulli, null, DefaultLayers, new TrainingSettings { MonitorEvery = 0, Epsilon = 5 }, pool);
        var synthetic = GibbsSampling.Sample(model, 1000, 200, new Random(2));
        // Per 5,000 synthetic rows, as the real data's 500 per block: a lost block has about 0.1^5 * 5,000 = 0.05 rows, a collapsed model most rows in one block;
        // the non-private model of this schedule keeps 82 to 490 per block (docs/experiments/boltzmann.md), so the band is 50 to 1,000.
        var perBlock = Enumerable.Range(0, 5).Select(b => 5 * synthetic.Count(r => r.Skip(5 * b).Take(5).All(v => v == 1))).ToArray();
        var random2 = new Random(3);
        var means = Enumerable.Range(0, 50).Select(j => rows.Average(r => r[j])).ToArray();
        var independent = Enumerable.Range(0, 1000).Select(_ => means.Select(m => random2.NextDouble() < m ? 1.0 : 0).ToArray()).ToArray();
        double error = SyntheticDataEvaluation.LogOddsRatioError(rows, synthetic), independentError = SyntheticDataEvaluation.LogOddsRatioError(rows, independent);
        string report = $"rows per block {string.Join(", ", perBlock)} (real 500 each), log-odds-ratio error {error:F3} (independent columns {independentError:F3}), spent epsilon {pool.Mechanism.SpentEpsilon:F3}";
        Assert.All(perBlock, n => Assert.True(n is >= 50 and <= 1000, report));
        Assert.True(error < 0.5 * independentError, report);
        Assert.InRange(pool.Mechanism.SpentEpsilon, 4.5, 5 + 1e-9);
    }

    // Every release the default schedule plans at 5,000 rows, accounted one by one as training does, stays within the epsilon asked for.
    [Theory]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(5.0)]
    [InlineData(10.0)]
    public void TheAccountantsEpsilonForTheDefaultScheduleIsWithinTheRequestedEpsilon(double epsilon)
    {
        var mechanism = new SkellamSumMechanism(epsilon, 1e-5, new Random(1));
        mechanism.AccountRowCount();
        var settings = new TrainingSettings { Epsilon = epsilon };
        var plan = PooledTraining.Plan(ModelKind.Rbm, [50, DpSchedule.Hidden], DefaultLayers, settings, 5000, true);
        mechanism.Plan(plan);
        Assert.Equal(2000, plan[0].Count);
        Assert.Equal(0.02, plan[0].SamplingRate, 12);
        foreach (var release in plan)
            for (int i = 0; i < release.Count; i++) mechanism.AccountAndDecode(release.Name, new double[release.Dimension]);
        Assert.InRange(mechanism.SpentEpsilon, 0.9 * epsilon, epsilon + 1e-9);
    }

    // The table's DP cells come from the simulation; its releases must be the MPC pool's: same calibration, and noise of the same scale (variance 2 N mu / h).
    [Fact]
    public async Task TheSimulationAndTheMpcPoolCalibrateAlikeAndReleaseNoiseOfTheSameScale()
    {
        const int dimension = 4000, parties = 2;
        var releases = new[] { new StatisticsRelease("step", 2000, dimension, DpSchedule.ClipNorm, 0.02) };
        async Task<(double RowMu, double Mu, double[] Noise)> Release(IStatisticsPool pool, SkellamSumMechanism mechanism)
        {
            await pool.TotalRowsAsync(0);
            pool.Plan(releases);
            // No records: the release is the noise alone, in the units of the rounded integers.
            var sum = await pool.SumAsync("step", [], dimension);
            return (mechanism.RowCountMu, mechanism.Planned("step").Mu, [.. sum.Select(v => v * mechanism.Planned("step").Scale)]);
        }
        var mpc = await LocalHarness.RunAsync<UInt128, (double, double, double[])>(parties, rt =>
        {
            var pool = new PrivateStatisticsPool<UInt128>(rt, "noised", 3, 1e-5, 1);
            return Release(pool, pool.Mechanism);
        }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        using var random = Seeded("simulation scale");
        var simulated = new SimulatedPrivateStatisticsPool(3, 1e-5, parties, 1, random);
        var clear = await Release(simulated, simulated.Mechanism);
        Assert.Equal(clear.RowMu, mpc[0].Item1);
        Assert.Equal(clear.Mu, mpc[0].Item2);
        double expected = 2 * parties * clear.Mu;
        // 4,000 draws: the sample variance's relative standard error is about sqrt(2 / 4000) = 2.2%, so 12% is over five of them.
        foreach (var noise in new[] { mpc[0].Item3, clear.Noise })
        {
            double mean = noise.Average(), variance = noise.Sum(x => (x - mean) * (x - mean)) / (noise.Length - 1);
            Assert.InRange(variance / expected, 0.88, 1.12);
            Assert.InRange(Math.Abs(mean), 0, 5 * Math.Sqrt(expected / noise.Length));
        }
        Assert.Equal(mpc[0].Item3, mpc[1].Item3);
    }
}
