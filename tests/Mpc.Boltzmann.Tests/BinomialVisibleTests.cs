using Mpc.Runtime.Harness;
using Xunit.Abstractions;

namespace Mpc.Boltzmann.Tests;

public class BinomialVisibleTests(ITestOutputHelper output)
{
    private static Rbm RandomRbm(int visible, int hidden, int seed, double scale)
    {
        var random = new Random(seed);
        var rbm = new Rbm(visible, hidden, VisibleKind.Binomial);
        for (int k = 0; k < rbm.Weights.Length; k++) rbm.Weights[k] = scale * (2 * random.NextDouble() - 1);
        for (int i = 0; i < visible; i++) rbm.VisibleBias[i] = scale * (2 * random.NextDouble() - 1);
        for (int j = 0; j < hidden; j++) rbm.HiddenBias[j] = scale * (2 * random.NextDouble() - 1);
        return rbm;
    }

    // The digits of a state in base `radix`.
    private static double[] Digits(long state, int count, int radix)
    {
        var digits = new double[count];
        for (int i = 0; i < count; i++, state /= radix) digits[i] = state % radix;
        return digits;
    }

    // The definition (BoltzmannMachines.jl's Binomial2BernoulliRBM): a Bernoulli RBM with every visible unit doubled, both
    // copies sharing its weights and bias; a binomial value is the sum of its two copies. Returns log sum over those states.
    private static double LogTiedBernoulliSum(Rbm rbm, Func<double[], bool> include)
    {
        double total = 0;
        int bits = 2 * rbm.Visible;
        for (long v = 0; v < 1L << bits; v++)
        {
            var copies = Digits(v, bits, 2);
            var binomial = Enumerable.Range(0, rbm.Visible).Select(i => copies[2 * i] + copies[2 * i + 1]).ToArray();
            if (!include(binomial)) continue;
            for (long h = 0; h < 1L << rbm.Hidden; h++)
            {
                var hidden = Digits(h, rbm.Hidden, 2);
                double negativeEnergy = 0;
                for (int c = 0; c < bits; c++)
                {
                    int i = c / 2;
                    negativeEnergy += rbm.VisibleBias[i] * copies[c];
                    for (int j = 0; j < rbm.Hidden; j++) negativeEnergy += copies[c] * rbm.Weights[i * rbm.Hidden + j] * hidden[j];
                }
                for (int j = 0; j < rbm.Hidden; j++) negativeEnergy += rbm.HiddenBias[j] * hidden[j];
                total += Math.Exp(negativeEnergy);
            }
        }
        return Math.Log(total);
    }

    [Fact]
    public void ABinomialRbmsExactLogLikelihoodEqualsEnumerationOfTheTiedBernoulliRbmItStandsFor()
    {
        var rbm = RandomRbm(3, 4, seed: 13, scale: 1.2);
        double logZ = LogTiedBernoulliSum(rbm, _ => true);
        Assert.Equal(logZ, rbm.ExactLogPartition(), 9);
        var rows = new[] { new double[] { 0, 1, 2 }, [2, 2, 1], [1, 1, 1], [0, 0, 0] };
        double expected = rows.Average(r => LogTiedBernoulliSum(rbm, b => b.SequenceEqual(r))) - logZ;
        Assert.Equal(expected, rbm.LogLikelihood(rows, rbm.ExactLogPartition()), 9);
        // The probabilities of all 27 rows add up to one.
        double sum = Enumerable.Range(0, 27).Sum(s => Math.Exp(rbm.LogUnnormalisedProbability(Digits(s, 3, 3)) - logZ));
        Assert.Equal(1, sum, 9);
    }

