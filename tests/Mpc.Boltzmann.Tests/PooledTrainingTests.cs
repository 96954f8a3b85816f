using Mpc.Runtime.Harness;

namespace Mpc.Boltzmann.Tests;

public class PooledTrainingTests
{
    private static readonly double[][] Data = BlocksInNoise.Generate(120, 16, new Random(5), blockLength: 3, blocks: 4).Rows;

    private static IReadOnlyList<double[]> Part(int party, int parties) => Data[(party * Data.Length / parties)..((party + 1) * Data.Length / parties)];

    [Theory]
    [InlineData(ModelKind.Rbm, 2)]
    [InlineData(ModelKind.Dbn, 3)]
    [InlineData(ModelKind.Dbm, 3)]
    public async Task PooledTrainingWithoutDpGivesTheModelOfTrainingOnThePooledDataInOnePlace(ModelKind kind, int parties)
    {
        // Full batches, so step k pools the same rows whichever way they are split; the chains use the same public seed.
        var layers = kind == ModelKind.Rbm ? new[] { new LayerSettings(6, Epochs: 8, BatchSize: 1000, Chains: 20) }
            : new[] { new LayerSettings(6, Epochs: 6, BatchSize: 1000, Chains: 20), new LayerSettings(4, Epochs: 6, BatchSize: 1000, Chains: 20) };
        var settings = new TrainingSettings { Seed = 9, MonitorEvery = 3, FineTuningEpochs = 4, FineTuningBatchSize = 1000 };
        var reference = await PooledTraining.TrainAsync(kind, Data, VisibleKind.Bernoulli, null, layers, settings, new LocalStatisticsPool());
        var pooled = await LocalHarness.RunAsync<UInt128, TrainedModel>(parties, rt =>
            PooledTraining.TrainAsync(kind, Part(rt.PartyIndex, parties), VisibleKind.Bernoulli, null, layers, settings, new MpcStatisticsPool<UInt128>(rt, "statistics")),
            new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        var expected = reference.Parameters();
        foreach (var model in pooled)
        {
            var actual = model.Parameters();
            Assert.Equal(expected.Length, actual.Length);
            double worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-6, $"largest parameter difference {worst}");
            Assert.Equal(Data.Length, model.PooledRows);
        }
        // Monitoring is pooled too: the same reconstruction errors as in one place.
        var rec = reference.Monitoring.Where(m => m.Metric == "reconstruction error").Select(m => m.Value).ToArray();
        Assert.NotEmpty(rec);
        var pooledRec = pooled[0].Monitoring.Where(m => m.Metric == "reconstruction error").Select(m => m.Value).ToArray();
        Assert.Equal(rec.Length, pooledRec.Length);
        Assert.All(rec.Zip(pooledRec), pair => Assert.True(Math.Abs(pair.First - pair.Second) < 1e-6, $"{pair.First} vs {pair.Second}"));
    }

