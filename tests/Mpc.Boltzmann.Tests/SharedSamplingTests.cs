using System.Collections.Concurrent;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Boltzmann.Tests;

public class SharedSamplingTests
{
    private const int Seed = 29;

    // A DBM with two blocks, trained in the clear: the public model every party holds after training.
    private static readonly Lazy<Task<TrainedModel>> Model = new(() => PooledTraining.TrainAsync(ModelKind.Dbm, BlocksInNoise.Generate(300, 12, new Random(Seed), blockLength: 6, blocks: 2).Rows,
        VisibleKind.Bernoulli, null, [new LayerSettings(8, 30, 0.8, 25), new LayerSettings(4, 30, 0.8, 25)], new TrainingSettings { MonitorEvery = 0, FineTuningEpochs = 10 }, new LocalStatisticsPool()));

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task SharedSamplingDrawsEveryRowOnceAndEveryPartyGetsTheRowsOfOneChainPerRow(int parties)
    {
        var model = await Model.Value;
        const int count = 123, burnIn = 50;
        var drawn = new ConcurrentBag<(int Party, int Row)>();
        var results = await LocalHarness.RunAsync<UInt128, double[][]>(parties, rt => SharedPublicWork.ComputeAsync(rt, count, 12, row =>
        {
            drawn.Add((rt.PartyIndex, row));
            return GibbsSampling.SampleRow(model, row, burnIn, Seed);
        }));
        // Each row drawn once overall, by the party whose index it has modulo N.
        Assert.Equal(Enumerable.Range(0, count), drawn.Select(d => d.Row).Order());
        Assert.All(drawn, d => Assert.Equal(d.Row % parties, d.Party));
        // Every party ends with the same rows: those one place draws with the same per-row chains.
        var expected = Enumerable.Range(0, count).Select(row => GibbsSampling.SampleRow(model, row, burnIn, Seed)).ToArray();
        Assert.All(results, rows => Assert.Equal(expected, rows));
    }

    [Fact]
    public async Task RowsOfOwnChainsHaveTheMarginalsOfOneSequentialSample()
    {
        var model = await Model.Value;
        const int count = 3000, burnIn = 100;
        var perRow = Enumerable.Range(0, count).Select(row => GibbsSampling.SampleRow(model, row, burnIn, Seed)).ToArray();
        var sequential = GibbsSampling.Sample(model, count, burnIn, new Random(Seed));
        Assert.NotEqual(sequential, perRow);
        // Every unit's mean and every pair's joint frequency within 4 binomial standard errors of the two samples' difference (seed 29).
        for (int a = 0; a < 12; a++)
            for (int b = a; b < 12; b++)
            {
                double p = perRow.Average(r => r[a] * r[b]), q = sequential.Average(r => r[a] * r[b]);
                double pooled = (p + q) / 2, error = Math.Sqrt(Math.Max(pooled * (1 - pooled), 1e-4) * 2.0 / count);
                Assert.True(Math.Abs(p - q) < 4 * error, $"seed {Seed}: units {a + 1} and {b + 1}: {p:F4} (own chains) against {q:F4} (one sequence), 4 SE = {4 * error:F4}");
            }
        // The blocks the model learned come out alike too: rows with a whole block of ones.
        int Blocks(double[][] rows, int block) => rows.Count(r => r.Skip(6 * block).Take(6).All(v => v == 1));
        for (int block = 0; block < 2; block++)
        {
            int p = Blocks(perRow, block), q = Blocks(sequential, block);
            Assert.True(Math.Abs(p - q) < 4 * Math.Sqrt(p + q + 1), $"seed {Seed}: block {block + 1}: {p} rows (own chains) against {q} (one sequence)");
        }
    }
}
