using Mpc.Core;

namespace Mpc.Privacy.Tests;

public class ExactNoiseSamplerTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(37, 10)]
    [InlineData(25, 1)]
    public void PoissonFrequenciesMatchThePmf(ulong numerator, ulong denominator)
    {
        // Fixed seed: the test is reproducible; a chi-square with few degrees of freedom catches a wrong distribution.
        var sampler = new ExactNoiseSampler(new AesCtrRandom(new byte[16]));
        double lambda = (double)numerator / denominator;
        int samples = 100_000;
        var counts = new Dictionary<long, int>();
        for (int i = 0; i < samples; i++)
        {
            long x = sampler.Poisson(numerator, denominator);
            counts[x] = counts.GetValueOrDefault(x) + 1;
        }
        double chiSquare = 0;
        int cells = 0;
        double tail = samples;
        for (int k = 0; ; k++)
        {
            double expected = samples * MathNet.Numerics.Distributions.Poisson.PMF(lambda, k);
            if (expected < 20) break;
            tail -= expected;
            double observed = counts.GetValueOrDefault(k);
            chiSquare += (observed - expected) * (observed - expected) / expected;
            cells++;
        }
        double tailObserved = counts.Where(c => c.Key >= cells).Sum(c => c.Value);
        chiSquare += (tailObserved - tail) * (tailObserved - tail) / Math.Max(tail, 1);
        // 99.99% quantile of chi-square with cells degrees of freedom is below 3 * cells + 20 for these sizes.
        Assert.True(chiSquare < 3 * cells + 20, $"chi-square {chiSquare:F1} on {cells} cells for Poisson({lambda})");
    }

    [Fact]
    public void SkellamIsCentredWithVarianceTwoMu()
    {
        var sampler = new ExactNoiseSampler(new AesCtrRandom(new byte[16]));
        int samples = 50_000;
        double mu = 12.5;
        var values = Enumerable.Range(0, samples).Select(_ => (double)sampler.Skellam(mu)).ToArray();
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (samples - 1);
        Assert.InRange(mean, -0.1, 0.1);
        Assert.InRange(variance, 2 * mu * 0.97, 2 * mu * 1.03);
    }

    [Theory]
    [InlineData(3.7)]
    [InlineData(40)]
    public void SkellamFrequenciesMatchThePmfOfTheDifferenceOfTwoPoissons(double mu)
    {
        // Fixed seed; the pmf is the exact convolution sum_j Pois(j + k) Pois(j), so the splitting of Poisson(2 mu) events is checked as a whole.
        var sampler = new ExactNoiseSampler(new AesCtrRandom(new byte[16]));
        int samples = 100_000;
        var counts = new Dictionary<long, int>();
        for (int i = 0; i < samples; i++)
        {
            long x = sampler.Skellam(mu);
            counts[x] = counts.GetValueOrDefault(x) + 1;
        }
        double exactMu = Math.Ceiling(mu * ExactNoiseSampler.Denominator) / ExactNoiseSampler.Denominator;
        double Pmf(long k) => Enumerable.Range(0, 400).Sum(j => MathNet.Numerics.Distributions.Poisson.PMF(exactMu, j + Math.Abs((int)k)) * MathNet.Numerics.Distributions.Poisson.PMF(exactMu, j));
        double chiSquare = 0, covered = 0;
        int cells = 0;
        foreach (long k in Enumerable.Range(-200, 401))
        {
            double expected = samples * Pmf(k);
            if (expected < 20) continue;
            double observed = counts.GetValueOrDefault(k);
            chiSquare += (observed - expected) * (observed - expected) / expected;
            covered += expected;
            cells++;
        }
        double rest = samples - covered, restObserved = samples - counts.Where(c => samples * Pmf(c.Key) >= 20).Sum(c => c.Value);
        chiSquare += (restObserved - rest) * (restObserved - rest) / Math.Max(rest, 1);
        Assert.True(chiSquare < 3 * cells + 20, $"chi-square {chiSquare:F1} on {cells} cells for Skellam({mu})");
    }
}