    [Fact]
    public async Task MonitoringRowsSplitOffAtEachPartyArePooledIntoTheMetricsOfTheFinalModelOnAllOfThem()
    {
        // Each party keeps its last fifth for monitoring; the reference is the clear-text metric of the final model on all those rows.
        const int Parties = 2;
        IReadOnlyList<double[]> Training(int party) { var rows = Part(party, Parties); return rows.Take(rows.Count * 4 / 5).ToList(); }
        IReadOnlyList<double[]> Held(int party) { var rows = Part(party, Parties); return rows.Skip(rows.Count * 4 / 5).ToList(); }
        var layers = new[] { new LayerSettings(6, Epochs: 6, LearningRate: 0.1, BatchSize: 10, Chains: 20) };
        var settings = new TrainingSettings { Seed = 3, MonitorEvery = 3 };
        var models = await LocalHarness.RunAsync<UInt128, TrainedModel>(Parties, rt =>
            PooledTraining.TrainAsync(ModelKind.Rbm, Training(rt.PartyIndex), VisibleKind.Bernoulli, null, layers, settings, new MpcStatisticsPool<UInt128>(rt, "statistics"), Held(rt.PartyIndex)),
            new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        var rbm = models[0].Layers[0];
        var held = Enumerable.Range(0, Parties).SelectMany(Held).ToList();
        var training = Enumerable.Range(0, Parties).SelectMany(Training).ToList();
        double logZ = rbm.ExactLogPartition();
        MonitoringRecord Last(string metric, string dataset) => models[0].Monitoring.Last(m => m.Metric == metric && m.Dataset == dataset);
        Assert.Equal(6, Last("log-likelihood", MonitoringRecord.Monitoring).Epoch);
        Assert.Equal(rbm.LogLikelihood(held, logZ), Last("log-likelihood", MonitoringRecord.Monitoring).Value, 6);
        Assert.Equal(held.Average(v => rbm.ReconstructionError(v)), Last("reconstruction error", MonitoringRecord.Monitoring).Value, 6);
        Assert.Equal(rbm.LogLikelihood(training, logZ), Last("log-likelihood", MonitoringRecord.Training).Value, 6);
        // Both curves at every monitored epoch (3 and 6), as plotMonitoring draws them.
        Assert.Equal([3, 6], models[0].Monitoring.Where(m => m.Metric == "log-likelihood" && m.Dataset == MonitoringRecord.Monitoring).Select(m => m.Epoch));
        Assert.Equal([3, 6], models[0].Monitoring.Where(m => m.Metric == "log-likelihood" && m.Dataset == MonitoringRecord.Training).Select(m => m.Epoch));
    }

    [Fact]
    public async Task ContinuingARevealedRbmForKEpochsEqualsTrainingKMoreEpochsInOneRun()
    {
        // CD-1 at a constant rate: its draws come from the public seed per epoch and step, so the continuation is step for step the longer run.
        static LayerSettings Layer(int epochs) => new(6, Epochs: epochs, LearningRate: 0.1, BatchSize: 10, GibbsSteps: 1, Persistent: false);
        var settings = new TrainingSettings { Seed = 17, MonitorEvery = 1, LearningRateDecay = 1 };
        var once = await PooledTraining.TrainAsync(ModelKind.Rbm, Data, VisibleKind.Bernoulli, null, [Layer(5)], settings, new LocalStatisticsPool());
        var first = await PooledTraining.TrainAsync(ModelKind.Rbm, Data, VisibleKind.Bernoulli, null, [Layer(3)], settings, new LocalStatisticsPool());
        // The analyst holds only the revealed parameters.
        var revealed = TrainedModel.FromParameters(ModelKind.Rbm, [16, 6], VisibleKind.Bernoulli, null, first.Parameters());
        var continued = await PooledTraining.ContinueAsync(revealed, Data, [Layer(2)], settings with { EpochsDone = 3 }, new LocalStatisticsPool());
        var expected = once.Parameters();
        var actual = continued.Parameters();
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-12, $"seed 17: largest parameter difference {worst}");
        // Its monitoring carries on the epoch numbers: 4 and 5, with the values of the one run's.
        var tail = once.Monitoring.Where(m => m.Epoch > 3).ToList();
        Assert.Equal(tail.Select(m => (m.Epoch, m.Metric)), continued.Monitoring.Select(m => (m.Epoch, m.Metric)));
        Assert.All(tail.Zip(continued.Monitoring), p => Assert.Equal(p.First.Value, p.Second.Value, 9));
        // Without the epoch offset the shuffles and draws differ, so the check above can fail.
        var unnumbered = await PooledTraining.ContinueAsync(revealed, Data, [Layer(2)], settings, new LocalStatisticsPool());
        Assert.True(expected.Zip(unnumbered.Parameters(), (a, b) => Math.Abs(a - b)).Max() > 1e-6);
    }

    [Fact]
    public async Task ARevealedDbmContinuesItsFineTuningAndItsLikelihoodDoesNotCollapse()
    {
        var layers = new[] { new LayerSettings(6, Epochs: 10, BatchSize: 10, Chains: 20), new LayerSettings(4, Epochs: 10, BatchSize: 10, Chains: 20) };
        var settings = new TrainingSettings { Seed = 5, MonitorEvery = 0, FineTuningEpochs = 5 };
        var first = await PooledTraining.TrainAsync(ModelKind.Dbm, Data, VisibleKind.Bernoulli, null, layers, settings, new LocalStatisticsPool());
        var revealed = TrainedModel.FromParameters(ModelKind.Dbm, [16, 6, 4], VisibleKind.Bernoulli, null, first.Parameters());
        Assert.Equal(first.Parameters(), revealed.Parameters());
        var continued = await PooledTraining.ContinueAsync(revealed, Data, layers, settings with { EpochsDone = 5, MonitorEvery = 5 }, new LocalStatisticsPool());
        // Fine-tuning only: the layer sizes stay, the parameters move, and the monitoring is numbered after the first 5 epochs.
        Assert.Equal([16, 6, 4], continued.Dbm!.LayerSizes);
        Assert.NotEqual(first.Parameters(), continued.Parameters());
        Assert.All(continued.Monitoring, m => Assert.Equal(10, m.Epoch));
        double before = first.Dbm!.ExactLogLikelihood(Data), after = continued.Dbm.ExactLogLikelihood(Data);
        Assert.True(after > before - 0.5, $"seed 5: exact log-likelihood {before:F3} before, {after:F3} after 5 more epochs");
    }

