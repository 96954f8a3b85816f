using System.Numerics;
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

    [Theory]
    [InlineData(71)]
    [InlineData(72)]
    public void TheSqueezesAcceptOnlyBelowAndRejectOnlyAboveExpOfLAtEveryHalving(int seed)
    {
        // Exact L = l / 2^64 at and around the edge of every range of halvings (L >= -2^j / 4, j = 0..9, and beyond), at random
        // inside each, and up to the positive limit 1.5: the largest u a squeeze accepts and the smallest it rejects (both monotone
        // in u, found by bisection) against the 96-bit directed bounds on exp(L): an accepted U in [u, u+1) / 2^64 must lie below
        // exp(L), a rejected one above.
        var random = new Random(seed);
        Int128 limit = (Int128)6 << 62, quarter = Int128.One << 62;
        var values = new List<Int128> { 0, 1, -1, limit, limit - 1, limit / 2 };
        for (int j = 0; j <= 10; j++)
        {
            Int128 edge = -(quarter << j);
            foreach (Int128 delta in new Int128[] { -1, 0, 1, -(Int128.One << 40), Int128.One << 40 }) values.Add(edge + delta);
            for (int i = 0; i < 40; i++) values.Add(-(Int128)(random.NextDouble() * Math.Pow(2, j + 62)));
        }
        foreach (var l in values)
        {
            double exponent = (double)l / Math.Pow(2, 64);
            BigInteger lower = ExactNoiseSampler.ExpBound((BigInteger)l << 32, upper: false), upper = ExactNoiseSampler.ExpBound((BigInteger)l << 32, upper: true);
            ulong? accepted = Bisect(u => ExactNoiseSampler.SqueezeAccepts(l, u), largest: true);
            ulong? rejected = Bisect(u => ExactNoiseSampler.SqueezeRejects(l, u), largest: false);
            if (accepted is { } a) Assert.True(((BigInteger)a + 1) << 32 <= lower, $"seed {seed}: L = {exponent}: accepts u = {a}, above exp(L)");
            if (rejected is { } r) Assert.True((BigInteger)r << 32 >= upper, $"seed {seed}: L = {exponent}: rejects u = {r}, below exp(L)");
            // Where the squeezes reach, they decide, and within a small factor of exp(L): rejects down to L = -128, accepts while
            // exp(L) 2^64 is well above a unit.
            if (exponent is > -127.999 and <= -1e-6) Assert.True(rejected is { } rr && (BigInteger)rr << 32 <= upper + (upper >> 3) + ((BigInteger)16 << 32), $"seed {seed}: L = {exponent}: rejects only from {rejected}");
            if (exponent is > -40 and <= 0) Assert.True(accepted is { } aa && ((BigInteger)aa + 1) << 32 >= lower - (lower >> 3), $"seed {seed}: L = {exponent}: accepts only up to {accepted}");
            if (exponent < -128.001) Assert.True(accepted is null && rejected is null, $"seed {seed}: L = {exponent}: decided beyond the squeezes' range");
        }
    }

    // The largest u with decide(u) (decide true for small u) or the smallest (decide true for large u); null if none.
    private static ulong? Bisect(Func<ulong, bool> decide, bool largest)
    {
        if (largest ? !decide(0) : !decide(ulong.MaxValue)) return null;
        ulong low = 0, high = ulong.MaxValue;
        while (low < high)
        {
            ulong middle = low + (high - low) / 2 + (largest ? 1UL : 0UL);
            bool decided = decide(middle);
            if (largest) (low, high) = decided ? (middle, high) : (low, middle - 1);
            else (low, high) = decided ? (low, middle) : (middle + 1, high);
        }
        return low;
    }
}
