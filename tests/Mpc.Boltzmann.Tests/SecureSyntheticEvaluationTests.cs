using Mpc.Runtime;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Boltzmann.Tests;

public class SecureSyntheticEvaluationTests
{
    private static readonly double[][] Real = BlocksInNoise.Generate(90, 12, new Random(3), blockLength: 3, blocks: 3).Rows;

    // Synthetic rows: real-like rows from another seed, with a few copies of real rows (distance 0) mixed in.
    private static readonly double[][] Synthetic = [.. BlocksInNoise.Generate(40, 12, new Random(4), blockLength: 3, blocks: 3).Rows, Real[0], Real[50]];

    private static double[][] Part(int party, int parties) => Real[(party * Real.Length / parties)..((party + 1) * Real.Length / parties)];

    // Categorical columns with 3, 2, 4, 3 and 2 levels, one-hot, tied together by a latent class.
    private static readonly int[] Groups = [3, 2, 4, 3, 2];

    private static readonly int[][] RealLevels = CategoricalLevels(80, new Random(5));

    private static readonly int[][] SyntheticLevels = CategoricalLevels(50, new Random(6));

    private static int[][] CategoricalLevels(int rows, Random random) => [.. Enumerable.Range(0, rows).Select(_ =>
    {
        int latent = random.Next(3);
        return Groups.Select(levels => random.NextDouble() < 0.7 ? latent % levels : random.Next(levels)).ToArray();
    })];

    private static double[] OneHot(int[] levels, int[] groups)
    {
        var units = new double[groups.Sum()];
        for (int j = 0, start = 0; j < groups.Length; start += groups[j], j++) units[start + levels[j]] = 1;
        return units;
    }

    private static double[][] CategoricalRows(int[][] levels) => [.. levels.Select(l => OneHot(l, Groups))];

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SecureMarginalMetricsEqualTheClearTextMetricsOnThePooledRows(int parties)
    {
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
        {
            var metrics = await SecureSyntheticEvaluation.MarginalsAsync(rt, Part(rt.PartyIndex, parties), Synthetic, maxOrder: 3, maxSets: 30, seed: 2);
            return await Opening.RevealRealAsync(rt, metrics, "utility");
        }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        for (int k = 1; k <= 3; k++)
        {
            var (l1, max) = SyntheticDataEvaluation.Marginals(Real, Synthetic, k, maxSets: 30, seed: 2);
            foreach (var party in opened)
            {
                Assert.Equal(l1, party[2 * (k - 1)], 6);
                Assert.Equal(max, party[2 * (k - 1) + 1], 6);
            }
        }
    }

    // The default row bound (products of counts up to 2^42: the logarithm's full normalisation) and the pooled rows as the bound,
    // as the script passes it (products below 2^15: the logarithm decomposes only their own bits).
    [Theory]
    [InlineData(2, 1_000_000)]
    [InlineData(3, 1_000_000)]
    [InlineData(3, 90)]
    [InlineData(5, 90)]
    public async Task SecureLogOddsRatioErrorEqualsTheClearTextErrorOnThePooledRows(int parties, int maxRows)
    {
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
        {
            var error = await SecureSyntheticEvaluation.LogOddsRatioErrorAsync(rt, Part(rt.PartyIndex, parties), Synthetic, maxRows);
            return await Opening.RevealRealAsync(rt, error, "log_odds_ratio_error");
        }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        double expected = SyntheticDataEvaluation.LogOddsRatioError(Real, Synthetic);
        Assert.True(expected > 0.05, $"the check needs a clearly non-zero error, got {expected}");
        Assert.All(opened, party => Assert.Equal(expected, party[0], 8));
    }

