using Mpc.Runtime.Harness;

namespace Mpc.Boltzmann.Tests;

public class PartitionedLayerTests
{
    private static readonly double[][] Data = BlocksInNoise.Generate(120, 12, new Random(31), blockLength: 3, blocks: 4).Rows;

    // Columns x1-x6 and x7-x12 each under 4 hidden units of the first layer, a joint layer of 3 above.
    private static LayerSettings[] Layers(int epochs) =>
    [
        new LayerSettings(8, Epochs: epochs, LearningRate: 0.5, BatchSize: 1000, Chains: 20) { Partitions = new Partitioning([6, 6], [4, 4]) },
        new LayerSettings(3, Epochs: epochs, LearningRate: 0.5, BatchSize: 1000, Chains: 20),
    ];

    [Theory]
    [InlineData(ModelKind.Dbm)]
    [InlineData(ModelKind.Dbn)]
    public async Task PooledTrainingOfAPartitionedLayerUnderAJointLayerEqualsTrainingOnThePooledRowsInOnePlace(ModelKind kind)
    {
        // Full batches: step k pools the same rows however they are split, so the MPC path is exact.
        var settings = new TrainingSettings { Seed = 5, MonitorEvery = 4, FineTuningEpochs = 4, FineTuningBatchSize = 1000 };
        var reference = await PooledTraining.TrainAsync(kind, Data, VisibleKind.Bernoulli, null, Layers(8), settings, new LocalStatisticsPool());
        var pooled = await LocalHarness.RunAsync<UInt128, TrainedModel>(3, rt =>
            PooledTraining.TrainAsync(kind, Data[(rt.PartyIndex * 40)..((rt.PartyIndex + 1) * 40)], VisibleKind.Bernoulli, null, Layers(8), settings, new MpcStatisticsPool<UInt128>(rt, "statistics")),
            new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        var expected = reference.Parameters();
        foreach (var model in pooled)
        {
            double worst = expected.Zip(model.Parameters(), (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-6, $"largest parameter difference {worst}");
        }
        // No weight crosses a partition, in the pre-trained layer and after fine-tuning; within the partitions the weights were learned.
        var first = kind == ModelKind.Dbm ? pooled[0].Dbm!.Weights[0] : pooled[0].Layers[0].Weights;
        var partitions = new Partitioning([6, 6], [4, 4]);
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < 8; j++)
                if (!partitions.Connects(i, j)) Assert.Equal(0, first[i * 8 + j]);
        Assert.True(first.Max(Math.Abs) > 0.05, $"the weights within the partitions did not move (largest {first.Max(Math.Abs)})");
        Assert.NotNull(pooled[0].Layers[0].Partitioning);
    }

    [Fact]
    public async Task APartitionedRbmIsTheProductOfItsPartitionsRbms()
    {
        // Independent RBMs side by side (BoltzmannMachines.jl's PartitionedRBM): log Z and log p*(v) are the partitions' sums.
        var layer = new LayerSettings(6, Epochs: 10, LearningRate: 0.1, BatchSize: 20, Chains: 20) { Partitions = new Partitioning([5, 7], [2, 4]) };
        var model = await PooledTraining.TrainAsync(ModelKind.Rbm, Data, VisibleKind.Bernoulli, null, [layer], new TrainingSettings { Seed = 8, MonitorEvery = 0 }, new LocalStatisticsPool());
        var rbm = model.Layers[0];
        var parts = new[] { Part(rbm, 0, 5, 0, 2), Part(rbm, 5, 7, 2, 4) };
        Assert.Equal(parts.Sum(p => p.ExactLogPartition()), rbm.ExactLogPartition(), 9);
        foreach (var v in Data.Take(10))
            Assert.Equal(parts[0].LogUnnormalisedProbability(v.AsSpan(0, 5)) + parts[1].LogUnnormalisedProbability(v.AsSpan(5, 7)), rbm.LogUnnormalisedProbability(v), 9);
    }

    [Fact]
    public async Task TheStatisticsBetweenPartitionsAreNeverPooled()
    {
        // What a pool sums is what the exact mode opens to the parties (and what DP clips): nothing between partitions.
        var pool = new RecordingPool();
        await PooledTraining.TrainAsync(ModelKind.Dbm, Data, VisibleKind.Bernoulli, null, Layers(2), new TrainingSettings { Seed = 5, MonitorEvery = 0, FineTuningEpochs = 2, FineTuningBatchSize = 1000 }, pool);
        var partitions = new Partitioning([6, 6], [4, 4]);
        var layer = pool.Sums.Where(s => s.Release == "layer 1").ToList();
        var dbm = pool.Sums.Where(s => s.Release == "dbm").ToList();
        Assert.NotEmpty(layer);
        Assert.NotEmpty(dbm);
        // Both layouts start with W_1 (12 x 8).
        foreach (var (_, sum) in layer.Concat(dbm))
            for (int i = 0; i < 12; i++)
                for (int j = 0; j < 8; j++)
                    Assert.True(partitions.Connects(i, j) || sum[i * 8 + j] == 0, $"W_1[{i}, {j}] was pooled");
        Assert.Contains(layer, s => s.Sum[0] != 0);
    }

    private sealed class RecordingPool : IStatisticsPool
    {
        private readonly LocalStatisticsPool _inner = new();

        public List<(string Release, double[] Sum)> Sums { get; } = [];

        public bool IsPrivate => false;

        public Random SubsamplingRandom => _inner.SubsamplingRandom;

        public Task<double> TotalRowsAsync(int localRows) => _inner.TotalRowsAsync(localRows);

        public void Plan(IReadOnlyList<StatisticsRelease> releases) => _inner.Plan(releases);

        public async Task<double[]> SumAsync(string release, IReadOnlyList<double[]> records, int dimension, double recordBound = double.PositiveInfinity)
        {
            var sum = await _inner.SumAsync(release, records, dimension, recordBound);
            Sums.Add((release, sum));
            return sum;
        }
    }

    // The sub-RBM on visible units [v0, v0 + nv) and hidden units [h0, h0 + nh).
    private static Rbm Part(Rbm rbm, int v0, int nv, int h0, int nh)
    {
        var part = new Rbm(nv, nh);
        for (int i = 0; i < nv; i++)
        {
            part.VisibleBias[i] = rbm.VisibleBias[v0 + i];
            for (int j = 0; j < nh; j++) part.Weights[i * nh + j] = rbm.Weights[(v0 + i) * rbm.Hidden + h0 + j];
        }
        for (int j = 0; j < nh; j++) part.HiddenBias[j] = rbm.HiddenBias[h0 + j];
        return part;
    }

    [Fact]
    public async Task PartitionsThatDoNotCoverTheLayerAreRefused()
    {
        var layer = new LayerSettings(6, Epochs: 1) { Partitions = new Partitioning([5, 5], [3, 3]) };
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PooledTraining.TrainAsync(ModelKind.Rbm, Data, VisibleKind.Bernoulli, null, [layer], new TrainingSettings(), new LocalStatisticsPool()));
        Assert.Contains("the partitions cover 10 visible and 6 hidden units; the layer has 12 and 6", error.Message, StringComparison.Ordinal);
        Assert.Equal([3, 3, 2], Partitioning.Even([4, 4, 4], 8).HiddenSizes);
    }
}
