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
        // Proposals over +-12 envelope scales (alpha down to about e^-60, where the squeezes square six times), and uniforms both
        // anywhere and within a relative 2^-20 of alpha (found in double precision, only to aim at the boundary): every decision of
        // the fixed-point bounds must be the exact test's on the same U.
        var bytes = new byte[AesCtrRandom.SeedLength];
        BitConverter.GetBytes(seed).CopyTo(bytes, 0);
        using var random = new AesCtrRandom(bytes);
        var sampler = new ExactNoiseSampler(random);
        var envelope = ExactNoiseSampler.PoissonEnvelope.For(numerator, denominator);
        double lambda = (double)numerator / denominator, c = (double)envelope.C.Numerator / (double)envelope.C.Denominator;
        int decided = 0, nearBoundary = 0, farTail = 0;
        for (int i = 0; i < 8000; i++)
        {
            long x = (long)random.NextBelow(24 * envelope.T + 1) - 12 * (long)envelope.T, k = envelope.M + x;
            if (k < 0) continue;
            double alpha = Math.Exp(x * Math.Log(lambda) + SpecialFunctions.GammaLn(envelope.M + 1) - SpecialFunctions.GammaLn(k + 1) + Math.Abs(x) / (double)envelope.T - c);
            bool aim = i % 2 == 0 && alpha is > 1e-18 and < 0.999;
            ulong u = aim ? (ulong)(alpha * Math.Pow(2, 64) * (1 + Math.ScaleB((double)random.NextBelow(1UL << 21) - (1UL << 20), -40))) : random.NextUInt64();
            bool? fast = ExactNoiseSampler.FastAccept(envelope, x, k, u);
            if (fast is not { } decision) continue;
            bool exact = sampler.ExactAccept(envelope, x, k, u);
            Assert.True(decision == exact, $"seed {seed}: lambda {lambda}, x {x}, u {u}: the bounds say {decision}, the exact test {exact}");
            decided++;
            if (aim) nearBoundary++;
            if (aim && alpha < Math.Exp(-6)) farTail++;
        }
        // At small lambda the fast bounds leave the far tails (4|x| > k + m) to the exact test.
        Assert.True(decided > 600 && nearBoundary > 100 && (lambda < 100 || farTail > 20), $"seed {seed}: only {decided} decisions ({nearBoundary} near the boundary, {farTail} aimed below alpha = e^-6) were compared");
    }
}
