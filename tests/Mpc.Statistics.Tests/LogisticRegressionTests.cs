using Mpc.Core;
using Mpc.Data;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics.Tests;

/// <summary>Secure logistic regression (reveal = final) against R's glm and the clear-text penalised optimum.</summary>
public class LogisticRegressionTests
{
    // R 4.2: glm(am ~ hp + wt, family = binomial, data = mtcars)
    private static readonly double[] Glm = [18.8663, 0.0362556, -8.083475];

    [Fact]
    public void TheReferenceMatchesGlmOnMtcars()
    {
        var (x, y) = Load("mtcars", "am", ["hp", "wt"]);
        var (coefficients, _, _) = LogisticRegressionReference.Fit(x, y, intercept: true, lambda: 0);
        for (int j = 0; j < 3; j++) Assert.Equal(Glm[j], coefficients[j], Math.Abs(Glm[j]) * 1e-5);
    }

    [Theory]
    [InlineData(2, NewtonSolver.Refined)]
    [InlineData(3, NewtonSolver.Refined)]
    [InlineData(2, NewtonSolver.Factorised)]
    public async Task TheSecureFitMatchesGlmOnMtcarsWithinOneThousandth(int parties, NewtonSolver solver)
    {
        var (x, y) = Load("mtcars", "am", ["hp", "wt"]);
        var result = await FitAsync(parties, x, y, new LogisticRegressionOptions(true, 0, 12, 1e-6, StandardErrors: true, Solver: solver));
        for (int j = 0; j < 3; j++) Assert.True(Math.Abs(result.Coefficients[j] - Glm[j]) <= 1e-3, $"coefficient {j}: {result.Coefficients[j]:R} vs glm {Glm[j]}");
        var (_, errors, _) = LogisticRegressionReference.Fit(x, y, true, 0);
        for (int j = 0; j < 3; j++) Assert.Equal(errors[j], result.StandardErrors![j], Math.Abs(errors[j]) * 1e-3);
        Assert.Equal(1, result.Converged);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public async Task TheSecureFitOnTheHonestMajorityEngineMatchesGlmOnMtcarsWithFourAndFiveParties(int parties)
    {
        var (x, y) = Load("mtcars", "am", ["hp", "wt"]);
        var result = await FitAsync(parties, x, y, new LogisticRegressionOptions(true, 0, 12, 1e-6, StandardErrors: true), "replicated");
        for (int j = 0; j < 3; j++) Assert.True(Math.Abs(result.Coefficients[j] - Glm[j]) <= 1e-3, $"coefficient {j}: {result.Coefficients[j]:R} vs glm {Glm[j]}");
        var (_, errors, _) = LogisticRegressionReference.Fit(x, y, true, 0);
        for (int j = 0; j < 3; j++) Assert.Equal(errors[j], result.StandardErrors![j], Math.Abs(errors[j]) * 1e-3);
        Assert.Equal(1, result.Converged);
    }

    [Theory]
    // R 4.x: m <- glm(am ~ hp + wt, family = binomial, data = mtcars); m$deviance = 10.0591104723
    [InlineData(2, true, 10.0591104723)]
    [InlineData(3, true, 10.0591104723)]
    // R 4.x: glm(am ~ hp + wt - 1, family = binomial, data = mtcars)$deviance = 37.0397262627
    [InlineData(3, false, 37.0397262627)]
    public async Task TheSecureResidualDevianceMatchesGlmOnMtcarsToOneInTenThousand(int parties, bool intercept, double glmDeviance)
    {
        var (x, y) = Load("mtcars", "am", ["hp", "wt"]);
        var result = await FitAsync(parties, x, y, new LogisticRegressionOptions(intercept, 0, 12, 1e-6, StandardErrors: false, Deviance: true));
        Assert.True(Math.Abs(result.Deviance!.Value - glmDeviance) <= 1e-4 * glmDeviance, $"deviance {result.Deviance:R} vs glm {glmDeviance}");
        Assert.Equal([32.0, 13.0], result.Counts!.Select(c => Math.Round(c)));
        Assert.All(result.Counts!, c => Assert.Equal(Math.Round(c), c, 1e-9));
    }

    [Fact]
    public async Task TheDevianceOfANearlySeparatedFitKeepsEveryRowsLikelihoodAboveGlmsFloor()
    {
        // A feature that separates all but one row: glm's fitted probabilities go down to 1.4e-10, where a logarithm of the
        // sigmoid itself would lose every digit; the deviance must still match the clear one at the same coefficients.
        var (x, y) = Load("mtcars", "am", ["hp", "wt"]);
        for (int i = 0; i < y.Length; i++) x[i, 1] = y[i] == 1 ? x[i, 1] - 2 : x[i, 1];
        var result = await FitAsync(2, x, y, new LogisticRegressionOptions(true, 0, 8, 1e-6, StandardErrors: false, Deviance: true));
        double clear = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double eta = result.Coefficients[0] + result.Coefficients[1] * x[i, 0] + result.Coefficients[2] * x[i, 1];
            double t = Math.Max((2 * y[i] - 1) * eta, Math.Log(2.220446049250313e-16));
            clear += -2 * (Math.Min(t, 0) - Math.Log(1 + Math.Exp(-Math.Abs(t))));
        }
        Assert.True(Math.Abs(result.Deviance!.Value - clear) <= 1e-6 * Math.Max(1, clear), $"deviance {result.Deviance:R} vs clear {clear:R} at the same coefficients");
    }

