using Mpc.Core;

namespace Mpc.Privacy;

/// <summary>
/// Exact samplers for integer noise from a CSPRNG, using integer arithmetic only (no floating
/// point anywhere, following the advice of Mironov 2012 and Canonne, Kamath, Steinke 2020).
/// </summary>
/// <remarks>
/// Poisson(nu) for rational nu = a/b &lt;= 1/2: draw S by the chain of Canonne-Kamath-Steinke
/// (continue while Bernoulli(nu / (k+1)) succeeds), so P(S &gt;= k) = nu^k / k!; accept S = k with
/// probability (1 - nu)(k+1) / (k+1 - nu), which is rational. Then P(accept and S = k) is
/// (1 - nu) nu^k / k!, so the accepted S is exactly Poisson(nu); each attempt succeeds with
/// probability (1 - nu) e^nu &gt;= 0.82. Poisson(mu) for larger rational mu is the sum of ceil(2 mu)
/// Poisson(mu / ceil(2 mu)) draws, and Skellam(mu) is the difference of two Poisson(mu) draws.
/// Every Bernoulli(p/q) is one uniform integer below q (rejection sampling, unbiased) compared with p.
/// </remarks>
public sealed class ExactNoiseSampler(AesCtrRandom random)
{
    /// <summary>Denominator used to turn a real parameter into an exact rational one.</summary>
    public const ulong Denominator = 1UL << 20;

    /// <summary>Poisson(numerator / denominator).</summary>
    public long Poisson(ulong numerator, ulong denominator)
    {
        if (denominator == 0) throw new ArgumentOutOfRangeException(nameof(denominator));
        if (numerator == 0) return 0;
        ulong pieces = checked((2 * numerator + denominator - 1) / denominator);
        ulong pieceDenominator = checked(denominator * pieces);
        long total = 0;
        for (ulong i = 0; i < pieces; i++) total += PoissonAtMostHalf(numerator, pieceDenominator);
        return total;
    }

    /// <summary>Skellam(mu, mu) = Poisson(mu) - Poisson(mu), with mu = numerator / denominator: symmetric, variance 2 mu.</summary>
    public long Skellam(ulong numerator, ulong denominator) => Poisson(numerator, denominator) - Poisson(numerator, denominator);

    /// <summary>Skellam with a real parameter rounded up to a multiple of 2^-20 (rounding up only adds noise).</summary>
    public long Skellam(double mu)
    {
        if (!(mu >= 0) || mu > 1e12) throw new ArgumentOutOfRangeException(nameof(mu));
        ulong numerator = (ulong)Math.Ceiling(mu * Denominator);
        return Skellam(numerator, Denominator);
    }

    private long PoissonAtMostHalf(ulong a, ulong b)
    {
        while (true)
        {
            ulong k = 0;
            while (Bernoulli(a, checked(b * (k + 1)))) k++;
            // Accept with (1 - a/b)(k+1) / (k+1 - a/b) = (b - a)(k+1) / ((k+1) b - a).
            if (Bernoulli(checked((b - a) * (k + 1)), checked((k + 1) * b - a))) return (long)k;
        }
    }

    private bool Bernoulli(ulong numerator, ulong denominator) => random.NextBelow(denominator) < numerator;
}