    [Fact]
    public async Task TrainingLowersTheReconstructionErrorAndRaisesTheLogLikelihood()
    {
        var layers = new[] { new LayerSettings(8, Epochs: 30, LearningRate: 0.1, BatchSize: 10, Chains: 30) };
        var model = await PooledTraining.TrainAsync(ModelKind.Rbm, Data, VisibleKind.Bernoulli, null, layers, new TrainingSettings { MonitorEvery = 5 }, new LocalStatisticsPool());
        var likelihood = model.Monitoring.Where(m => m.Metric == "log-likelihood").Select(m => m.Value).ToArray();
        var initial = Rbm.CreateRandom(16, 8, new Random(1));
        double baseline = initial.LogLikelihood(Data, initial.ExactLogPartition());
        Assert.True(likelihood[^1] > baseline + 1, $"log-likelihood {likelihood[^1]} vs untrained {baseline}");
        // Training starts from the visible biases at the pooled means (the independence model's fit, 4.87 here), which the first
        // monitored epoch already about matches: the trained model's reconstruction is measured against that start.
        for (int i = 0; i < initial.Visible; i++)
        {
            double p = Math.Clamp(Data.Average(r => r[i]), 1e-3, 1 - 1e-3);
            initial.VisibleBias[i] = Math.Log(p / (1 - p));
        }
        double start = Data.Average(r => initial.ReconstructionError(r));
        var rec = model.Monitoring.Where(m => m.Metric == "reconstruction error").Select(m => m.Value).ToArray();
        Assert.True(rec[^1] < start, $"reconstruction error went from {start} at the start to {rec[^1]}");
    }

    [Theory]
    [InlineData(ModelKind.Rbm)]
    [InlineData(ModelKind.Dbn)]
    [InlineData(ModelKind.Dbm)]
    public async Task ConditionalSamplingKeepsFixedValuesExactly(ModelKind kind)
    {
        var layers = kind == ModelKind.Rbm ? new[] { new LayerSettings(6, Epochs: 5) } : new[] { new LayerSettings(6, Epochs: 5), new LayerSettings(4, Epochs: 5) };
        var model = await PooledTraining.TrainAsync(kind, Data, VisibleKind.Bernoulli, null, layers, new TrainingSettings { MonitorEvery = 0, FineTuningEpochs = 3 }, new LocalStatisticsPool());
        var clamp = Enumerable.Repeat(double.NaN, 16).ToArray();
        clamp[0] = 1;
        clamp[5] = 0;
        clamp[15] = 1;
        var samples = GibbsSampling.Sample(model, 200, 20, new Random(2), clamp);
        Assert.All(samples, s => Assert.True(s[0] == 1 && s[5] == 0 && s[15] == 1));
        // The free units still vary.
        Assert.True(samples.Select(s => s[1]).Distinct().Count() == 2);
    }

