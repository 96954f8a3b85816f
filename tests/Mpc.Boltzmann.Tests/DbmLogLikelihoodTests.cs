namespace Mpc.Boltzmann.Tests;

public class DbmLogLikelihoodTests
{
    // log sum over the states of all hidden layers of exp(-E(v, h)), every unit enumerated (the definition).
    private static double BruteForceLogUnnormalised(Dbm dbm, double[] v)
    {
        int bits = dbm.LayerSizes.Skip(1).Sum();
        double sum = 0;
        for (long s = 0; s < 1L << bits; s++)
        {
            var state = dbm.NewState();
            v.CopyTo(state[0], 0);
            int bit = 0;
            for (int l = 1; l < dbm.LayerCount; l++)
                for (int j = 0; j < dbm.LayerSizes[l]; j++) state[l][j] = (s >> bit++) & 1;
            sum += Math.Exp(DbmTests.NegativeEnergy(dbm, state));
        }
        return Math.Log(sum);
    }

    private static double[][] RandomRows(int count, int visible, Random random) =>
        Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, visible).Select(_ => (double)random.Next(2)).ToArray()).ToArray();

    [Theory]
    [InlineData(new[] { 4, 3, 2 })]
    [InlineData(new[] { 3, 2, 3, 2 })]
    [InlineData(new[] { 5, 4 })]
    public void TheExactLogLikelihoodOfADbmEqualsSummingEveryHiddenStateOutByHand(int[] sizes)
    {
        var dbm = DbmTests.RandomDbm(sizes, seed: 11, scale: 1.2);
        var rows = RandomRows(6, sizes[0], new Random(12));
        // Z over every visible and hidden state, from the definition of the energy.
        double z = 0;
        for (long v = 0; v < 1L << sizes[0]; v++)
            z += Math.Exp(BruteForceLogUnnormalised(dbm, Enumerable.Range(0, sizes[0]).Select(i => (double)((v >> i) & 1)).ToArray()));
        double expected = rows.Average(r => BruteForceLogUnnormalised(dbm, r)) - Math.Log(z);
        foreach (var row in rows) Assert.Equal(BruteForceLogUnnormalised(dbm, row), dbm.ExactLogUnnormalisedProbability(row), 10);
        Assert.Equal(expected, dbm.ExactLogLikelihood(rows), 10);
    }

    // Issue 29: a layer with more hidden than visible units and more than 16 hidden units crashed the RBM's AIS.
    [Theory]
    [InlineData(new[] { 8, 6, 4 }, 21)]
    [InlineData(new[] { 6, 20, 4 }, 22)]
    [InlineData(new[] { 6, 5, 4, 3 }, 23)]
    [InlineData(new[] { 7, 5 }, 24)]
    public void PerSampleAisLogLikelihoodsAgreeWithTheExactValuesWithinTheirStandardErrors(int[] sizes, int seed)
    {
        var dbm = DbmTests.RandomDbm(sizes, seed, scale: 0.8);
        var rows = RandomRows(5, sizes[0], new Random(seed + 100));
        double logZ = dbm.ExactLogPartition();
        var (estimates, errors) = AnnealedImportanceSampling.LogLikelihoods(dbm, rows, logZ, runs: 100, temperatures: 500, new Random(seed));
        for (int r = 0; r < rows.Length; r++)
        {
            double exact = dbm.ExactLogUnnormalisedProbability(rows[r]) - logZ;
            // Four standard errors, plus 0.01 for the delta method's bias on a log of a mean.
            Assert.True(Math.Abs(estimates[r] - exact) <= 4 * errors[r] + 0.01,
                $"seed {seed}, row {r}: AIS {estimates[r]} (se {errors[r]}) vs exact {exact}");
        }
    }
}
