using Mpc.Core;

namespace Mpc.Bench;

/// <summary>
/// The previous exact Poisson/Skellam sampler of <c>Mpc.Privacy.ExactNoiseSampler</c>, kept only as the bench's
/// baseline: exact, but its cost is linear in the parameter (a few random words per 64 units of mu).
/// </summary>
/// <remarks>
/// Poisson(nu) for rational nu = a/b &lt;= 1/2: draw S by the chain of Canonne-Kamath-Steinke
/// (continue while Bernoulli(nu / (k+1)) succeeds), so P(S &gt;= k) = nu^k / k!; accept S = k with
/// probability (1 - nu)(k+1) / (k+1 - nu), which is rational. Then P(accept and S = k) is
/// (1 - nu) nu^k / k!, so the accepted S is exactly Poisson(nu); each attempt succeeds with
/// probability (1 - nu) e^nu &gt;= 0.82. Poisson(mu) for larger rational mu is the sum of ceil(2 mu)
/// Poisson(mu / ceil(2 mu)) draws, and Skellam(mu) is Poisson(2 mu) events with fair signs.
/// Every Bernoulli(p/q) is one uniform integer below q (rejection sampling, unbiased) compared with p.
/// For large mu the pieces are floor(2 mu) of exactly nu = 1/2 plus one remainder below 1/2, and the
/// nu = 1/2 runs of the same chain are counted by population for the first steps: each rational
/// Bernoulli(p/q) of a step is a uniform value of ceil(log2 q) fair bits (redrawn at q or above)
/// compared with p, 64 trials per word, bit-sliced and counted by popcount; so mu of 10^5 to 10^6,
/// as DP gradients need, costs a few random words per 64 units.
/// </remarks>
public sealed class LinearCostNoiseSampler(AesCtrRandom random)
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

    /// <summary>
    /// Skellam(mu, mu), the difference of two independent Poisson(mu), with mu = numerator / denominator: symmetric,
    /// variance 2 mu. Drawn as N ~ Poisson(2 mu) events each given a fair sign: by Poisson splitting the plus and
    /// minus counts are independent Poisson(mu), so 2 plus - N is exactly Skellam(mu) (one chain instead of two).
    /// </summary>
    public long Skellam(ulong numerator, ulong denominator)
    {
        long events = Poisson(checked(2 * numerator), denominator);
        return 2 * FairCoinSuccesses(events) - events;
    }

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
    // at step k a run continues with Bernoulli(1 / (2(k+1))), otherwise it stops at k and is accepted with
    // (k+1) / (2k+1) or restarted as a fresh run. Steps k = 0 .. PopulationSteps go by population; the rare runs
    // past them (probability 2^-7 / 7! each) one by one.
    private const ulong PopulationSteps = 6;

    private long SumOfPoissonHalves(ulong count)
    {
        long total = 0;
        ulong fresh = count;
        while (fresh > 0)
        {
            ulong restarted = 0, running = fresh;
            for (ulong k = 0; k <= PopulationSteps && running > 0; k++)
            {
                var (continuing, stopped) = CountUniformBelow(running, 2 * (k + 1), 1);
                var (accepted, rejected) = CountUniformBelow(stopped, 2 * k + 1, k + 1);
                total += (long)(accepted * k);
                restarted += rejected;
                running = continuing;
            }
            for (ulong i = 0; i < running; i++)
            {
                ulong k = PopulationSteps + 1;
                while (Bernoulli(1, checked(2 * (k + 1)))) k++;
                if (Bernoulli(k + 1, 2 * k + 1)) total += (long)k;
                else restarted++;
            }
            fresh = restarted;
        }
        return total;
    }

    // n Bernoulli(threshold / range) trials at once, 64 per word: each trial is a uniform value of ceil(log2 range)
    // fair bits, redrawn when at least range, a success below threshold (compared bit-sliced). (successes, failures).
    private (ulong Successes, ulong Failures) CountUniformBelow(ulong n, ulong range, ulong threshold)
    {
        if (threshold >= range) return (n, 0);
        int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(range - 1);
        Span<ulong> slices = stackalloc ulong[bits];
        ulong successes = 0, failures = 0;
        while (n > 0)
        {
            ulong redraw = 0;
            while (n > 0)
            {
                int take = (int)Math.Min(n, 64);
                ulong mask = take < 64 ? (1UL << take) - 1 : ~0UL;
                for (int b = 0; b < bits; b++) slices[b] = NextWord();
                ulong below = BelowConstant(slices, threshold) & mask, valid = BelowConstant(slices, range) & mask;
                successes += (ulong)System.Numerics.BitOperations.PopCount(below);
                failures += (ulong)System.Numerics.BitOperations.PopCount(valid & ~below);
                redraw += (ulong)System.Numerics.BitOperations.PopCount(mask & ~valid);
                n -= (ulong)take;
            }
            n = redraw;
        }
        return (successes, failures);
    }

    // Lanes whose value (bit b of every lane in slices[b]) is below the constant c (c < 2^bits, or all lanes when c = 2^bits).
    private static ulong BelowConstant(ReadOnlySpan<ulong> slices, ulong c)
    {
        if (c >> slices.Length != 0) return ~0UL;
        ulong less = 0, equal = ~0UL;
        for (int b = slices.Length - 1; b >= 0; b--)
        {
            bool one = ((c >> b) & 1) != 0;
            if (one)
            {
                less |= equal & ~slices[b];
                equal &= slices[b];
            }
            else equal &= ~slices[b];
        }
        return less;
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

    // Binomial(n, 1/2): the ones among n fair bits, 64 per word.
    private long FairCoinSuccesses(long n)
    {
        long ones = 0;
        for (; n >= 64; n -= 64) ones += System.Numerics.BitOperations.PopCount(NextWord());
        if (n > 0) ones += System.Numerics.BitOperations.PopCount(NextWord() & ((1UL << (int)n) - 1));
        return ones;
    }

    private bool Bernoulli(ulong numerator, ulong denominator) => random.NextBelow(denominator) < numerator;
}
