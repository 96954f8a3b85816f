namespace Mpc.Boltzmann.Tests;

public class DbmTests
{
    internal static Dbm RandomDbm(int[] sizes, int seed, double scale, int[]? categories = null, VisibleKind? visible = null)
    {
        var random = new Random(seed);
        var dbm = new Dbm(sizes, visible ?? (categories is null ? VisibleKind.Bernoulli : VisibleKind.Categorical), categories);
        foreach (var w in dbm.Weights)
            for (int k = 0; k < w.Length; k++) w[k] = scale * (2 * random.NextDouble() - 1);
        foreach (var b in dbm.Biases)
            for (int k = 0; k < b.Length; k++) b[k] = scale * (2 * random.NextDouble() - 1) / 2;
        return dbm;
    }

    // -E = sum_l b_l'h_l + sum_l h_{l-1}' W_l h_l, written out from the definition (the reference the enumerations use).
    internal static double NegativeEnergy(Dbm dbm, double[][] state)
    {
        double value = 0;
        for (int l = 0; l < dbm.LayerCount; l++)
            for (int j = 0; j < dbm.LayerSizes[l]; j++) value += dbm.Biases[l][j] * state[l][j];
        for (int l = 1; l < dbm.LayerCount; l++)
            for (int i = 0; i < dbm.LayerSizes[l - 1]; i++)
                for (int j = 0; j < dbm.LayerSizes[l]; j++) value += state[l - 1][i] * dbm.Weights[l - 1][i * dbm.LayerSizes[l] + j] * state[l][j];
        return value;
    }

    [Fact]
    public void ExactLogPartitionEqualsEnumerationOfEveryLayer()
    {
        var dbm = RandomDbm([4, 3, 2], seed: 2, scale: 1.2);
        double z = 0;
        for (long s = 0; s < 1 << 9; s++)
        {
            var state = dbm.NewState();
            int bit = 0;
            foreach (var layer in state)
                for (int j = 0; j < layer.Length; j++) layer[j] = (s >> bit++) & 1;
            z += Math.Exp(NegativeEnergy(dbm, state));
        }
        Assert.Equal(Math.Log(z), dbm.ExactLogPartition(), 10);
    }

