using MathNet.Numerics.LinearAlgebra;

namespace Mpc.Boltzmann.Tests;

public class LatentDimensionsTests
{
    private static readonly double[][] Data = BlocksInNoise.Generate(150, 12, new Random(41), blockLength: 4, blocks: 3).Rows;

    private static async Task<TrainedModel> Dbm(int top)
    {
        var layers = new[] { new LayerSettings(8, Epochs: 10, LearningRate: 0.1, BatchSize: 15, Chains: 20), new LayerSettings(top, Epochs: 10, LearningRate: 0.1, BatchSize: 15, Chains: 20) };
        return await PooledTraining.TrainAsync(ModelKind.Dbm, Data, VisibleKind.Bernoulli, null, layers, new TrainingSettings { Seed = 3, MonitorEvery = 0, FineTuningEpochs = 5, FineTuningBatchSize = 15 }, new LocalStatisticsPool());
    }

    [Fact]
    public async Task TheTopTwoLatentDimensionsAreTheFirstTwoLeftSingularVectorsOfTheStandardisedLogitsOfTheTopLayer()
    {
        var model = await Dbm(top: 5);
        var latent = LatentDimensions.Top2(model, Data);
        // The reference as BoltzmannMachines.jl computes it: mean-field of the top layer, logit, standardise, svd(...).U[:, 1:2].
        var logits = Data.Select(v => model.Dbm!.MeanField(v, 10)[^1].Select(p => Math.Log(p / (1 - p))).ToArray()).ToArray();
        var h = Matrix<double>.Build.DenseOfRowArrays(logits);
        for (int j = 0; j < h.ColumnCount; j++)
        {
            var column = h.Column(j);
            double mean = column.Average(), sd = Math.Sqrt(column.Sum(x => (x - mean) * (x - mean)) / (column.Count - 1));
            h.SetColumn(j, column.Subtract(mean).Divide(sd));
        }
        var u = h.Svd(computeVectors: true).U;
        for (int c = 0; c < 2; c++)
        {
            // An SVD fixes a singular vector up to its sign.
            double sign = Math.Sign(Enumerable.Range(0, Data.Length).Sum(i => u[i, c] * latent[i][c]));
            for (int i = 0; i < Data.Length; i++) Assert.Equal(u[i, c], sign * latent[i][c], 8);
        }
    }

    [Fact]
    public async Task WithTwoTopUnitsTheLatentDimensionsAreTheirLogitsAndWithOneTheSecondIsZero()
    {
        var two = await Dbm(top: 2);
        var latent = LatentDimensions.Top2(two, Data);
        var p = two.Dbm!.MeanField(Data[3], 10)[^1];
        Assert.Equal(Math.Log(p[1] / (1 - p[1])), latent[3][1], 9);
        var one = await Dbm(top: 1);
        Assert.All(LatentDimensions.Top2(one, Data), xy => Assert.Equal(0, xy[1]));
    }
}
