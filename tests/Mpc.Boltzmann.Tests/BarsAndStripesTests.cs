using Mpc.Runtime.Harness;

namespace Mpc.Boltzmann.Tests;

public class BarsAndStripesTests
{
    [Fact]
    public void TheGeneratorDrawsEverySquareWithTheProbabilityOfBoltzmannMachinesJlsDefinition()
    {
        const int Rows = 40_000, Seed = 31;
        var data = BarsAndStripes.Generate(Rows, 9, new Random(Seed));
        var counts = data.GroupBy(r => string.Concat(r)).ToDictionary(g => g.Key, g => g.Count());
        // 2^(3+1) - 2 = 14 distinct squares on a 3 x 3 grid, each column (or row) of a square constant.
        Assert.Equal(14, counts.Count);
        foreach (var (key, count) in counts)
        {
            double p = BarsAndStripes.Probability(key.Select(c => (double)(c - '0')).ToArray());
            double se = Math.Sqrt(p * (1 - p) / Rows);
            Assert.True(Math.Abs((double)count / Rows - p) <= 4 * se, $"seed {Seed}: square {key} drawn {count} times of {Rows}, probability {p}");
        }
        // The constant squares are twice as likely: each comes from bars and from stripes.
        Assert.Equal(1.0 / 8, BarsAndStripes.Probability(new double[9]));
        Assert.Equal(1.0 / 16, BarsAndStripes.Probability([1, 0, 1, 1, 0, 1, 1, 0, 1]));
        Assert.Equal(0, BarsAndStripes.Probability([1, 0, 0, 0, 0, 0, 0, 0, 0]));
    }

    [Fact]
    public async Task APooledDbmLearnsBarsAndStripesWellAboveTheIndependenceModel()
    {
        const int Seed = 41;
        var data = BarsAndStripes.Generate(400, 9, new Random(Seed));
        var layers = new[] { new LayerSettings(16, Epochs: 100, LearningRate: 0.1, BatchSize: 10, Chains: 50), new LayerSettings(8, Epochs: 100, LearningRate: 0.1, BatchSize: 10, Chains: 50) };
        var settings = new TrainingSettings { Seed = Seed, MonitorEvery = 0, FineTuningEpochs = 30, FineTuningLearningRate = 0.02, FineTuningBatchSize = 10, LearningRateDecay = 0.3 };
        var models = await LocalHarness.RunAsync<UInt128, TrainedModel>(2, rt =>
            PooledTraining.TrainAsync(ModelKind.Dbm, data[(rt.PartyIndex * 200)..((rt.PartyIndex + 1) * 200)], VisibleKind.Bernoulli, null, layers, settings,
                new MpcStatisticsPool<UInt128>(rt, "statistics")),
            new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        double learned = models[0].Dbm!.ExactLogLikelihood(data);
        // Exact: even layers 2^(9 + 8) states for log Z. The independence model: each pixel Bernoulli with its pooled mean.
        var means = Enumerable.Range(0, 9).Select(j => data.Average(r => r[j])).ToArray();
        double independence = data.Average(r => Enumerable.Range(0, 9).Sum(j => r[j] == 1 ? Math.Log(means[j]) : Math.Log(1 - means[j])));
        double generator = data.Average(r => Math.Log(BarsAndStripes.Probability(r)));
        Assert.True(learned > independence + 2, $"seed {Seed}: DBM {learned:F3}, independence {independence:F3}, generator {generator:F3}");
    }
}
