namespace Mpc.Boltzmann.Tests;

public class RbmTests
{
    private static Rbm RandomRbm(int visible, int hidden, int seed, double scale, VisibleKind kind = VisibleKind.Bernoulli, int[]? categories = null)
    {
        var random = new Random(seed);
        var rbm = new Rbm(visible, hidden, kind, categories);
        for (int k = 0; k < rbm.Weights.Length; k++) rbm.Weights[k] = scale * (2 * random.NextDouble() - 1);
        for (int i = 0; i < visible; i++) rbm.VisibleBias[i] = scale * (2 * random.NextDouble() - 1);
        for (int j = 0; j < hidden; j++) rbm.HiddenBias[j] = scale * (2 * random.NextDouble() - 1);
        return rbm;
    }

    // -E(v, h) straight from the definition.
    private static double NegativeEnergy(Rbm rbm, double[] v, double[] h)
    {
        double value = 0;
        for (int i = 0; i < rbm.Visible; i++) value += rbm.Kind == VisibleKind.Gaussian ? -0.5 * (v[i] - rbm.VisibleBias[i]) * (v[i] - rbm.VisibleBias[i]) : rbm.VisibleBias[i] * v[i];
        for (int j = 0; j < rbm.Hidden; j++) value += rbm.HiddenBias[j] * h[j];
        for (int i = 0; i < rbm.Visible; i++)
            for (int j = 0; j < rbm.Hidden; j++) value += v[i] * rbm.Weights[i * rbm.Hidden + j] * h[j];
        return value;
    }

    private static double[] Bits(long state, int count) => Enumerable.Range(0, count).Select(b => (double)((state >> b) & 1)).ToArray();

    [Fact]
    public void ExactLogLikelihoodEqualsBruteForceEnumerationOverVisibleAndHiddenStates()
    {
        var rbm = RandomRbm(6, 4, seed: 11, scale: 1.5);
        double z = 0;
        for (long v = 0; v < 64; v++)
            for (long h = 0; h < 16; h++) z += Math.Exp(NegativeEnergy(rbm, Bits(v, 6), Bits(h, 4)));
        var rows = new[] { Bits(5, 6), Bits(63, 6), Bits(0, 6), Bits(42, 6) };
        double expected = rows.Average(v => Math.Log(Enumerable.Range(0, 16).Sum(h => Math.Exp(NegativeEnergy(rbm, v, Bits(h, 4)))) / z));
        Assert.Equal(Math.Log(z), rbm.ExactLogPartition(), 10);
        Assert.Equal(expected, rbm.LogLikelihood(rows, rbm.ExactLogPartition()), 10);
    }

    [Fact]
    public void CategoricalLogPartitionSumsOverOneHotStatesOnly()
    {
        var rbm = RandomRbm(5, 3, seed: 5, scale: 1, VisibleKind.Categorical, [2, 3]);
        double z = 0;
        for (int a = 0; a < 2; a++)
            for (int b = 0; b < 3; b++)
            {
                var v = new double[5];
                v[a] = 1;
                v[2 + b] = 1;
                for (long h = 0; h < 8; h++) z += Math.Exp(NegativeEnergy(rbm, v, Bits(h, 3)));
            }
        Assert.Equal(Math.Log(z), rbm.ExactLogPartition(), 10);
    }

    [Fact]
    public void GaussianLogPartitionMatchesNumericalIntegration()
    {
        var rbm = RandomRbm(1, 3, seed: 3, scale: 1, VisibleKind.Gaussian);
        double z = 0, step = 1e-3;
        for (double x = -30; x <= 30; x += step)
            for (long h = 0; h < 8; h++) z += Math.Exp(NegativeEnergy(rbm, [x], Bits(h, 3))) * step;
        Assert.Equal(Math.Log(z), rbm.ExactLogPartition(), 6);
        // The free energy agrees with summing the hidden units out by hand.
        double v = 0.7, direct = Math.Log(Enumerable.Range(0, 8).Sum(h => Math.Exp(NegativeEnergy(rbm, [v], Bits(h, 3)))));
        Assert.Equal(direct, rbm.LogUnnormalisedProbability([v]), 10);
    }

    [Theory]
    [InlineData(VisibleKind.Bernoulli)]
    [InlineData(VisibleKind.Gaussian)]
    public void AisLogPartitionIsWithinTwoPercentOfExactOnASmallRbm(VisibleKind kind)
    {
        var rbm = RandomRbm(20, 10, seed: 7, scale: kind == VisibleKind.Gaussian ? 0.3 : 1);
        if (kind == VisibleKind.Gaussian) rbm = CopyAs(rbm, kind);
        double exact = rbm.ExactLogPartition();
        var (estimate, error) = AnnealedImportanceSampling.LogPartition(rbm, 100, 1000, new Random(1));
        Assert.True(Math.Abs(estimate - exact) <= 0.02 * Math.Abs(exact), $"AIS {estimate} (se {error}) vs exact {exact}");
    }

    // Issue 29: the beta = 0 draw read a visible-sized zero vector as the hidden state, out of range when hidden > visible.
    [Theory]
    [InlineData(VisibleKind.Bernoulli)]
    [InlineData(VisibleKind.Categorical)]
    public void AisHandlesMoreHiddenThanVisibleUnits(VisibleKind kind)
    {
        int[]? categories = kind == VisibleKind.Categorical ? [2, 3, 4, 3] : null;
        var rbm = RandomRbm(12, 20, seed: 13, scale: 0.5, kind, categories);
        double exact = rbm.ExactLogPartition();
        var (estimate, error) = AnnealedImportanceSampling.LogPartition(rbm, 50, 500, new Random(2));
        Assert.True(Math.Abs(estimate - exact) <= 0.02 * Math.Abs(exact), $"AIS {estimate} (se {error}) vs exact {exact}");
    }

    private static Rbm CopyAs(Rbm source, VisibleKind kind)
    {
        var rbm = new Rbm(source.Visible, source.Hidden, kind);
        source.Weights.CopyTo(rbm.Weights, 0);
        source.VisibleBias.CopyTo(rbm.VisibleBias, 0);
        source.HiddenBias.CopyTo(rbm.HiddenBias, 0);
        return rbm;
    }
}
