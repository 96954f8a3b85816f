using MathNet.Numerics;
using Mpc.Core;

namespace Mpc.Privacy.Tests;

public class ExactNoiseSamplerBoundsTests
{
    [Theory]
    [InlineData(17, 2, 61)]
    [InlineData(1003, 10, 62)]
    [InlineData(10_000UL * ExactNoiseSampler.Denominator + 123_457, ExactNoiseSampler.Denominator, 63)]
    public void TheFastBoundsAcceptAndRejectAsTheExactRationalTestWhereverTheyDecide(ulong numerator, ulong denominator, int seed)
    {
        // Proposals over +-6 envelope scales, and uniforms both anywhere and within 2^-20 of alpha (found in double precision,
        // only to aim at the boundary): every decision of the fixed-point bounds must be the exact test's on the same U.
        var bytes = new byte[AesCtrRandom.SeedLength];
        BitConverter.GetBytes(seed).CopyTo(bytes, 0);
        using var random = new AesCtrRandom(bytes);
        var sampler = new ExactNoiseSampler(random);
        var envelope = ExactNoiseSampler.PoissonEnvelope.For(numerator, denominator);
        double lambda = (double)numerator / denominator, c = (double)envelope.C.Numerator / (double)envelope.C.Denominator;
        int decided = 0, nearBoundary = 0;
        for (int i = 0; i < 4000; i++)
        {
            long x = (long)random.NextBelow(12 * envelope.T + 1) - 6 * (long)envelope.T, k = envelope.M + x;
            if (k < 0) continue;
            double alpha = Math.Exp(x * Math.Log(lambda) + SpecialFunctions.GammaLn(envelope.M + 1) - SpecialFunctions.GammaLn(k + 1) + Math.Abs(x) / (double)envelope.T - c);
            bool aim = i % 2 == 0 && alpha is > 1e-5 and < 0.999;
            ulong u = aim ? (ulong)(alpha * Math.Pow(2, 64)) + random.NextBelow(1UL << 45) - (1UL << 44) : random.NextUInt64();
            bool? fast = ExactNoiseSampler.FastAccept(envelope, x, k, u);
            if (fast is not { } decision) continue;
            bool exact = sampler.ExactAccept(envelope, x, k, u);
            Assert.True(decision == exact, $"seed {seed}: lambda {lambda}, x {x}, u {u}: the bounds say {decision}, the exact test {exact}");
            decided++;
            if (aim) nearBoundary++;
        }
        Assert.True(decided > 300 && nearBoundary > 50, $"seed {seed}: only {decided} decisions ({nearBoundary} near the boundary) were compared");
    }
}
