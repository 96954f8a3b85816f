using MathNet.Numerics.Distributions;
using Mpc.Core;

namespace Mpc.Privacy.Tests;

public class ExactNoiseSamplerTests
{
    private static ExactNoiseSampler Seeded(int seed)
    {
        var bytes = new byte[AesCtrRandom.SeedLength];
        BitConverter.GetBytes(seed).CopyTo(bytes, 0);
        return new ExactNoiseSampler(new AesCtrRandom(bytes));
    }

    // Chi-square of the counts against the pmf over the cells expecting at least 20, plus one cell for each tail; the
    // statistic and the 1 - 10^-4 quantile of its chi-square law.
    private static (double ChiSquare, double Quantile, int Cells) ChiSquare(Dictionary<long, int> counts, int samples, Func<long, double> pmf, long from, long to)
    {
        double chiSquare = 0, covered = 0, coveredObserved = 0;
        int cells = 0;
        for (long k = from; k <= to; k++)
        {
            double expected = samples * pmf(k);
            if (expected < 20) continue;
            double observed = counts.GetValueOrDefault(k);
            chiSquare += (observed - expected) * (observed - expected) / expected;
            covered += expected;
            coveredObserved += observed;
            cells++;
        }
        double rest = samples - covered, restObserved = samples - coveredObserved;
        chiSquare += (restObserved - rest) * (restObserved - rest) / Math.Max(rest, 1);
        return (chiSquare, ChiSquared.InvCDF(cells, 1 - 1e-4), cells);
    }

    [Theory]
    [InlineData(3, 1, 11)]
    [InlineData(17, 2, 12)]
    [InlineData(1003, 10, 13)]
    [InlineData(10_000UL * ExactNoiseSampler.Denominator + 123_457, ExactNoiseSampler.Denominator, 14)]
    public void PoissonFrequenciesMatchTheExactPmf(ulong numerator, ulong denominator, int seed)
    {
        // lambda 3 (chains), 8.5 (the envelope, often its exact tail test), 100.3 and 10^4 + 0.12 (rational, the fast bounds).
        var sampler = Seeded(seed);
        double lambda = (double)numerator / denominator;
        int samples = 200_000;
        var counts = new Dictionary<long, int>();
        for (int i = 0; i < samples; i++)
        {
            long x = sampler.Poisson(numerator, denominator);
            counts[x] = counts.GetValueOrDefault(x) + 1;
        }
        long spread = (long)(12 * Math.Sqrt(lambda)) + 20;
        var (chiSquare, quantile, cells) = ChiSquare(counts, samples, k => k < 0 ? 0 : Poisson.PMF(lambda, (int)k), (long)lambda - spread, (long)lambda + spread);
        Assert.True(chiSquare < quantile, $"seed {seed}: chi-square {chiSquare:F1} on {cells} cells (0.9999 quantile {quantile:F1}) for Poisson({lambda})");
    }

    [Theory]
    [InlineData(3.7, 21)]
    [InlineData(40, 22)]
    [InlineData(2500, 23)]
    public void SkellamFrequenciesMatchThePmfOfTheDifferenceOfTwoPoissons(double mu, int seed)
    {
        // The pmf is the exact convolution sum_j Pois(j + |k|) Pois(j) at the parameter rounded up to 2^-20, as the sampler takes it.
        var sampler = Seeded(seed);
        int samples = 100_000;
        var counts = new Dictionary<long, int>();
        for (int i = 0; i < samples; i++)
        {
            long x = sampler.Skellam(mu);
            counts[x] = counts.GetValueOrDefault(x) + 1;
        }
        double exactMu = Math.Ceiling(mu * ExactNoiseSampler.Denominator) / ExactNoiseSampler.Denominator;
        int terms = (int)(exactMu + 20 * Math.Sqrt(exactMu) + 40);
        double Pmf(long k) => Enumerable.Range(0, terms).Sum(j => Poisson.PMF(exactMu, j + (int)Math.Abs(k)) * Poisson.PMF(exactMu, j));
        long spread = (long)(10 * Math.Sqrt(2 * exactMu)) + 20;
        var (chiSquare, quantile, cells) = ChiSquare(counts, samples, Pmf, -spread, spread);
        Assert.True(chiSquare < quantile, $"seed {seed}: chi-square {chiSquare:F1} on {cells} cells (0.9999 quantile {quantile:F1}) for Skellam({mu})");
    }

    [Fact]
    public void AtAMillionTheMeanAndVarianceAreLambdaAndTheSkellamIsCentredWithVarianceTwoMu()
    {
        const int seed = 31;
        var sampler = Seeded(seed);
        int samples = 100_000;
        double lambda = 1e6 + 0.25;
        var poisson = Enumerable.Range(0, samples).Select(_ => (double)sampler.Poisson((ulong)(lambda * 4), 4)).ToArray();
        var skellam = Enumerable.Range(0, samples).Select(_ => (double)sampler.Skellam(1e6)).ToArray();
        // Standard errors: mean sqrt(lambda / n) = 3.2; variance about lambda sqrt(2 / n) = 0.45% of it. Bounds at 5 of them.
        var (mean, variance) = MeanAndVariance(poisson);
        Assert.True(Math.Abs(mean - lambda) < 5 * Math.Sqrt(lambda / samples), $"seed {seed}: Poisson mean {mean:F2} for lambda {lambda}");
        Assert.True(Math.Abs(variance / lambda - 1) < 5 * Math.Sqrt(2.0 / samples), $"seed {seed}: Poisson variance {variance:F0} for lambda {lambda}");
        (mean, variance) = MeanAndVariance(skellam);
        Assert.True(Math.Abs(mean) < 5 * Math.Sqrt(2e6 / samples), $"seed {seed}: Skellam mean {mean:F2} for mu 10^6");
        Assert.True(Math.Abs(variance / 2e6 - 1) < 5 * Math.Sqrt(2.0 / samples), $"seed {seed}: Skellam variance {variance:F0} for mu 10^6");
    }

    [Theory]
    [InlineData(100, 41)]
    [InlineData(1_000_000, 42)]
    public void TheTailsBeyondThreeAndFiveStandardDeviationsHaveThePoissonProbabilities(ulong lambda, int seed)
    {
        var sampler = Seeded(seed);
        int samples = 200_000;
        double sd = Math.Sqrt(lambda);
        var draws = Enumerable.Range(0, samples).Select(_ => sampler.Poisson(lambda, 1)).ToArray();
        foreach (double width in new[] { 3.0, 5.0 })
        {
            long below = (long)Math.Ceiling(lambda - width * sd), above = (long)Math.Floor(lambda + width * sd);
            double probability = Poisson.CDF(lambda, below - 1) + 1 - Poisson.CDF(lambda, above);
            double expected = samples * probability;
            int observed = draws.Count(x => x < below || x > above);
            // Binomial count: within five standard deviations of its mean (plus 3 for the near-empty five-sigma tail).
            Assert.True(Math.Abs(observed - expected) < 5 * Math.Sqrt(expected) + 3,
                $"seed {seed}: {observed} of {samples} draws beyond {width} sd of Poisson({lambda}), {expected:F1} expected");
        }
    }

    private static (double Mean, double Variance) MeanAndVariance(double[] values)
    {
        double mean = values.Average();
        return (mean, values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
