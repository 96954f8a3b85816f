using Mpc.Core;

namespace Mpc.Privacy;

// Rejection from an exact discrete-Laplace envelope at the mode (Canonne, Kamath, Steinke 2020, "The Discrete Gaussian for
// Differential Privacy", Algorithms 1-2), chosen over binomial/gamma recursions because its cost is O(1) expected at any mu
// and every step is either integer arithmetic or an interval comparison that is resolved exactly (Mironov 2012).

/// <summary>
/// Exact samplers for integer noise from a CSPRNG: Poisson(lambda) and Skellam(mu) for rational parameters, with no
/// floating point in any step that decides a sample, and an expected cost that does not grow with the parameter.
/// </summary>
/// <remarks>
/// Poisson(lambda), lambda = a/b &gt;= 8, mode m = floor(lambda), target weight f(k) = lambda^(k-m) m! / k! &lt;= 1:
/// <list type="number">
/// <item>Propose x from the discrete Laplace P(x) ∝ exp(-|x|/t), t = floor(sqrt m) + 1, sampled exactly with Bernoulli(exp(-gamma))
/// for rational gamma (Canonne-Kamath-Steinke Algorithms 1 and 2).</item>
/// <item>Accept k = m + x with probability alpha = f(k) exp(|x|/t - c), where the rational c bounds ln f(m+x) + |x|/t above for
/// every x: ln f(m+x) &lt;= -x(x-1) / (2(m+x)) for x &gt;= 0 (as ln(1+u) &gt;= u/(1+u) and m+1 &gt; lambda) and
/// &lt;= -y(y-1) / (2m) for x = -y &lt; 0 (as ln(1-u) &lt;= -u and lambda &gt;= m); c is the largest of these concave bounds plus |x|/t,
/// found exactly on the integers. The accepted k has exactly the Poisson law; an attempt succeeds with probability about 0.7.</item>
/// <item>The test U &lt; alpha draws U as 64 random bits and first compares it with rigorous bounds on alpha at 2^-96:
/// ln f from Stirling's series with its remainder bound and atanh series with tail bounds, exp by directed Taylor sums, every
/// fixed-point step rounded outward. Only if U falls inside those bounds (about once in 10^7 attempts), or the proposal is far
/// in a tail, is the same U extended bit by bit and compared with alpha in exact rational arithmetic (f(k) as a product of
/// integers, exp(rational) between Taylor bounds). So every accept/reject is the exact one.</item>
/// </list>
/// Below lambda = 8, Poisson is a sum of at most 16 exact Poisson(nu &lt;= 1/2) chains: draw S while Bernoulli(nu / (k+1))
/// succeeds, accept S = k with (1 - nu)(k+1) / (k+1 - nu). Skellam(mu) is the difference of two independent Poisson(mu).
/// </remarks>
public sealed partial class ExactNoiseSampler(AesCtrRandom random)
{
    /// <summary>Denominator used to turn a real parameter into an exact rational one.</summary>
    public const ulong Denominator = 1UL << 20;

    /// <summary>Largest Poisson parameter accepted (the proposal and f(k) stay in 64-bit integers well below it).</summary>
    public const double MaxLambda = 1UL << 50;

    // The last parameter's envelope: callers draw many values at one parameter, and the shared cache's lookup locks all its buckets.
    private PoissonEnvelope? _envelope;

    // Below this mean the chain of Poisson(1/2) draws costs less than the envelope's setup and bounds.
    private const ulong ChainBelow = 8;

    /// <summary>Poisson(numerator / denominator).</summary>
    public long Poisson(ulong numerator, ulong denominator)
    {
        if (denominator == 0) throw new ArgumentOutOfRangeException(nameof(denominator));
        if ((double)numerator / denominator > MaxLambda) throw new ArgumentOutOfRangeException(nameof(numerator), $"The Poisson parameter must be at most 2^50.");
        if (numerator == 0) return 0;
        if (numerator / denominator < ChainBelow) return PoissonByChains(numerator, denominator);
        var envelope = _envelope is { } last && last.A == numerator && last.B == denominator ? last : _envelope = PoissonEnvelope.For(numerator, denominator);
        while (true)
        {
            long x = DiscreteLaplace(envelope.T);
            long k = envelope.M + x;
            if (k < 0) continue;
            ulong u = random.NextUInt64();
            if (FastAccept(envelope, x, k, u) ?? ExactAccept(envelope, x, k, u)) return k;
        }
    }

    /// <summary>
    /// Skellam(mu, mu), the difference of two independent Poisson(mu), with mu = numerator / denominator: symmetric,
    /// variance 2 mu.
    /// </summary>
    public long Skellam(ulong numerator, ulong denominator) => Poisson(numerator, denominator) - Poisson(numerator, denominator);

    /// <summary>Skellam with a real parameter rounded up to a multiple of 2^-20 (rounding up only adds noise).</summary>
    public long Skellam(double mu)
    {
        if (!(mu >= 0) || mu > 1e12) throw new ArgumentOutOfRangeException(nameof(mu));
        ulong numerator = (ulong)Math.Ceiling(mu * Denominator);
        return Skellam(numerator, Denominator);
    }

    // Poisson(a/b) for a/b < 8: the sum of floor(2a/b) Poisson(1/2) and one Poisson(remainder < 1/2).
    private long PoissonByChains(ulong a, ulong b)
    {
        ulong halves = checked(2 * a) / b;
        ulong remainder = checked(2 * a) - halves * b;
        long total = 0;
        for (ulong i = 0; i < halves; i++) total += PoissonAtMostHalf(1, 2);
        if (remainder > 0) total += PoissonAtMostHalf(remainder, checked(2 * b));
        return total;
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

    // P(x) ∝ exp(-|x|/t) on the integers (Canonne-Kamath-Steinke Algorithm 2 with s = 1): x = u + t v with u uniform below t
    // kept with Bernoulli(exp(-u/t)), v geometric of ratio exp(-1), a fair sign, and -0 redrawn.
    private long DiscreteLaplace(ulong t)
    {
        while (true)
        {
            ulong u = random.NextBelow(t);
            if (!BernoulliExpMinus(u, t)) continue;
            ulong v = 0;
            while (BernoulliExpMinus(1, 1)) v++;
            long magnitude = checked((long)(u + t * v));
            bool negative = (random.NextUInt64() & 1) != 0;
            if (negative && magnitude == 0) continue;
            return negative ? -magnitude : magnitude;
        }
    }

    // Bernoulli(exp(-n/d)) for 0 <= n/d <= 1 (Canonne-Kamath-Steinke Algorithm 1): count k while Bernoulli(gamma / k) succeeds; odd k.
    private bool BernoulliExpMinus(ulong n, ulong d)
    {
        ulong k = 1;
        while (Bernoulli(n, checked(d * k))) k++;
        return k % 2 == 1;
    }

    private bool Bernoulli(ulong numerator, ulong denominator) => random.NextBelow(denominator) < numerator;
}
