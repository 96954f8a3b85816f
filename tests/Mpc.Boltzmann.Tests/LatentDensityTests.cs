using MathNet.Numerics.LinearAlgebra;

namespace Mpc.Boltzmann.Tests;

public class LatentDensityTests
{
    private static readonly double[][] Data = BlocksInNoise.Generate(150, 12, new Random(43), blockLength: 4, blocks: 3).Rows;

    private static async Task<TrainedModel> Rbm() =>
        await PooledTraining.TrainAsync(ModelKind.Rbm, Data, VisibleKind.Bernoulli, null, [new LayerSettings(6, Epochs: 10, LearningRate: 0.1, BatchSize: 15, Chains: 20)],
            new TrainingSettings { Seed = 5, MonitorEvery = 0 }, new LocalStatisticsPool());

    [Fact]
    public async Task OtherRowsAreProjectedOnTheRightSingularVectorsOfTheFittedRowsScaledByTheirSingularValues()
    {
        var model = await Rbm();
        var fitted = Data[..100];
        var other = Data[100..];
        var projection = LatentProjection.Fit(model, fitted);
        // The reference from MathNet's SVD of the fitted rows' standardised logits, applied to the other rows with the fitted means and SDs.
        double[] Logits(double[] v) => [.. LatentDimensions.TopActivation(model, v).Select(p => Math.Log(p / (1 - p)))];
        var logits = fitted.Select(Logits).ToArray();
        int k = logits[0].Length;
        var means = Enumerable.Range(0, k).Select(j => logits.Average(r => r[j])).ToArray();
        var sds = Enumerable.Range(0, k).Select(j => Math.Sqrt(logits.Sum(r => (r[j] - means[j]) * (r[j] - means[j])) / (logits.Length - 1))).ToArray();
        double[] Z(double[] h) => [.. h.Select((x, j) => (x - means[j]) / sds[j])];
        var svd = Matrix<double>.Build.DenseOfRowArrays(logits.Select(Z)).Svd(computeVectors: true);
        var mine = projection.Project(other);
        for (int c = 0; c < 2; c++)
        {
            var v = svd.VT.Row(c);
            var expected = other.Select(r => Vector<double>.Build.DenseOfArray(Z(Logits(r))).DotProduct(v) / svd.S[c]).ToArray();
            // A singular vector's sign is open.
            double sign = Math.Sign(expected.Zip(mine, (e, m) => e * m[c]).Sum());
            for (int i = 0; i < other.Length; i++) Assert.Equal(expected[i], sign * mine[i][c], 8);
        }
        // The fitted rows themselves get their top-2 latent dimensions.
        Assert.Equal(LatentDimensions.Top2(model, fitted).SelectMany(xy => xy), projection.Project(fitted).SelectMany(xy => xy));
    }

    [Fact]
    public void TheGridCoversThePublicPointsWithATenthOfTheirSpanOnEachSideAndCountsRowMajorFromTheBottom()
    {
        var grid = LatentGrid.Around([[0, 0], [10, 5]], bins: 4);
        Assert.Equal([-1, 11, -0.5, 5.5, 4], grid.Values());
        Assert.Equal(0, grid.CellOf(-1, -0.5));
        Assert.Equal(15, grid.CellOf(11, 5.5));
        Assert.Equal(1 * 4 + 2, grid.CellOf(6, 1));
        Assert.Equal(-1, grid.CellOf(11.01, 0));
        var counts = grid.Counts([[6, 1], [6.1, 1.1], [0, 0], [20, 20]]);
        Assert.Equal(2, counts[6]);
        Assert.Equal(1, counts[0]);
        Assert.Equal(3, counts.Sum());
        Assert.Equal(grid, LatentGrid.FromValues(grid.Values()));
    }

    [Fact]
    public void AReservedReleaseTakesItsShareAndTheTrainingStepsAreCalibratedIntoWhatIsLeft()
    {
        StatisticsRelease[] steps = [new("layer 1", 200, 30, 5, 0.05)];
        var reserved = new StatisticsRelease("latent density", 1, 400, 1, 1);
        double Run(bool reserve, out double stepMu)
        {
            var mechanism = new SkellamSumMechanism(5, 1e-5, new Random(1));
            mechanism.AccountRowCount();
            if (reserve) mechanism.Reserve(reserved, 20);
            mechanism.Plan(steps);
            stepMu = mechanism.Planned("layer 1").Mu;
            for (int i = 0; i < 200; i++) mechanism.AccountAndDecode("layer 1", new double[30]);
            if (reserve) mechanism.AccountAndDecode("latent density", new double[400]);
            return mechanism.SpentEpsilon;
        }
        double without = Run(false, out double plainMu), with = Run(true, out double reservedMu);
        Assert.InRange(without, 4.9, 5 + 1e-9);
        Assert.InRange(with, 4.9, 5 + 1e-9);
        // The steps pay for the reservation with more noise.
        Assert.True(reservedMu > plainMu * 1.01, $"step mu {reservedMu} with the reservation, {plainMu} without");
    }
}