    [Fact]
    public async Task SecureContinuousDistanceQuantilesAreThePooledOnesRoundedUpToThePublicGrid()
    {
        // Two correlated continuous columns on very different scales (as age and days): distances count in synthetic sds.
        var random = new Random(11);
        double[] Row() { double a = random.NextDouble() * 2 - 1, b = a + 0.3 * (random.NextDouble() * 2 - 1); return [60 + 10 * a, 300 + 200 * b]; }
        var real = Enumerable.Range(0, 60).Select(_ => Row()).ToArray();
        var synthetic = Enumerable.Range(0, 40).Select(_ => Row()).Append(real[7]).ToArray();
        double[] probabilities = [0.01, 0.5, 0.9];
        const int parties = 3;
        double[][] Slice(int p) => real[(p * real.Length / parties)..((p + 1) * real.Length / parties)];
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
        {
            var quantiles = await SecureSyntheticEvaluation.ContinuousDistanceQuantilesAsync(rt, Slice(rt.PartyIndex), synthetic, probabilities);
            return await Opening.RevealRealAsync(rt, quantiles, "privacy");
        }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        var expected = SecureSyntheticEvaluation.ContinuousDistanceQuantiles([.. Enumerable.Range(0, parties).Select(p => (IReadOnlyList<double[]>)Slice(p))], synthetic, probabilities);
        // Independently: the order statistics of all parties' DCRs in synthetic standard deviations, rounded up to the grid.
        var sd = Enumerable.Range(0, 2).Select(j => { double m = synthetic.Average(r => r[j]); return Math.Sqrt(synthetic.Average(r => (r[j] - m) * (r[j] - m))); }).ToArray();
        double[][] Scale(IEnumerable<double[]> rows) => [.. rows.Select(r => new[] { r[0] / sd[0], r[1] / sd[1] })];
        var pooled = SyntheticDataEvaluation.DistancesToClosestRecords(Scale(synthetic), Scale(real)).Dcr.Order().ToArray();
        double step = SecureSyntheticEvaluation.ContinuousDcrTop(synthetic) / SecureSyntheticEvaluation.ContinuousDcrBins;
        for (int q = 0; q < probabilities.Length; q++)
        {
            double value = pooled[(int)Math.Ceiling(probabilities[q] * pooled.Length) - 1];
            Assert.Equal(Math.Ceiling(Math.Round(value / step, 9)) * step, expected[q], 9);
        }
        // The copied real row is at distance 0 and is the one exact copy of 41; the median is not 0.
        Assert.Equal(0, pooled[0]);
        Assert.True(expected[1] > 0);
        Assert.Equal(1.0 / synthetic.Length, expected[^1], 12);
        foreach (var party in opened)
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], party[i], 6);
    }

    [Fact]
    public async Task ContinuousDistanceQuantilesRefuseANonFiniteValueNamingRowAndColumn()
    {
        var rows = new[] { new[] { 1.0, 2.0 }, new[] { 3.0, double.NaN } };
        var error = await Assert.ThrowsAsync<Mpc.Runtime.ProtocolAbortedException>(() => LocalHarness.RunAsync<UInt128, int>(2, async rt =>
        {
            await SecureSyntheticEvaluation.ContinuousDistanceQuantilesAsync(rt, rows, [[0.0, 0.0], [1.0, 1.0]], [0.5]);
            return 0;
        }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer }));
        Assert.Contains("real row 2 has a non-finite value (NaN) in column 2", error.Message);
    }

    // The bounded comparisons (distances within the row width, marginal deviations within the pooled rows times M) against the clear
    // computation on random rows: several seeds, copies, ties and near-empty parties, the bound met at its edge (all-ones against all-zeros rows).
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task SecureScoresWithBoundedComparisonsEqualTheClearScoresOnRandomRows(int parties)
    {
        foreach (int seed in new[] { 101, 202 })
        {
            var random = new Random(seed + parties);
            int width = random.Next(4, 16), rows = random.Next(2 * parties + 4, 60);
            double[] Row() => [.. Enumerable.Range(0, width).Select(_ => random.NextDouble() < 0.3 ? 1.0 : 0)];
            var real = Enumerable.Range(0, rows).Select(_ => Row()).ToList();
            real[0] = new double[width];
            var holdout = Enumerable.Range(0, 2 * parties + random.Next(10)).Select(_ => Row()).ToList();
            // Fresh rows, copies of real and holdout rows, and the all-ones row at the largest distance from the all-zeros one.
            var synthetic = Enumerable.Range(0, random.Next(5, 30)).Select(_ => Row()).Concat([real[random.Next(rows)], holdout[0], Enumerable.Repeat(1.0, width).ToArray()]).ToList();
            double[] probabilities = [0.05, 0.5, 0.9];
            // Uneven parts of at least two rows each.
            var cuts = new[] { 0 }.Concat(Enumerable.Range(1, parties - 1).Select(p => 2 * p + random.Next(rows - 2 * parties) ).Order()).Append(rows).ToArray();
            for (int p = 1; p < cuts.Length; p++) cuts[p] = Math.Max(cuts[p], cuts[p - 1] + 2);
            cuts[^1] = rows;
            List<double[]> Own(List<double[]> all, int[] at, int p) => all[at[p]..at[p + 1]];
            var holdoutCuts = Enumerable.Range(0, parties + 1).Select(p => p * holdout.Count / parties).ToArray();
            var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
            {
                var own = Own(real, cuts, rt.PartyIndex);
                var privacy = await SecureSyntheticEvaluation.DistanceQuantilesAsync(rt, own, synthetic, probabilities);
                var share = await SecureSyntheticEvaluation.HoldoutShareAsync(rt, own, Own(holdout, holdoutCuts, rt.PartyIndex), synthetic);
                var marginals = await SecureSyntheticEvaluation.MarginalsAsync(rt, own, synthetic, maxOrder: 2, maxSets: 20, seed: seed, maxRows: rows);
                return await Opening.RevealRealAsync(rt, Secret<UInt128>.Concatenate([privacy, share, marginals]), "scores");
            }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
            var expected = SecureSyntheticEvaluation.DistanceQuantiles(Enumerable.Range(0, parties).Select(p => (IReadOnlyList<double[]>)Own(real, cuts, p)).ToList(), synthetic, probabilities)
                .Append(SecureSyntheticEvaluation.HoldoutShare(real, holdout, synthetic))
                .Concat(Enumerable.Range(1, 2).SelectMany(k => { var (l1, max) = SyntheticDataEvaluation.Marginals(real, synthetic, k, maxSets: 20, seed: seed); return new[] { l1, max }; }))
                .ToArray();
            foreach (var party in opened)
                for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - party[i]) < 1e-6, $"seed {seed}, {parties} parties: score {i} is {party[i]} where the clear one is {expected[i]}");
        }
    }

    // The NNDR tests on whole squared distances go through thresholds floor(j^2 d2 / B^2): every rank's quantile against the clear one,
    // on rows whose ratios d1 / d2 meet grid points exactly (1/4 at j = 50, 1 at j = B), where an off-by-one in a threshold shows.
    [Fact]
    public async Task NndrQuantilesAtEveryRankEqualTheClearOnesWhereRatiosMeetTheGridExactly()
    {
        const int parties = 3, width = 16;
        var random = new Random(31);
        double[] Row(double p) => [.. Enumerable.Range(0, width).Select(_ => random.NextDouble() < p ? 1.0 : 0)];
        var real = Enumerable.Range(0, 45).Select(i => Row(i % 3 == 0 ? 0.1 : 0.3)).ToList();
        var synthetic = Enumerable.Range(0, 40).Select(i => Row(i % 2 == 0 ? 0.1 : 0.3)).ToList();
        // The all-ones row with real rows at squared distances 1 and 4 (the others have at most 9 ones): NNDR 1/2 exactly, j = 50.
        synthetic[0] = Enumerable.Repeat(1.0, width).ToArray();
        real[1] = [.. synthetic[0].Select((v, j) => j < 1 ? 0.0 : v)];
        real[20] = [.. synthetic[0].Select((v, j) => j < 4 ? 0.0 : v)];
        Assert.All(real.Where((_, i) => i != 1 && i != 20), r => Assert.True(r.Sum() <= 9));
        double[] probabilities = [.. Enumerable.Range(1, synthetic.Count).Select(k => (double)k / synthetic.Count)];
        List<double[]> Own(int p) => real[(p * real.Count / parties)..((p + 1) * real.Count / parties)];
        var (_, nndr) = SyntheticDataEvaluation.DistancesToClosestRecords(synthetic, real);
        Assert.Contains(nndr, r => r > 0 && r < 1 && Math.Abs(r * SecureSyntheticEvaluation.NndrBins - Math.Round(r * SecureSyntheticEvaluation.NndrBins)) < 1e-9);
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
            await Opening.RevealRealAsync(rt, await SecureSyntheticEvaluation.DistanceQuantilesAsync(rt, Own(rt.PartyIndex), synthetic, probabilities), "privacy"),
            new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        var expected = SecureSyntheticEvaluation.DistanceQuantiles([.. Enumerable.Range(0, parties).Select(p => (IReadOnlyList<double[]>)Own(p))], synthetic, probabilities);
        var sorted = nndr.Order().ToArray();
        for (int k = 0; k < synthetic.Count; k++)
            Assert.Equal(Math.Ceiling(Math.Round(sorted[k] * SecureSyntheticEvaluation.NndrBins, 9)) / SecureSyntheticEvaluation.NndrBins, expected[synthetic.Count + k], 9);
        foreach (var party in opened)
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - party[i]) < 1e-6, $"score {i} is {party[i]} where the clear one is {expected[i]}");
    }

    [Fact]
    public async Task SecureDistanceQuantilesEqualTheQuantilesOfTheDistancesToThePooledRows()
    {
        double[] probabilities = [0.05, 0.5, 0.9];
        const int parties = 3;
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
        {
            var quantiles = await SecureSyntheticEvaluation.DistanceQuantilesAsync(rt, Part(rt.PartyIndex, parties), Synthetic, probabilities);
            return await Opening.RevealRealAsync(rt, quantiles, "privacy");
        }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        var expected = SecureSyntheticEvaluation.DistanceQuantiles(Enumerable.Range(0, parties).Select(p => (IReadOnlyList<double[]>)Part(p, parties)).ToList(), Synthetic, probabilities);
        // Independent check: order statistics of each synthetic row's DCR and NNDR against all real rows in one place.
        var (dcr, nndr) = SyntheticDataEvaluation.DistancesToClosestRecords(Synthetic, Real);
        var sortedDcr = dcr.Order().ToArray();
        var sortedNndr = nndr.Order().ToArray();
        for (int q = 0; q < probabilities.Length; q++)
        {
            int rank = (int)Math.Ceiling(probabilities[q] * Synthetic.Length) - 1;
            Assert.Equal(sortedDcr[rank], expected[q], 9);
            Assert.Equal(Math.Ceiling(Math.Round(sortedNndr[rank] * SecureSyntheticEvaluation.NndrBins, 9)) / SecureSyntheticEvaluation.NndrBins, expected[probabilities.Length + q], 9);
        }
        // The exact copies: at least the two planted ones (rows of parties 0 and 1).
        Assert.Equal((double)dcr.Count(d => d == 0) / Synthetic.Length, expected[^1], 12);
        Assert.True(expected[^1] >= 2.0 / Synthetic.Length);
        foreach (var party in opened)
        {
            Assert.Equal(2 * probabilities.Length + 1, party.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], party[i], 6);
        }
    }

    [Fact]
    public async Task APlantedCopyOfOnePartysRowShowsInTheSecureCheckWhereThePerPartyHistogramsHidIt()
    {
        const int parties = 3;
        // 40 noisy units, so fresh rows do not meet real ones by chance; 99 fresh rows and one copy of a row of party 2 (70 of 90 lies in its third).
        var real = BlocksInNoise.Generate(90, 40, new Random(20), noise: 0.4, blockLength: 8, blocks: 5).Rows;
        double[][] Part(int p, int count) => real[(p * real.Length / count)..((p + 1) * real.Length / count)];
        double[][] synthetic = [.. BlocksInNoise.Generate(99, 40, new Random(21), noise: 0.4, blockLength: 8, blocks: 5).Rows, real[70]];
        double[] probabilities = [0.01];
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
        {
            var quantiles = await SecureSyntheticEvaluation.DistanceQuantilesAsync(rt, Part(rt.PartyIndex, parties), synthetic, probabilities);
            return await Opening.RevealRealAsync(rt, quantiles, "privacy");
        }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        Assert.DoesNotContain(synthetic[..99], s => real.Any(r => r.SequenceEqual(s)));
        // The old check: every party's own DCRs pooled (3 x 100 values); the copy is 1 zero among 300, below the 1% quantile's rank 3.
        var perParty = Enumerable.Range(0, parties).SelectMany(p => SyntheticDataEvaluation.DistancesToClosestRecords(synthetic, Part(p, parties)).Dcr).Order().ToArray();
        Assert.Equal(0, perParty[0]);
        Assert.True(perParty[(int)Math.Ceiling(0.01 * perParty.Length) - 1] > 0, "the per-party pooled 1% quantile does not show the copy");
        foreach (var party in opened)
        {
            // Against the pooled rows: the 1% quantile (rank 1 of 100) is 0 and exactly one row of 100 is a copy.
            Assert.Equal(0, party[0], 9);
            Assert.Equal(0.01, party[2], 9);
        }
        Assert.Equal(1, SecureSyntheticEvaluation.LocalExactCopies(Part(2, parties), synthetic));
        Assert.Equal(0, SecureSyntheticEvaluation.LocalExactCopies(Part(0, parties), synthetic));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public async Task TheSecureHoldoutComparisonIsTheShareOfRowsCloserToTrainingThanToHoldoutOverThePooledRows(int parties)
    {
        // Training rows, holdout rows from the same distribution, and synthetic rows of which a third copy training rows.
        var all = BlocksInNoise.Generate(200, 30, new Random(31), noise: 0.3, blockLength: 6, blocks: 5).Rows;
        var training = all[..100];
        var holdout = all[100..];
        double[][] synthetic = [.. BlocksInNoise.Generate(40, 30, new Random(32), noise: 0.3, blockLength: 6, blocks: 5).Rows, .. training[..20]];
        double[][] Slice(double[][] rows, int p) => rows[(p * rows.Length / parties)..((p + 1) * rows.Length / parties)];
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
        {
            var share = await SecureSyntheticEvaluation.HoldoutShareAsync(rt, Slice(training, rt.PartyIndex), Slice(holdout, rt.PartyIndex), synthetic);
            return await Opening.RevealRealAsync(rt, share, "privacy_holdout");
        }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        // Independently, in the clear: DCR to all training rows against DCR to all holdout rows, ties half.
        var toTraining = SyntheticDataEvaluation.DistancesToClosestRecords(synthetic, training).Dcr;
        var toHoldout = SyntheticDataEvaluation.DistancesToClosestRecords(synthetic, holdout).Dcr;
        double expected = toTraining.Select((d, s) => d < toHoldout[s] ? 1 : d == toHoldout[s] ? 0.5 : 0).Average();
        Assert.Equal(expected, SecureSyntheticEvaluation.HoldoutShare(training, holdout, synthetic), 12);
        // The 20 copies are closer to training: well above the 0.5 of a model that does not memorise.
        Assert.True(expected > 0.6, $"holdout comparison {expected}");
        Assert.All(opened, party => Assert.Equal(expected, party[0], 9));
    }

    [Fact]
    public void CategoricalMarginalsEqualABruteForceCountOfLevelCombinations()
    {
        var real = CategoricalRows(RealLevels);
        var synthetic = CategoricalRows(SyntheticLevels);
        for (int k = 1; k <= 3; k++)
        {
            // Every k-set of the 5 columns (at most 10), each cell a tuple of levels, counted with a dictionary.
            var sets = Subsets(Enumerable.Range(0, Groups.Length).ToArray(), k).ToList();
            double sumL1 = 0, max = 0;
            foreach (var set in sets)
            {
                string Key(int[] row) => string.Join(",", set.Select(j => row[j]));
                var realCounts = RealLevels.GroupBy(Key).ToDictionary(g => g.Key, g => (double)g.Count() / RealLevels.Length);
                var syntheticCounts = SyntheticLevels.GroupBy(Key).ToDictionary(g => g.Key, g => (double)g.Count() / SyntheticLevels.Length);
                var deviations = realCounts.Keys.Union(syntheticCounts.Keys).Select(c => Math.Abs(realCounts.GetValueOrDefault(c) - syntheticCounts.GetValueOrDefault(c))).ToList();
                sumL1 += deviations.Sum();
                max = Math.Max(max, deviations.Max());
            }
            var (l1, maximum) = SyntheticDataEvaluation.Marginals(real, synthetic, k, groups: Groups);
            Assert.Equal(sumL1 / sets.Count, l1, 12);
            Assert.Equal(max, maximum, 12);
        }
    }

    [Fact]
    public void ZeroOneColumnsOneHotAsTwoLevelsScoreAsTheirZeroOneValues()
    {
        var twoLevels = Enumerable.Repeat(2, 12).ToArray();
        double[][] Expand(double[][] rows) => [.. rows.Select(r => OneHot([.. r.Select(v => (int)v)], twoLevels))];
        for (int k = 1; k <= 3; k++)
        {
            var binary = SyntheticDataEvaluation.Marginals(Real, Synthetic, k, maxSets: 30, seed: 2);
            var oneHot = SyntheticDataEvaluation.Marginals(Expand(Real), Expand(Synthetic), k, maxSets: 30, seed: 2, groups: twoLevels);
            Assert.Equal(binary.MeanL1, oneHot.MeanL1, 12);
            Assert.Equal(binary.MaxDeviation, oneHot.MaxDeviation, 12);
        }
        // The dummy of a two-level column is its second unit, the 0/1 value itself.
        Assert.Equal(SyntheticDataEvaluation.LogOddsRatioError(Real, Synthetic), SyntheticDataEvaluation.LogOddsRatioError(Expand(Real), Expand(Synthetic), twoLevels), 12);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SecureCategoricalScoresEqualTheClearTextScoresOnThePooledRows(int parties)
    {
        var real = CategoricalRows(RealLevels);
        var synthetic = CategoricalRows(SyntheticLevels);
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
        {
            var mine = real[(rt.PartyIndex * real.Length / parties)..((rt.PartyIndex + 1) * real.Length / parties)];
            var marginals = await SecureSyntheticEvaluation.MarginalsAsync(rt, mine, synthetic, maxOrder: 3, groups: Groups);
            var error = await SecureSyntheticEvaluation.LogOddsRatioErrorAsync(rt, mine, synthetic, groups: Groups);
            return await Opening.RevealRealAsync(rt, Mpc.Runtime.Secret<UInt128>.Concatenate([marginals, error]), "utility");
        }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        double expectedError = SyntheticDataEvaluation.LogOddsRatioError(real, synthetic, Groups);
        Assert.True(expectedError > 0.05, $"the check needs a clearly non-zero error, got {expectedError}");
        foreach (var party in opened)
        {
            for (int k = 1; k <= 3; k++)
            {
                var (l1, max) = SyntheticDataEvaluation.Marginals(real, synthetic, k, groups: Groups);
                Assert.Equal(l1, party[2 * (k - 1)], 6);
                Assert.Equal(max, party[2 * (k - 1) + 1], 6);
            }
            Assert.Equal(expectedError, party[6], 8);
        }
    }

    [Fact]
    public async Task SecureEvaluationRefusesARowThatIsNotOneHotNamingTheRowAndGroup()
    {
        var bad = CategoricalRows(RealLevels);
        bad[6][3] = bad[6][4] = 1;
        var error = await Assert.ThrowsAnyAsync<Exception>(() => LocalHarness.RunAsync<UInt128, int>(2, async rt =>
        {
            await SecureSyntheticEvaluation.MarginalsAsync(rt, bad, CategoricalRows(SyntheticLevels), groups: Groups);
            return 0;
        }));
        Assert.Contains("The real row 7 does not set exactly one unit of one-hot group 2 (units 4 to 5).", error.ToString(), StringComparison.Ordinal);
    }

    private static IEnumerable<int[]> Subsets(int[] items, int k) => k == 0
        ? [[]]
        : Enumerable.Range(0, items.Length - k + 1).SelectMany(i => Subsets(items[(i + 1)..], k - 1).Select(rest => (int[])[items[i], .. rest]));

    [Fact]
    public async Task SecureEvaluationRefusesRowsThatAreNotBinaryNamingTheRow()
    {
        var bad = Real.Select(r => (double[])r.Clone()).ToArray();
        bad[4][2] = 0.5;
        var error = await Assert.ThrowsAnyAsync<Exception>(() => LocalHarness.RunAsync<UInt128, int>(2, async rt =>
        {
            await SecureSyntheticEvaluation.MarginalsAsync(rt, bad, Synthetic);
            return 0;
        }));
        // The harness reports the party's failure; its message names the row.
        Assert.Contains("real row 5 is not binary", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDistanceCheckRefusesAPartyWithFewerThanTwoRowsRatherThanReportingZeroDistances()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => LocalHarness.RunAsync<UInt128, int>(2, async rt =>
        {
            await SecureSyntheticEvaluation.DistanceQuantilesAsync(rt, Real[..1], Synthetic, [0.5]);
            return 0;
        }));
        Assert.Contains("needs at least two real rows at every party; this party has 1", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void QuartileBinsSplitEightValuesTwoByTwoAndPutACutPointInTheUpperBin()
    {
        var reference = Enumerable.Range(1, 8).Select(v => new[] { (double)v, -v }).ToList();
        var cuts = SyntheticDataEvaluation.QuantileCuts(reference, 4);
        // Type-7 quartiles of 1..8: 2.75, 4.5, 6.25.
        Assert.Equal([2.75, 4.5, 6.25], cuts[0]);
        var codes = reference.Select(r => SyntheticDataEvaluation.BinOneHot(r, cuts)).ToList();
        Assert.All(codes, c => Assert.Equal(2, c.Sum()));
        for (int bin = 0; bin < 4; bin++) Assert.Equal(2, codes.Count(c => c[bin] == 1));
        // 4.5 is a cut: the upper of its two bins; -9 is below every cut of the second column.
        Assert.Equal([0, 0, 1, 0, 1, 0, 0, 0], SyntheticDataEvaluation.BinOneHot([4.5, -9], cuts));
    }

    [Fact]
    public void QuartileCutsRefuseANonFiniteReferenceValueNamingRowAndColumn()
    {
        var error = Assert.Throws<ArgumentException>(() => SyntheticDataEvaluation.QuantileCuts([[1, 2], [3, double.NaN]], 4));
        Assert.Contains("Reference row 2, column 2: NaN cannot cut bins", error.Message, StringComparison.Ordinal);
    }
}