    [Fact]
    public async Task APooledGaussianDbmIsTheModelOfTrainingInOnePlaceAndSamplesNearTheDataMeans()
    {
        // Standardised-scale data: two clusters in four dimensions, centred at +-1 on the first two columns.
        var random = new Random(21);
        var rows = Enumerable.Range(0, 200).Select(i =>
        {
            double sign = i % 2 == 0 ? 1 : -1;
            return new[] { sign + 0.4 * Activation.Gaussian(random), sign + 0.4 * Activation.Gaussian(random), 0.5 + Activation.Gaussian(random) * 0.5, -0.5 + Activation.Gaussian(random) * 0.5 };
        }).ToArray();
        var layers = new[] { new LayerSettings(6, Epochs: 30, LearningRate: 0.05, BatchSize: 1000, Chains: 30), new LayerSettings(4, Epochs: 30, LearningRate: 0.05, BatchSize: 1000, Chains: 30) };
        var settings = new TrainingSettings { Seed = 4, MonitorEvery = 10, FineTuningEpochs = 20, FineTuningBatchSize = 1000, FineTuningLearningRate = 0.02 };
        var reference = await PooledTraining.TrainAsync(ModelKind.Dbm, rows, VisibleKind.Gaussian, null, layers, settings, new LocalStatisticsPool());
        var pooled = await LocalHarness.RunAsync<UInt128, TrainedModel>(2, rt =>
            PooledTraining.TrainAsync(ModelKind.Dbm, rows[(rt.PartyIndex * 100)..((rt.PartyIndex + 1) * 100)], VisibleKind.Gaussian, null, layers, settings, new MpcStatisticsPool<UInt128>(rt, "statistics")),
            new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        double worst = reference.Parameters().Zip(pooled[0].Parameters(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-6, $"largest parameter difference {worst}");
        Assert.Equal(VisibleKind.Gaussian, pooled[0].Dbm!.Visible);
        Assert.Contains(pooled[0].Monitoring, m => m.Metric == "log-likelihood lower bound" && double.IsFinite(m.Value));
        var samples = GibbsSampling.Sample(pooled[0], 300, 50, new Random(5));
        for (int c = 0; c < 4; c++)
        {
            double dataMean = rows.Average(r => r[c]), sampleMean = samples.Average(r => r[c]);
            Assert.True(Math.Abs(dataMean - sampleMean) < 0.3, $"column {c}: data mean {dataMean:F3}, synthetic mean {sampleMean:F3}");
        }
        // Conditional sampling keeps a continuous value exactly.
        var clamp = new[] { 1.25, double.NaN, double.NaN, double.NaN };
        Assert.All(GibbsSampling.Sample(pooled[0], 20, 10, new Random(6), clamp), s => Assert.Equal(1.25, s[0]));
    }

    [Fact]
    public async Task APooledCategoricalDbmLearnsTheDependenceBetweenCategoriesAndSamplesOneHotRows()
    {
        // Three categorical variables (3, 4 and 2 levels); the second copies the first (level 3 never occurs) 90% of the time.
        var random = new Random(11);
        var rows = Enumerable.Range(0, 300).Select(_ =>
        {
            int a = random.Next(3), b = random.NextDouble() < 0.9 ? a : random.Next(4), c = random.Next(2);
            var row = new double[9];
            row[a] = 1;
            row[3 + b] = 1;
            row[7 + c] = 1;
            return row;
        }).ToArray();
        int[] groups = [3, 4, 2];
        var layers = new[] { new LayerSettings(8, Epochs: 100, LearningRate: 0.4, BatchSize: 30), new LayerSettings(4, Epochs: 100, LearningRate: 0.4, BatchSize: 30) };
        var settings = new TrainingSettings { Seed = 3, MonitorEvery = 20, FineTuningEpochs = 50, FineTuningBatchSize = 30, FineTuningLearningRate = 0.02 };
        var pooled = await LocalHarness.RunAsync<UInt128, TrainedModel>(2, rt =>
            PooledTraining.TrainAsync(ModelKind.Dbm, rows[(rt.PartyIndex * 150)..((rt.PartyIndex + 1) * 150)], VisibleKind.Categorical, groups, layers, settings, new MpcStatisticsPool<UInt128>(rt, "statistics")),
            new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        var model = pooled[0];
        Assert.Equal(groups, model.Dbm!.Categories);
        Assert.Contains(model.Monitoring, m => m.Metric == "log-likelihood lower bound" && double.IsFinite(m.Value));
        var samples = GibbsSampling.Sample(model, 400, 50, new Random(5));
        Assert.All(samples, s => Assert.True(s[..3].Sum() == 1 && s[3..7].Sum() == 1 && s[7..].Sum() == 1, "every group one-hot"));
        // Independent variables would agree 1/4 of the time; the data agree about 0.9 + 0.1/4.
        double agree = samples.Average(s => Array.IndexOf(s[..3], 1.0) == Array.IndexOf(s[3..7], 1.0) ? 1.0 : 0.0);
        Assert.True(agree > 0.6, $"first and second variables agree in {agree:P0} of the synthetic rows");
        // Conditional sampling fixes a whole variable; half a group is refused.
        var clamp = Enumerable.Repeat(double.NaN, 9).ToArray();
        clamp[3] = 0; clamp[4] = 0; clamp[5] = 1; clamp[6] = 0;
        var conditional = GibbsSampling.Sample(model, 200, 30, new Random(6), clamp);
        Assert.All(conditional, s => Assert.Equal([0.0, 0, 1, 0], s[3..7]));
        Assert.True(conditional.Average(s => s[2]) > 0.6, "given the second variable's level 3, the first mostly has level 3 too");
        clamp[6] = double.NaN;
        var error = Assert.Throws<ArgumentException>(() => GibbsSampling.Sample(model, 1, 1, new Random(6), clamp));
        Assert.Contains("categorical variable 2 (visible units 4..7) must be all NaN or one-hot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADbmWithTheDefaultScheduleKeepsEveryBlockOfTheDataShieldExperiment()
    {
        // The paper's data (500 x 50, five blocks of five ones in half the rows); seed fixed, so the test is reproducible.
        var (rows, _) = BlocksInNoise.Generate(500, 50, new Random(1));
        var layers = new[] { new LayerSettings(25, Epochs: 100, LearningRate: 0.4, BatchSize: 50), new LayerSettings(15, Epochs: 100, LearningRate: 0.4, BatchSize: 50) };
        var settings = new TrainingSettings { MonitorEvery = 0, FineTuningEpochs = 50, FineTuningLearningRate = 0.02, FineTuningBatchSize = 50 };
        var model = await PooledTraining.TrainAsync(ModelKind.Dbm, rows, VisibleKind.Bernoulli, null, layers, settings, new LocalStatisticsPool());
        var synthetic = GibbsSampling.Sample(model, 500, 200, new Random(2));
        // Each block is in 50 real rows; a model that lost one (or collapsed onto one) fails here.
        var perBlock = Enumerable.Range(0, 5).Select(b => synthetic.Count(r => r.Skip(5 * b).Take(5).All(v => v == 1))).ToArray();
        Assert.All(perBlock, n => Assert.InRange(n, 12, 120));
        // Better pairwise structure than independent columns with the right means.
        var random = new Random(3);
        var means = Enumerable.Range(0, 50).Select(j => rows.Average(r => r[j])).ToArray();
        var independent = Enumerable.Range(0, 500).Select(_ => means.Select(m => random.NextDouble() < m ? 1.0 : 0).ToArray()).ToArray();
        Assert.True(SyntheticDataEvaluation.LogOddsRatioError(rows, synthetic) < 0.6 * SyntheticDataEvaluation.LogOddsRatioError(rows, independent),
            $"blocks {string.Join(",", perBlock)}");
    }

    // Issue 29: the DP schedule (Poisson batches of 50, per-record gradients clipped) must learn what the clear-text training learns.
    [Theory]
    [InlineData(1e6)]
    [InlineData(5.0)]
    public async Task DpTrainingRecoversTheBlocksAsTheClearTextTrainingDoes(double epsilon)
    {
        // 2,000 rows of 16 variables with four blocks of three (250 rows each); epsilon 10^6 is the noise-free run of the same code.
        var rows = BlocksInNoise.Generate(2000, 16, new Random(1), blockLength: 3, blocks: 4).Rows;
        var layers = new[] { new LayerSettings(8, Epochs: 20, LearningRate: 0.4, BatchSize: 50) };
        var settings = new TrainingSettings { MonitorEvery = 0, ClipNorm = 10 };
        var clear = await PooledTraining.TrainAsync(ModelKind.Rbm, rows, VisibleKind.Bernoulli, null, layers, settings, new LocalStatisticsPool());
        var dp = (await LocalHarness.RunAsync<UInt128, TrainedModel>(2, rt =>
            PooledTraining.TrainAsync(ModelKind.Rbm, rows[(rt.PartyIndex * 1000)..((rt.PartyIndex + 1) * 1000)], VisibleKind.Bernoulli, null, layers,
                settings with { Epsilon = epsilon }, new PrivateStatisticsPool<UInt128>(rt, "noised", epsilon, 1e-5, 1)),
            new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer }))[0];
        int[] Blocks(double[][] synthetic) => [.. Enumerable.Range(0, 4).Select(b => synthetic.Count(r => r.Skip(3 * b).Take(3).All(v => v == 1)))];
        var clearSynthetic = GibbsSampling.Sample(clear, 500, 100, new Random(2));
        var dpSynthetic = GibbsSampling.Sample(dp, 500, 100, new Random(2));
        double clearError = SyntheticDataEvaluation.LogOddsRatioError(rows, clearSynthetic), dpError = SyntheticDataEvaluation.LogOddsRatioError(rows, dpSynthetic);
        string report = $"epsilon {epsilon}: DP blocks {string.Join(",", Blocks(dpSynthetic))}, log-odds-ratio error {dpError:F3}; clear text {string.Join(",", Blocks(clearSynthetic))}, {clearError:F3}";
        Assert.All(Blocks(dpSynthetic), n => Assert.True(n >= 5, report));
        Assert.True(dpError <= clearError + 0.05, report);
    }
}