    [Fact]
    public void CategoricalExactLogPartitionSumsOverOneHotVisibleStatesOnly()
    {
        // Visible groups of 3 and 2 categories (5 units), hidden layers of 3 and 2.
        var dbm = RandomDbm([5, 3, 2], seed: 6, scale: 1.5, categories: [3, 2]);
        double z = 0;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 2; b++)
                for (long h = 0; h < 1 << 5; h++)
                {
                    var state = dbm.NewState();
                    state[0][a] = 1;
                    state[0][3 + b] = 1;
                    for (int j = 0; j < 3; j++) state[1][j] = (h >> j) & 1;
                    for (int j = 0; j < 2; j++) state[2][j] = (h >> (3 + j)) & 1;
                    z += Math.Exp(NegativeEnergy(dbm, state));
                }
        Assert.Equal(6 * 4, dbm.ExactStateCount);
        Assert.Equal(Math.Log(z), dbm.ExactLogPartition(), 10);
    }

    [Fact]
    public void GaussianExactLogPartitionEqualsNumericalIntegrationOverTheVisiblesAndEnumerationOfTheHiddens()
    {
        var dbm = RandomDbm([2, 3, 2], seed: 7, scale: 0.8, visible: VisibleKind.Gaussian);
        // Midpoint rule on [-12, 12]^2 (the integrand is a Gaussian bump of unit width: the error is far below the tolerance).
        const double Step = 0.05;
        double z = 0;
        for (long h = 0; h < 1 << 5; h++)
        {
            var state = dbm.NewState();
            for (int j = 0; j < 3; j++) state[1][j] = (h >> j) & 1;
            for (int j = 0; j < 2; j++) state[2][j] = (h >> (3 + j)) & 1;
            double hidden = 0;
            for (int j = 0; j < 3; j++) hidden += dbm.Biases[1][j] * state[1][j];
            for (int j = 0; j < 2; j++) hidden += dbm.Biases[2][j] * state[2][j];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 2; j++) hidden += state[1][i] * dbm.Weights[1][i * 2 + j] * state[2][j];
            var x = new double[2];
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 3; j++) x[i] += dbm.Weights[0][i * 3 + j] * state[1][j];
            for (double v0 = -12 + Step / 2; v0 < 12; v0 += Step)
                for (double v1 = -12 + Step / 2; v1 < 12; v1 += Step)
                {
                    double e = -0.5 * ((v0 - dbm.Biases[0][0]) * (v0 - dbm.Biases[0][0]) + (v1 - dbm.Biases[0][1]) * (v1 - dbm.Biases[0][1])) + v0 * x[0] + v1 * x[1] + hidden;
                    z += Math.Exp(e) * Step * Step;
                }
        }
        Assert.Equal(8, dbm.ExactStateCount);
        Assert.Equal(Math.Log(z), dbm.ExactLogPartition(), 6);
    }

    [Fact]
    public void AisLogPartitionIsWithinTwoPercentOfExactOnAGaussianDbm()
    {
        var dbm = RandomDbm([6, 8, 5], seed: 9, scale: 0.6, visible: VisibleKind.Gaussian);
        double exact = dbm.ExactLogPartition();
        var (estimate, error) = AnnealedImportanceSampling.LogPartition(dbm, 100, 1000, new Random(3));
        Assert.True(Math.Abs(estimate - exact) <= 0.02 * Math.Abs(exact), $"AIS {estimate} (se {error}) vs exact {exact}");
    }

    [Fact]
    public void AisLogPartitionIsWithinTwoPercentOfExactOnACategoricalDbm()
    {
        var dbm = RandomDbm([12, 8, 6], seed: 5, scale: 0.8, categories: [3, 4, 2, 3]);
        double exact = dbm.ExactLogPartition();
        var (estimate, error) = AnnealedImportanceSampling.LogPartition(dbm, 100, 1000, new Random(3));
        Assert.True(Math.Abs(estimate - exact) <= 0.02 * Math.Abs(exact), $"AIS {estimate} (se {error}) vs exact {exact}");
    }

    [Fact]
    public void GibbsSweepsOfACategoricalDbmKeepEveryGroupOneHot()
    {
        var dbm = RandomDbm([7, 4, 3], seed: 1, scale: 1, categories: [3, 4]);
        var random = new Random(4);
        var state = dbm.RandomState(random);
        var seen = new HashSet<int>();
        for (int sweep = 0; sweep < 200; sweep++)
        {
            dbm.GibbsSweep(state, random);
            Assert.Equal(1, state[0][..3].Sum());
            Assert.Equal(1, state[0][3..].Sum());
            seen.Add(Array.IndexOf(state[0], 1.0));
        }
        // The first variable visits all its categories.
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void AisLogPartitionIsWithinTwoPercentOfExactOnASmallDbm()
    {
        var dbm = RandomDbm([12, 8, 6], seed: 4, scale: 0.8);
        double exact = dbm.ExactLogPartition();
        var (estimate, error) = AnnealedImportanceSampling.LogPartition(dbm, 100, 1000, new Random(3));
        Assert.True(Math.Abs(estimate - exact) <= 0.02 * Math.Abs(exact), $"AIS {estimate} (se {error}) vs exact {exact}");
    }

    [Fact]
    public void TheMeanFieldLowerBoundIsBelowTheExactLogLikelihood()
    {
        var dbm = RandomDbm([6, 4, 3], seed: 8, scale: 1);
        double logZ = dbm.ExactLogPartition();
        var v = new double[] { 1, 0, 1, 1, 0, 0 };
        // Exact log p(v): enumerate h2 with h1 summed out.
        var state = dbm.NewState();
        v.CopyTo(state[0], 0);
        double logP = double.NegativeInfinity;
        for (long h2 = 0; h2 < 8; h2++)
        {
            for (int j = 0; j < 3; j++) state[2][j] = (h2 >> j) & 1;
            double term = dbm.LogUnnormalisedEven(state);
            logP = logP == double.NegativeInfinity ? term : Math.Max(logP, term) + Math.Log(1 + Math.Exp(-Math.Abs(logP - term)));
        }
        logP -= logZ;
        double bound = dbm.LowerBoundTerm(v, 50) - logZ;
        Assert.True(bound <= logP + 1e-9, $"bound {bound} above log p {logP}");
        Assert.True(bound > logP - 1, $"bound {bound} far below log p {logP}");
    }
}