    [Fact]
    public void ABinomialDbmsExactLogPartitionEqualsEnumerationOfEveryLayer()
    {
        var random = new Random(17);
        var dbm = new Dbm([3, 3, 2], VisibleKind.Binomial);
        foreach (var w in dbm.Weights)
            for (int k = 0; k < w.Length; k++) w[k] = 2 * random.NextDouble() - 1;
        foreach (var b in dbm.Biases)
            for (int k = 0; k < b.Length; k++) b[k] = 2 * random.NextDouble() - 1;
        double z = 0;
        for (long v = 0; v < 27; v++)
            for (long h1 = 0; h1 < 8; h1++)
                for (long h2 = 0; h2 < 4; h2++)
                {
                    double[][] state = [Digits(v, 3, 3), Digits(h1, 3, 2), Digits(h2, 2, 2)];
                    // -E plus log C(2, v_i) per visible unit.
                    double value = state[0].Sum(x => x == 1 ? Math.Log(2) : 0);
                    for (int l = 0; l < 3; l++)
                        for (int j = 0; j < state[l].Length; j++) value += dbm.Biases[l][j] * state[l][j];
                    for (int l = 1; l < 3; l++)
                        for (int i = 0; i < state[l - 1].Length; i++)
                            for (int j = 0; j < state[l].Length; j++) value += state[l - 1][i] * dbm.Weights[l - 1][i * state[l].Length + j] * state[l][j];
                    z += Math.Exp(value);
                }
        Assert.Equal(27 * 4, dbm.ExactStateCount);
        Assert.Equal(Math.Log(z), dbm.ExactLogPartition(), 9);
        var (ais, error) = AnnealedImportanceSampling.LogPartition(dbm, 64, 300, new Random(3));
        Assert.True(Math.Abs(ais - Math.Log(z)) < Math.Max(4 * error, 0.05), $"AIS {ais} +- {error}, exact {Math.Log(z)}");
    }

    [Fact]
    public async Task APooledBinomialRbmSamplesTheMarginalsOfThePooledRows()
    {
        // Three 0/1/2 columns (genotype-like): the first two follow one hidden trait, the third is independent with P(0, 1, 2) = (0.49, 0.42, 0.09).
        var random = new Random(23);
        var rows = Enumerable.Range(0, 600).Select(_ =>
        {
            double trait = random.NextDouble() < 0.5 ? 0.8 : 0.2;
            double Binomial(double p) => (random.NextDouble() < p ? 1 : 0) + (random.NextDouble() < p ? 1 : 0);
            return new[] { Binomial(trait), Binomial(trait), Binomial(0.3) };
        }).ToArray();
        var layers = new[] { new LayerSettings(4, Epochs: 60, LearningRate: 0.3, BatchSize: 20, Chains: 50) };
        var settings = new TrainingSettings { Seed = 6, MonitorEvery = 10 };
        var models = await LocalHarness.RunAsync<UInt128, TrainedModel>(2, rt =>
            PooledTraining.TrainAsync(ModelKind.Rbm, rows[(rt.PartyIndex * 300)..((rt.PartyIndex + 1) * 300)], VisibleKind.Binomial, null, layers, settings, new MpcStatisticsPool<UInt128>(rt, "statistics")),
            new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        var samples = GibbsSampling.Sample(models[0], 3000, 50, new Random(4));
        Assert.All(samples, s => Assert.All(s, x => Assert.Contains(x, new double[] { 0, 1, 2 })));
        for (int c = 0; c < 3; c++)
            for (int value = 0; value <= 2; value++)
            {
                double data = rows.Count(r => r[c] == value) / (double)rows.Length, synthetic = samples.Count(r => r[c] == value) / (double)samples.Length;
                output.WriteLine($"column {c + 1} value {value}: data {data:F3}, synthetic {synthetic:F3}");
                // Band: 0.07 in every marginal frequency (seen: at most 0.050; 600 rows give a sampling SE of about 0.02).
                Assert.True(Math.Abs(data - synthetic) < 0.07, $"column {c + 1}, value {value}: data {data:F3}, synthetic {synthetic:F3}");
            }
        // The shared trait: the first two columns correlate in the samples as in the data.
        double Correlation(IReadOnlyList<double[]> x)
        {
            double m0 = x.Average(r => r[0]), m1 = x.Average(r => r[1]);
            return x.Sum(r => (r[0] - m0) * (r[1] - m1)) / Math.Sqrt(x.Sum(r => (r[0] - m0) * (r[0] - m0)) * x.Sum(r => (r[1] - m1) * (r[1] - m1)));
        }
        output.WriteLine($"correlation of columns 1 and 2: data {Correlation(rows):F3}, synthetic {Correlation(samples):F3}");
        Assert.True(Correlation(samples) > 0.5 * Correlation(rows), $"synthetic correlation {Correlation(samples):F3} against {Correlation(rows):F3}");
        Assert.Contains(models[0].Monitoring, m => m.Metric == "log-likelihood" && double.IsFinite(m.Value));
    }
}
