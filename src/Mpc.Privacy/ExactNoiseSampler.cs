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
/// For large mu the pieces are floor(2 mu) of exactly nu = 1/2 plus one remainder below 1/2, and the
/// nu = 1/2 runs of the same chain are counted by population: how many continue past each step is
/// a popcount of fair random words (Bernoulli(1/2), Bernoulli(1/4), and Bernoulli(2/3) by rejection
/// from two bits), so mu of 10^5 to 10^6, as DP gradients need, costs a few random words per 64 units.
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
        // Poisson(a/b) = sum of floor(2a/b) Poisson(1/2) + Poisson(remainder < 1/2).
        ulong halves = checked(2 * numerator) / denominator;
        ulong remainder = checked(2 * numerator) - halves * denominator;
        long total = SumOfPoissonHalves(halves);
        if (remainder > 0) total += PoissonAtMostHalf(remainder, checked(2 * denominator));
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

    // The sum of `count` independent runs of the PoissonAtMostHalf chain for nu = 1/2, counted by population:
    // every run continues past k = 0 with Bernoulli(1/2) and past k = 1 with Bernoulli(1/4) (otherwise it
    // stops there: accepted with 2/3, else restarted as a fresh run); the few runs past k = 1 go one by one.
    private long SumOfPoissonHalves(ulong count)
    {
        long total = 0;
        ulong fresh = count;
        while (fresh > 0)
        {
            ulong continuing = CountSuccesses(fresh, 1);
            ulong deep = CountSuccesses(continuing, 2);
            var (accepted, restarted) = CountTwoThirds(continuing - deep);
            total += (long)accepted;
            for (ulong i = 0; i < deep; i++)
            {
                ulong k = 2;
                while (Bernoulli(1, checked(2 * (k + 1)))) k++;
                if (Bernoulli(k + 1, 2 * k + 1)) total += (long)k;
                else restarted++;
            }
            fresh = restarted;
        }
        return total;
    }

    // Successes among n trials that each succeed with probability 2^-bits (all of `bits` fair bits zero), 64 trials per word.
    private ulong CountSuccesses(ulong n, int bits)
    {
        ulong successes = 0;
        while (n > 0)
        {
            int take = (int)Math.Min(n, 64);
            ulong word = ~0UL;
            for (int b = 0; b < bits; b++) word &= ~NextWord();
            if (take < 64) word &= (1UL << take) - 1;
            successes += (ulong)System.Numerics.BitOperations.PopCount(word);
            n -= (ulong)take;
        }
        return successes;
    }

    // n Bernoulli(2/3) trials, each a uniform value of two fair bits, 3 rejected and redrawn, below 2 a success: (successes, failures).
    private (ulong Successes, ulong Failures) CountTwoThirds(ulong n)
    {
        ulong successes = 0, failures = 0;
        while (n > 0)
        {
            ulong redraw = 0;
            while (n > 0)
            {
                int take = (int)Math.Min(n, 64);
                ulong mask = take < 64 ? (1UL << take) - 1 : ~0UL;
                ulong high = NextWord() & mask, low = NextWord() & mask;
                successes += (ulong)System.Numerics.BitOperations.PopCount(~high & mask);
                failures += (ulong)System.Numerics.BitOperations.PopCount(high & ~low);
                redraw += (ulong)System.Numerics.BitOperations.PopCount(high & low);
                n -= (ulong)take;
            }
            n = redraw;
        }
        return (successes, failures);
    }

    private readonly ulong[] _words = new ulong[256];
    private int _word = 256;

    private ulong NextWord()
    {
        if (_word == _words.Length)
        {
            random.Fill<ulong>(_words);
            _word = 0;
        }
        return _words[_word++];
    }

    private bool Bernoulli(ulong numerator, ulong denominator) => random.NextBelow(denominator) < numerator;
}