    [Fact]
    public void TheStandardisedPenaltyIsLambdaOnTheCoefficientsOfTheStandardisedFeatures()
    {
        // Fit on explicitly standardised columns with lambda, map back (beta_j = b_j / s_j), and compare with the original-scale fit
        // under the per-feature penalties lambda s_j^2.
        var (x, y) = Load("mtcars", "am", ["hp", "wt"]);
        int n = y.Length;
        var z = new double[n, 2];
        var (mean, sd) = (new double[2], new double[2]);
        for (int j = 0; j < 2; j++)
        {
            mean[j] = Enumerable.Range(0, n).Average(i => x[i, j]);
            sd[j] = Math.Sqrt(Enumerable.Range(0, n).Average(i => (x[i, j] - mean[j]) * (x[i, j] - mean[j])));
            for (int i = 0; i < n; i++) z[i, j] = (x[i, j] - mean[j]) / sd[j];
        }
        var standardised = LogisticRegressionReference.Fit(z, y, true, 2.0).Coefficients;
        var original = LogisticRegressionReference.Fit(x, y, true, LogisticRegressionReference.StandardisedPenalties(x, 2.0)).Coefficients;
        for (int j = 0; j < 2; j++) Assert.Equal(standardised[j + 1] / sd[j], original[j + 1], 1e-9);
        Assert.Equal(standardised[0] - standardised[1] * mean[0] / sd[0] - standardised[2] * mean[1] / sd[1], original[0], 1e-8);
        // And it is not the original-scale penalty: hp's sd is 67, so lambda s^2 is thousands of times lambda.
        Assert.True(Math.Abs(original[1] - LogisticRegressionReference.Fit(x, y, true, 2.0).Coefficients[1]) > 1e-3);
    }

    [Fact]
    public async Task WithAStandardisedPenaltyTheSecureFitMatchesTheClearOptimum()
    {
        var (x, y) = Load("mtcars", "am", ["hp", "wt"]);
        var clear = LogisticRegressionReference.Fit(x, y, true, LogisticRegressionReference.StandardisedPenalties(x, 2.0));
        var result = await FitAsync(2, x, y, new LogisticRegressionOptions(true, 2.0, 12, 1e-6, StandardErrors: true, Standardise: true));
        for (int j = 0; j < 3; j++)
        {
            Assert.True(Math.Abs(result.Coefficients[j] - clear.Coefficients[j]) <= 1e-3, $"coefficient {j}: {result.Coefficients[j]:R} vs clear {clear.Coefficients[j]:R}");
            Assert.Equal(clear.StandardErrors[j], result.StandardErrors![j], Math.Abs(clear.StandardErrors[j]) * 1e-3);
        }
    }

    [Fact]
    public async Task StandardErrorsStayAccurateWhenAFeatureSitsFarFromZero()
    {
        // wt + 1000 (sd 1): the Hessian's raw outer products are a million times the centred ones, so precision lost in the
        // parties' private products before centring would show in the standard errors.
        var (x, y) = Load("mtcars", "am", ["hp", "wt"]);
        for (int i = 0; i < y.Length; i++) x[i, 1] += 1000;
        var clear = LogisticRegressionReference.Fit(x, y, intercept: true, lambda: 0);
        var result = await FitAsync(3, x, y, new LogisticRegressionOptions(true, 0, 12, 1e-6, StandardErrors: true));
        for (int j = 0; j < 3; j++)
        {
            Assert.True(Math.Abs(result.Coefficients[j] - clear.Coefficients[j]) <= 1e-3 * Math.Max(1, Math.Abs(clear.Coefficients[j])),
                $"coefficient {j}: {result.Coefficients[j]:R} vs clear {clear.Coefficients[j]:R}");
            Assert.Equal(clear.StandardErrors[j], result.StandardErrors![j], Math.Abs(clear.StandardErrors[j]) * 1e-3);
        }
    }

    [Fact]
    public async Task WithoutAnInterceptTheSecureFitMatchesTheClearFitWithoutOne()
    {
        // Centring would add an intercept back: without one the features are only scaled.
        var (x, y) = Load("mtcars", "am", ["hp", "wt"]);
        var clear = LogisticRegressionReference.Fit(x, y, intercept: false, lambda: 0.5);
        var result = await FitAsync(3, x, y, new LogisticRegressionOptions(false, 0.5, 12, 1e-6, StandardErrors: true));
        Assert.Equal(2, result.Coefficients.Length);
        for (int j = 0; j < 2; j++)
        {
            Assert.True(Math.Abs(result.Coefficients[j] - clear.Coefficients[j]) <= 1e-4, $"coefficient {j}: {result.Coefficients[j]:R} vs clear {clear.Coefficients[j]:R}");
            Assert.Equal(clear.StandardErrors[j], result.StandardErrors![j], Math.Abs(clear.StandardErrors[j]) * 1e-3);
        }
    }

    [Theory]
    [InlineData("dealer")]
    [InlineData("replicated")]
    public async Task TheSecurePenalisedFitOnAllThirtyBreastCancerFeaturesMatchesTheClearOptimumInNineIterations(string engine)
    {
        var table = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer_wisconsin.csv"));
        var features = table.ColumnNames.Where(c => c != "malignant").ToArray();
        var (x, y) = Load("breast_cancer_wisconsin", "malignant", features);
        // Nine Newton iterations from zero: R's clear Newton needs eight for 1e-3, and the fixed-point steps one more (the first costs no per-row work).
        var options = new LogisticRegressionOptions(true, 1.0, 9, 1e-6, StandardErrors: false);
        var clear = LogisticRegressionReference.Fit(x, y, true, 1.0);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // The dealer and the honest-majority engine: with OT preprocessing the exact Hessian's 31x569x31 matrix triples take minutes (see the issue note).
        var result = await FitAsync(3, x, y, options, engine);
        Assert.True(result.Rounds <= 1000, $"{result.Rounds} rounds");
        for (int j = 0; j < clear.Coefficients.Length; j++)
            Assert.True(Math.Abs(result.Coefficients[j] - clear.Coefficients[j]) <= 1e-3, $"coefficient {j} ({(j == 0 ? "(Intercept)" : features[j - 1])}): {result.Coefficients[j]:R} vs clear {clear.Coefficients[j]:R}; {result.Rounds} rounds, {watch.Elapsed.TotalSeconds:F1} s");
    }

    // ReferenceValues/simulated_logistic.md: R 4.2.2, glm(y ~ ., binomial) on the 600 simulated rows of simulated_logistic.csv.
    private static readonly double[] SimulatedGlm = [-0.4554020951, 0.0665309259, 0.0233596202, 0.0790842074, -0.1673063357, 0.2169267341,
        -0.2478158767, 0.2561040338, -0.4754146723, 0.3592110175, -0.5370123615];

    [Theory]
    [InlineData("dealer", 4)]
    [InlineData("replicated", 4)]
    [InlineData("replicated", 6)]
    public async Task TheSecureFitOnSimulatedRowsMatchesTheStoredGlmCoefficientsWithinOneThousandthFromFourIterations(string engine, int iterations)
    {
        var (x, y) = Simulated();
        // Four Newton iterations from zero reach 1e-3, as R's clear Newton does (the first costs no per-row work); by six the
        // step is below the tolerance, which the opened convergence flag reports.
        var result = await FitAsync(3, x, y, new LogisticRegressionOptions(true, 0, iterations, 1e-6, StandardErrors: false), engine);
        for (int j = 0; j < SimulatedGlm.Length; j++)
            Assert.True(Math.Abs(result.Coefficients[j] - SimulatedGlm[j]) <= 1e-3, $"coefficient {j}: {result.Coefficients[j]:R} vs glm {SimulatedGlm[j]}");
        if (iterations >= 6) Assert.Equal(1, result.Converged);
    }

    [Fact]
    public async Task WithAThousandRowsACoefficientTheLastStepOnTheLastInverseReachesTheClearOptimum()
    {
        // 4,500 generated rows over 4 coefficients: the last Newton step reuses the last inverse, no per-row Hessian.
        var random = new Random(7);
        int n = 4500, f = 3;
        var x = new double[n, f];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double eta = -0.4;
            for (int j = 0; j < f; j++)
            {
                x[i, j] = Math.Round(random.NextDouble() * 6 - 3 + 2 * j, 4);
                eta += (x[i, j] - 2 * j) * (j % 2 == 0 ? 0.7 : -0.5);
            }
            y[i] = random.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
        }
        var clear = LogisticRegressionReference.Fit(x, y, true, 0);
        var result = await FitAsync(3, x, y, new LogisticRegressionOptions(true, 0, 5, 1e-6, StandardErrors: false), "replicated");
        for (int j = 0; j <= f; j++)
            Assert.True(Math.Abs(result.Coefficients[j] - clear.Coefficients[j]) <= 1e-3, $"seed 7, coefficient {j}: {result.Coefficients[j]:R} vs clear {clear.Coefficients[j]:R}");
    }

    [Fact]
    public async Task APartyWithOneRowAndAPartyWhoseOwnRowsSeparateStillGetThePooledOptimum()
    {
        // Party 0 holds one row; party 1's 120 rows are separated by x1 (its own fit would diverge); party 2 holds the rest.
        var (x, y) = Simulated();
        for (int i = 1; i <= 120; i++) y[i] = x[i, 0] > 0 ? 1 : 0;
        int[] bounds = [0, 1, 121, y.Length];
        var options = new LogisticRegressionOptions(true, 0, 6, 1e-6, StandardErrors: false);
        var clear = LogisticRegressionReference.Fit(x, y, true, 0);
        var result = await FitAsync(3, x, y, options, "replicated", bounds);
        for (int j = 0; j < clear.Coefficients.Length; j++)
            Assert.True(Math.Abs(result.Coefficients[j] - clear.Coefficients[j]) <= 1e-3, $"coefficient {j}: {result.Coefficients[j]:R} vs clear {clear.Coefficients[j]:R}");
    }

    [Theory]
    [InlineData(2, 0.0, "dealer")]
    [InlineData(3, 0.5, "replicated")]
    [InlineData(3, 0.0, "ot")]
    public async Task TheFirstIterationIsThePooledNewtonStepFromZeroWhateverTheSplit(int parties, double lambda, string engine)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            // Uneven parties of generated rows with features on different scales; one Newton "iteration" is the start alone.
            var random = new Random(seed);
            int n = 240 + 40 * seed, f = 3;
            var x = new double[n, f];
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                double eta = 0.3;
                for (int j = 0; j < f; j++)
                {
                    x[i, j] = Math.Round((random.NextDouble() * 4 - 2) * (j + 1) + j, 4);
                    eta += x[i, j] * (j % 2 == 0 ? 0.6 : -0.4) / (j + 1);
                }
                y[i] = random.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
            }
            int[] bounds = [.. Enumerable.Range(0, parties + 1).Select(p => p == parties ? n : p * n / (parties + 1))];
            var options = new LogisticRegressionOptions(true, lambda, 1, 1e-6, StandardErrors: false);
            // In the clear, over the pooled rows: (A'A / 4 + Lambda) beta = A'(y - 1/2).
            var hessian = new double[f + 1, f + 1];
            var right = new double[f + 1];
            for (int i = 0; i < n; i++)
            {
                double[] a = [1, .. Enumerable.Range(0, f).Select(j => x[i, j])];
                for (int k = 0; k <= f; k++)
                {
                    right[k] += a[k] * (y[i] - 0.5);
                    for (int l = 0; l <= f; l++) hessian[k, l] += 0.25 * a[k] * a[l];
                }
            }
            for (int j = 1; j <= f; j++) hessian[j, j] += lambda;
            var expected = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(hessian).Solve(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(right));
            var result = await FitAsync(parties, x, y, options, engine, bounds);
            for (int j = 0; j <= f; j++)
                Assert.True(Math.Abs(result.Coefficients[j] - expected[j]) <= 1e-6 * Math.Max(1, Math.Abs(expected[j])), $"seed {seed}, coefficient {j}: {result.Coefficients[j]:R} vs clear {expected[j]:R}");
        }
    }

    [Theory]
    [InlineData("outcome", 1)]
    [InlineData("first feature", 1)]
    [InlineData("outcome", 2)]
    [InlineData("outcome", 3)]
    public async Task TheOpenedCoefficientsDependOnlyOnThePooledRowsNotOnHowTheHonestPartiesSplitThem(string sortedBy, int iterations)
    {
        // Attack (analyst with party 2): iterations = 1 opens the start. Parties 0 and 1 hold the same pooled rows in both runs,
        // interleaved or sorted by a column; party 2's rows are the same. Sorted by outcome, each honest party's own rows separate,
        // (a start from each party's own fit fell back to zero there): the opened coefficients must not tell the two runs apart.
        var (x, y) = Simulated();
        int n = y.Length, honest = 2 * n / 3;
        int[] bounds = [0, honest / 2, honest, n];
        var options = new LogisticRegressionOptions(true, 0, iterations, 1e-6, StandardErrors: false);
        var interleaved = Enumerable.Range(0, honest).OrderBy(i => i % 2).ThenBy(i => i).Concat(Enumerable.Range(honest, n - honest)).ToArray();
        var sorted = Enumerable.Range(0, honest).OrderBy(i => sortedBy == "outcome" ? -y[i] : x[i, 0]).ThenBy(i => i).Concat(Enumerable.Range(honest, n - honest)).ToArray();
        var first = await FitAsync(3, Permute(x, interleaved), interleaved.Select(i => y[i]).ToArray(), options, "dealer", bounds);
        var second = await FitAsync(3, Permute(x, sorted), sorted.Select(i => y[i]).ToArray(), options, "dealer", bounds);
        for (int j = 0; j < first.Coefficients.Length; j++)
            Assert.True(Math.Abs(first.Coefficients[j] - second.Coefficients[j]) <= 1e-3, $"coefficient {j}: {first.Coefficients[j]:R} (interleaved) vs {second.Coefficients[j]:R} (sorted by {sortedBy}); converged {first.Converged} vs {second.Converged}");
    }

    private static double[,] Permute(double[,] x, int[] order)
    {
        var permuted = new double[order.Length, x.GetLength(1)];
        for (int i = 0; i < order.Length; i++)
            for (int j = 0; j < x.GetLength(1); j++) permuted[i, j] = x[order[i], j];
        return permuted;
    }

    private static (double[,] X, double[] Y) Simulated()
    {
        var table = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "ReferenceValues", "simulated_logistic.csv"));
        var x = new double[table.RowCount, 10];
        for (int j = 0; j < 10; j++)
        {
            var column = table.Column($"x{j + 1}");
            for (int i = 0; i < table.RowCount; i++) x[i, j] = column[i];
        }
        return (x, table.Column("y"));
    }

    private static double[] Rows(double[,] x, int start, int end)
    {
        int f = x.GetLength(1);
        var rows = new double[(end - start) * f];
        for (int i = start; i < end; i++)
            for (int j = 0; j < f; j++) rows[(i - start) * f + j] = x[i, j];
        return rows;
    }

    [Fact]
    public async Task OnlyAFeatureWithOneValueOverAllPartiesIsReportedConstant()
    {
        // Per party, rows of four features: constant everywhere (7); constant at each party but not the same (1 vs 2);
        // varying only at the third party; constant except one row of the second party, by one unit 2^-40.
        double unit = Math.Pow(2, -40);
        double[][] parties =
        [
            [7, 1, 5, 3, 7, 1, 5, 3],
            [7, 2, 5, 3, 7, 2, 5, 3 + unit],
            [7, 2, 5, 3, 7, 2, 6, 3],
        ];
        var results = await LocalHarness.RunAsync<UInt128, FeatureChecks>(3, rt =>
            SecureLogisticRegression.CheckFeaturesAsync(rt, parties[rt.PartyIndex], 2, 4, "constant_features"),
            new LocalHarnessOptions { Format = FixedPointFormat.Ring128, Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        Assert.All(results, r => Assert.Equal([true, false, false, false], r.Constant));
        // A party without rows changes nothing, with 2 and with 5 parties.
        var withEmpty = await LocalHarness.RunAsync<UInt128, FeatureChecks>(2, rt =>
            SecureLogisticRegression.CheckFeaturesAsync(rt, rt.PartyIndex == 0 ? [4.5, -1, 4.5, 0] : [], rt.PartyIndex == 0 ? 2 : 0, 2, "constant_features"),
            new LocalHarnessOptions { Format = FixedPointFormat.Ring128, Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        Assert.All(withEmpty, r => Assert.Equal([true, false], r.Constant));
        var five = await LocalHarness.RunAsync<UInt128, FeatureChecks>(5, rt =>
            SecureLogisticRegression.CheckFeaturesAsync(rt, [-3, rt.PartyIndex == 4 ? 1 : 0], 1, 2, "constant_features"),
            new LocalHarnessOptions { Format = FixedPointFormat.Ring128, Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        Assert.All(five, r => Assert.Equal([true, false], r.Constant));
        Assert.All(results.Concat(withEmpty).Concat(five), r => Assert.DoesNotContain(true, r.TooLarge));
    }

    [Fact]
    public async Task AFeatureIsReportedTooLargeExactlyFromTheBoundOnEitherSide()
    {
        // Four features over two parties: 2^-30 below the bound on both sides (2^-40 below rounds to the bound as a double), the
        // bound itself at the second party, minus the bound, and a small feature.
        double bound = SecureLogisticRegression.MaximumFeatureMagnitude(FixedPointFormat.Ring128), below = bound - Math.Pow(2, -30);
        double[][] parties =
        [
            [below, 1, 0, 2],
            [-below, bound, -bound, 3],
        ];
        Assert.Equal(65536, bound);
        var results = await LocalHarness.RunAsync<UInt128, FeatureChecks>(2, rt =>
            SecureLogisticRegression.CheckFeaturesAsync(rt, parties[rt.PartyIndex], 1, 4, "constant_features"),
            new LocalHarnessOptions { Format = FixedPointFormat.Ring128, Preprocessing = Mpc.Runtime.PreprocessingMode.Dealer });
        Assert.All(results, r => Assert.True(r.TooLarge.SequenceEqual([false, true, true, false]), string.Join(",", r.TooLarge) + " / " + string.Join(",", r.Constant)));
        Assert.All(results, r => Assert.DoesNotContain(true, r.Constant));
    }

    [Fact]
    public async Task TheTypicalDpFitOnBreastCancerAtEpsilonOneIsWithinThreeHundredthsOfTheNonPrivateTestAccuracy()
    {
        var table = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "breast_cancer_wisconsin.csv"));
        var features = table.ColumnNames.Where(c => c != "malignant").ToArray();
        var (x, y) = Load("breast_cancer_wisconsin", "malignant", features);
        // A fixed split: every fifth row is held out.
        var train = Enumerable.Range(0, y.Length).Where(i => i % 5 != 4).ToArray();
        var test = Enumerable.Range(0, y.Length).Where(i => i % 5 == 4).ToArray();
        var trainX = new double[train.Length, features.Length];
        for (int r = 0; r < train.Length; r++)
            for (int j = 0; j < features.Length; j++) trainX[r, j] = x[train[r], j];
        var trainY = train.Select(i => y[i]).ToArray();
        // Public bounds stand in for a data dictionary's ranges: mean +- 2 sd of each feature.
        var lower = new double[features.Length];
        var upper = new double[features.Length];
        for (int j = 0; j < features.Length; j++)
        {
            var column = train.Select(i => x[i, j]).ToArray();
            double mean = column.Average(), sd = Math.Sqrt(column.Average(v => (v - mean) * (v - mean)));
            (lower[j], upper[j]) = (mean - 2 * sd, mean + 2 * sd);
        }
        const double lambda = 0.1;
        var clear = LogisticRegressionReference.Fit(trainX, trainY, true, lambda);
        // The DP model was trained on features clipped to the public bounds, so it predicts on them clipped the same way.
        double Accuracy(double[] b, bool clip) => test.Count(i => (b[0] + Enumerable.Range(0, features.Length).Sum(j => b[j + 1] * (clip ? Math.Clamp(x[i, j], lower[j], upper[j]) : x[i, j])) > 0 ? 1 : 0) == y[i]) / (double)test.Length;
        double clearAccuracy = Accuracy(clear.Coefficients, clip: false);
        // The script's defaults (3 steps, learning rate 20, clipping norm 1) and its dp.honest_parties default of 1.
        var options = new PrivateLogisticRegressionOptions(true, lambda, lower, upper, Steps: 3, LearningRate: 20, ClipNorm: 1, Epsilon: 1, Delta: 1e-5, HonestParties: 1);
        // The noise is fresh every run (the parties' CSPRNGs), so the claim is about the typical fit: the median of seven.
        // Measured: 95 of 100 and 188 of 200 fits (two runs) are within 0.03 of the non-private accuracy, so the median of
        // seven misses about one time in 2,500 (at 6% per fit).
        var accuracies = new List<double>();
        for (int run = 0; run < 7; run++)
        {
            var fit = await FitPrivateAsync(2, trainX, trainY, options);
            Assert.InRange(fit.Epsilon, 0.9, 1.0);
            accuracies.Add(Accuracy(fit.Coefficients, clip: true));
        }
        double median = accuracies.Order().ElementAt(3);
        Assert.True(median >= clearAccuracy - 0.03, $"median DP test accuracy {median:F4} (runs {string.Join(", ", accuracies.Select(a => a.ToString("F4")))}) vs non-private {clearAccuracy:F4}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithoutNoiseAndClippingTheDpIterationReachesTheClearOptimum(bool standardise)
    {
        // The same iteration with a huge epsilon and a clipping norm no record reaches: it must converge to the clear penalised optimum,
        // with lambda on the original scale or on the features scaled by half their range (hp 145, wt 2).
        var (x, y) = Load("mtcars", "am", ["hp", "wt"]);
        var options = new PrivateLogisticRegressionOptions(true, 1, [50, 1.5], [340, 5.5], Steps: 2000, LearningRate: 4, ClipNorm: 100, Epsilon: 1e8, Delta: 1e-5, HonestParties: 2, Standardise: standardise);
        var fit = await FitPrivateAsync(2, x, y, options);
        var clear = standardise ? LogisticRegressionReference.Fit(x, y, true, [145.0 * 145, 2.0 * 2]) : LogisticRegressionReference.Fit(x, y, true, 1);
        for (int j = 0; j < 3; j++) Assert.True(Math.Abs(fit.Coefficients[j] - clear.Coefficients[j]) <= 0.05 * Math.Abs(clear.Coefficients[j]) + 1e-3, $"coefficient {j}: {fit.Coefficients[j]:R} vs clear {clear.Coefficients[j]:R}");
    }

    private static (double[,] X, double[] Y) Load(string name, string outcome, string[] features)
    {
        var table = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", name + ".csv"));
        var x = new double[table.RowCount, features.Length];
        for (int j = 0; j < features.Length; j++)
        {
            var column = table.Column(features[j]);
            for (int i = 0; i < table.RowCount; i++) x[i, j] = column[i];
        }
        return (x, table.Column(outcome));
    }

    [Theory]
    [InlineData("dealer", 1.0)]
    [InlineData("dealer", 1e4)]
    [InlineData("replicated", 1.5e4)]
    [InlineData("dealer", 1e6)]
    [InlineData("dealer", 3e9)]
    [InlineData("replicated", 3e9)]
    public async Task AFeatureOfLargeMagnitudeFitsAsInTheClearOrIsRefusedOnEveryEngine(string engine, double magnitude, double offset = 0)
    {
        // Attack (attack5 on lrwan): raw values of order 1e9 (seconds since 1970, amounts in cents) overflowed the standardisation
        // (the pooled variance beyond SquareRoot's range) and the fit was silently wrong; such a feature is now refused by the
        // opened data check (as is one of spread 1e6, which was ignored at random), and one below the bound fits as in the clear.
        const int Seed = 31, Rows = 3000;
        var random = new Random(Seed);
        var x = new double[Rows, 2];
        var y = new double[Rows];
        for (int i = 0; i < Rows; i++)
        {
            double u = Gaussian(random), v = Gaussian(random);
            x[i, 0] = offset + magnitude * u;
            x[i, 1] = v;
            y[i] = random.NextDouble() < 1 / (1 + Math.Exp(-(-0.3 + 0.8 * u + 0.5 * v))) ? 1 : 0;
        }
        double largest = Enumerable.Range(0, Rows).Max(i => Math.Abs(x[i, 0]));
        bool beyond = largest >= SecureLogisticRegression.MaximumFeatureMagnitude(FixedPointFormat.Ring128);
        var checks = await CheckFeaturesAsync(3, x, engine);
        Assert.Equal([false, false], checks.Constant);
        Assert.Equal([beyond, false], checks.TooLarge);
        Assert.Equal(offset + magnitude > 1e5, beyond);
        if (beyond) return;
        // The clear fit on the feature in units of its spread (the same maximum, well conditioned), back on the raw scale.
        var unit = (double[,])x.Clone();
        for (int i = 0; i < Rows; i++) unit[i, 0] = (unit[i, 0] - offset) / magnitude;
        var (clear, _, _) = LogisticRegressionReference.Fit(unit, y, true, 0);
        clear[1] /= magnitude;
        var result = await FitAsync(3, x, y, new LogisticRegressionOptions(true, 0, 8, 1e-6, StandardErrors: false), engine);
        // The intercept compared at the offset (where the clear fit has it), the slopes per SD of their feature.
        result.Coefficients[0] += result.Coefficients[1] * offset;
        double[] spread = [1, magnitude, 1];
        for (int j = 0; j < 3; j++)
            Assert.True(Math.Abs(result.Coefficients[j] - clear[j]) * spread[j] <= 2e-2,
                $"seed {Seed}, {engine}, magnitude {magnitude}, offset {offset}: coefficient {j} is {result.Coefficients[j]:R}, in the clear {clear[j]:R} (per SD of its feature)");
    }

    private static async Task<FeatureChecks> CheckFeaturesAsync(int parties, double[,] x, string preprocessing)
    {
        int n = x.GetLength(0), f = x.GetLength(1);
        var results = await LocalHarness.RunAsync<UInt128, FeatureChecks>(parties, rt =>
        {
            int start = rt.PartyIndex * n / parties, end = (rt.PartyIndex + 1) * n / parties;
            return SecureLogisticRegression.CheckFeaturesAsync(rt, Rows(x, start, end), end - start, f, "constant_features");
        }, new LocalHarnessOptions { Format = FixedPointFormat.Ring128, Preprocessing = Mpc.Runtime.PreprocessingEngines.Parse(preprocessing) });
        return results[0];
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // bounds: party p holds rows [bounds[p], bounds[p + 1]); by default equal parts.
    private static async Task<(double[] Coefficients, double[]? StandardErrors, double Converged, long Rounds, double? Deviance, double[]? Counts)> FitAsync(int parties, double[,] x, double[] y, LogisticRegressionOptions options, string preprocessing = "ot", int[]? bounds = null)
    {
        int n = y.Length, f = x.GetLength(1);
        var results = await LocalHarness.RunAsync<UInt128, (double[], double[]?, double, long, double?, double[]?)>(parties, async rt =>
        {
            int start = bounds?[rt.PartyIndex] ?? rt.PartyIndex * n / parties, end = bounds?[rt.PartyIndex + 1] ?? (rt.PartyIndex + 1) * n / parties;
            var features = Rows(x, start, end);
            var fit = await SecureLogisticRegression.FitAsync(rt, features, y[start..end], f, options);
            long rounds = rt.Statistics.Rounds;
            var coefficients = await Opening.RevealRealAsync(rt, fit.Coefficients, "coefficients");
            var errors = fit.StandardErrors is null ? null : await Opening.RevealRealAsync(rt, fit.StandardErrors, "standard_errors");
            var converged = await Opening.RevealRealAsync(rt, fit.Converged, "converged");
            double? deviance = fit.Deviance is null ? null : (await Opening.RevealRealAsync(rt, fit.Deviance, "deviance"))[0];
            var counts = fit.Counts is null ? null : await Opening.RevealRealAsync(rt, fit.Counts, "counts");
            return (coefficients, errors, converged[0], rounds, deviance, counts);
        }, new LocalHarnessOptions { Format = FixedPointFormat.Ring128, Preprocessing = Mpc.Runtime.PreprocessingEngines.Parse(preprocessing) });
        return results[0];
    }

    private static async Task<PrivateLogisticRegressionResult> FitPrivateAsync(int parties, double[,] x, double[] y, PrivateLogisticRegressionOptions options)
    {
        int n = y.Length, f = x.GetLength(1);
        var results = await LocalHarness.RunAsync<UInt128, PrivateLogisticRegressionResult>(parties, rt =>
        {
            int start = rt.PartyIndex * n / parties, end = (rt.PartyIndex + 1) * n / parties;
            var features = new double[(end - start) * f];
            for (int i = start; i < end; i++)
                for (int j = 0; j < f; j++)
                    features[(i - start) * f + j] = x[i, j];
            return PrivateLogisticRegression.FitAsync(rt, features, y[start..end], f, options, "gradients", "rows");
        }, new LocalHarnessOptions { Format = FixedPointFormat.Ring128 });
        Assert.All(results, r => Assert.Equal(results[0].Coefficients, r.Coefficients));
        return results[0];
    }
}
