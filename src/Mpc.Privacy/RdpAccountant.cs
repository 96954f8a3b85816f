using MathNet.Numerics;

namespace Mpc.Privacy;

/// <summary>
/// Renyi differential privacy accounting: RDP curves of the Gaussian, the Poisson-subsampled
/// Gaussian (Mironov, Talwar, Zhang 2019, computed as Opacus and TF Privacy do) and the Skellam
/// mechanism (Agarwal, Kairouz, Liu 2021), composed by adding curves, and converted to
/// (epsilon, delta).
/// </summary>
/// <remarks>
/// Order convention: curves are evaluated on <see cref="DefaultOrders"/>, Opacus's grid
/// (1.1, 1.2, ..., 10.9 and 12, 13, ..., 63), and epsilon is the minimum over those orders.
/// Conversion: Balle et al. 2020 (Hypothesis testing interpretations and Renyi DP, theorem 21),
/// eps = rdp + log((a-1)/a) - (log(delta) + log(a)) / (a - 1), as Opacus does.
/// </remarks>
public static class RdpAccountant
{
    public static IReadOnlyList<double> DefaultOrders { get; } =
        [.. Enumerable.Range(1, 99).Select(x => 1 + x / 10.0), .. Enumerable.Range(12, 52).Select(x => (double)x)];

    /// <summary>RDP of the Gaussian mechanism with noise multiplier sigma (L2 sensitivity 1), one release.</summary>
    public static double[] Gaussian(double noiseMultiplier, IReadOnlyList<double> orders) =>
        orders.Select(a => a / (2 * noiseMultiplier * noiseMultiplier)).ToArray();

    /// <summary>RDP of the Poisson-subsampled Gaussian (sampling rate q) per step, times the number of steps.</summary>
    public static double[] SubsampledGaussian(double samplingRate, double noiseMultiplier, int steps, IReadOnlyList<double> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        return orders.Select(a => SubsampledGaussianOrder(samplingRate, noiseMultiplier, a) * steps).ToArray();
    }

    /// <summary>
    /// RDP of the Skellam mechanism with total parameter mu (noise Sk(mu, mu), variance 2 mu) and
    /// sensitivities Delta1, Delta2 (AKL21, theorem 3.5):
    /// eps(a) = a Delta2^2 / (4 mu) + min(((2a - 1) Delta2^2 + 6 Delta1) / (16 mu^2), 3 Delta1 / (4 mu)).
    /// </summary>
    public static double[] Skellam(double mu, double l1Sensitivity, double l2Sensitivity, IReadOnlyList<double> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (!(mu > 0)) throw new ArgumentOutOfRangeException(nameof(mu), PrivacyErrors.SkellamParameterNotPositive);
        double d2 = l2Sensitivity * l2Sensitivity;
        return orders.Select(a => a * d2 / (4 * mu) + Math.Min(((2 * a - 1) * d2 + 6 * l1Sensitivity) / (16 * mu * mu), 3 * l1Sensitivity / (4 * mu))).ToArray();
    }

    /// <summary>
    /// RDP of one Skellam release on a Poisson subsample with rate q: the plain Skellam curve when q = 1, else
    /// <see cref="PoissonSubsampled"/> of the Skellam curve (tight accounting at integer orders, as Mironov, Talwar and
    /// Zhang 2019 for the sampled Gaussian).
    /// </summary>
    public static double[] SkellamRelease(double mu, double l1Sensitivity, double l2Sensitivity, double samplingRate, IReadOnlyList<double> orders)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (!(samplingRate > 0 && samplingRate <= 1)) throw new ArgumentOutOfRangeException(nameof(samplingRate), PrivacyErrors.SamplingRateOutOfRange);
        if (samplingRate == 1) return Skellam(mu, l1Sensitivity, l2Sensitivity, orders);
        return PoissonSubsampled(samplingRate, order => Skellam(mu, l1Sensitivity, l2Sensitivity, [order])[0], orders);
    }

    /// <summary>
    /// RDP at integer orders a &gt;= 2 of a mechanism with RDP curve <paramref name="rdp"/> (for add and remove neighbours)
    /// run on a Poisson subsample with rate q (infinite, so never the minimiser, at other orders):
    /// eps'(a) = log((1-q)^(a-1) (1 + (a-1) q) + sum_{l=2..a} C(a,l) q^l (1-q)^(a-l) e^((l-1) eps(l))) / (a - 1).
    /// </summary>
    /// <remarks>
    /// Why it is sound: with P the output without the record and Q with it (the rest of the sample fixed, then joint
    /// convexity), adding the record gives the mixture (1-q) P + q Q, and E_P[((1-q) + q Q/P)^a] expands binomially into
    /// terms E_P[(Q/P)^l] = e^((l-1) D_l(Q||P)) &lt;= e^((l-1) eps(l)), all with non-negative weights: the sum above is exact
    /// up to that bound. Removing the record is bounded by the same sum for any mechanism whose curve bounds both
    /// directions (Steinke 2022, "Composition of differential privacy and privacy amplification by subsampling",
    /// arXiv:2210.00597, the theorem on Poisson subsampling under RDP). The Skellam bound of Agarwal, Kairouz and Liu
    /// 2021 depends only on the shift's norms, not its sign, so it bounds both. For the Gaussian curve a / (2 sigma^2)
    /// the sum is exactly Mironov, Talwar and Zhang's A_a, which Opacus and TF Privacy compute. It replaces Zhu and
    /// Wang's general bound (a factor 3 on every term from the third on), which needed about ten times the noise
    /// multiplier at q = 0.1 (issue 29).
    /// </remarks>
    public static double[] PoissonSubsampled(double q, Func<double, double> rdp, IReadOnlyList<double> orders)
    {
        ArgumentNullException.ThrowIfNull(rdp);
        ArgumentNullException.ThrowIfNull(orders);
        if (!(q > 0 && q <= 1)) throw new ArgumentOutOfRangeException(nameof(q), PrivacyErrors.SamplingRateOutOfRange);
        static bool IsInteger(double a) => a >= 2 && Math.Abs(a - Math.Round(a)) <= 1e-12;
        if (q == 1) return orders.Select(a => IsInteger(a) ? rdp(a) : double.PositiveInfinity).ToArray();
        // The inner curve at each integer order and ln l! once, not once per term: every release of a DP run is accounted at each party.
        int largest = orders.Where(IsInteger).Select(a => (int)Math.Round(a)).DefaultIfEmpty(1).Max();
        var inner = new double[largest + 1];
        var logFactorial = new double[largest + 1];
        for (int l = 1; l <= largest; l++)
        {
            logFactorial[l] = logFactorial[l - 1] + Math.Log(l);
            if (l >= 2) inner[l] = rdp(l);
        }
        double logQ = Math.Log(q), log1Q = Math.Log(1 - q);
        return orders.Select(a =>
        {
            if (!IsInteger(a)) return double.PositiveInfinity;
            int alpha = (int)Math.Round(a);
            double sum = (alpha - 1) * log1Q + Math.Log(1 + (alpha - 1) * q);
            for (int l = 2; l <= alpha; l++)
                sum = LogAdd(sum, logFactorial[alpha] - logFactorial[l] - logFactorial[alpha - l] + l * logQ + (alpha - l) * log1Q + (l - 1) * inner[l]);
            return Math.Min(sum / (alpha - 1), inner[alpha]);
        }).ToArray();
    }

    /// <summary>(epsilon, best order) for a composed RDP curve and delta.</summary>
    public static (double Epsilon, double Order) ToEpsilon(IReadOnlyList<double> rdp, IReadOnlyList<double> orders, double delta)
    {
        ArgumentNullException.ThrowIfNull(rdp);
        ArgumentNullException.ThrowIfNull(orders);
        if (!(delta > 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(delta), PrivacyErrors.DeltaOutOfRange);
        double best = double.PositiveInfinity, order = double.NaN;
        for (int i = 0; i < orders.Count; i++)
        {
            double a = orders[i];
            double epsilon = rdp[i] + Math.Log((a - 1) / a) - (Math.Log(delta) + Math.Log(a)) / (a - 1);
            if (epsilon < best)
            {
                best = epsilon;
                order = a;
            }
        }
        return (Math.Max(best, 0), order);
    }

    /// <summary>Adds RDP curves (composition).</summary>
    public static double[] Compose(params double[][] curves) =>
        Enumerable.Range(0, curves[0].Length).Select(i => curves.Sum(c => c[i])).ToArray();

    private static double SubsampledGaussianOrder(double q, double sigma, double alpha)
    {
        if (q == 0) return 0;
        if (q == 1) return alpha / (2 * sigma * sigma);
        return (Math.Abs(alpha - Math.Round(alpha)) < 1e-12 ? LogAInteger(q, sigma, (int)Math.Round(alpha)) : LogAFraction(q, sigma, alpha)) / (alpha - 1);
    }

    // log A_alpha for integer alpha: log sum_i C(a,i) q^i (1-q)^(a-i) exp((i^2 - i) / (2 sigma^2)).
    private static double LogAInteger(double q, double sigma, int alpha)
    {
        double logA = double.NegativeInfinity;
        for (int i = 0; i <= alpha; i++)
        {
            double logCoefficient = SpecialFunctions.BinomialLn(alpha, i) + i * Math.Log(q) + (alpha - i) * Math.Log(1 - q);
            logA = LogAdd(logA, logCoefficient + (i * (double)i - i) / (2 * sigma * sigma));
        }
        return logA;
    }

    // log A_alpha for fractional alpha, by the two-sided series of Mironov et al. 2019 (as TF Privacy's _compute_log_a_frac).
    private static double LogAFraction(double q, double sigma, double alpha)
    {
        double logA0 = double.NegativeInfinity, logA1 = double.NegativeInfinity;
        double z0 = sigma * sigma * Math.Log(1 / q - 1) + 0.5;
        double coefficient = 1;
        for (int i = 0; ; i++)
        {
            if (i > 0) coefficient *= (alpha - i + 1) / i;
            double logCoefficient = Math.Log(Math.Abs(coefficient));
            double j = alpha - i;
            double logT0 = logCoefficient + i * Math.Log(q) + j * Math.Log(1 - q);
            double logT1 = logCoefficient + j * Math.Log(q) + i * Math.Log(1 - q);
            double logE0 = Math.Log(0.5) + LogErfc((i - z0) / (Math.Sqrt(2) * sigma));
            double logE1 = Math.Log(0.5) + LogErfc((z0 - j) / (Math.Sqrt(2) * sigma));
            double logS0 = logT0 + (i * (double)i - i) / (2 * sigma * sigma) + logE0;
            double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
            if (coefficient > 0)
            {
                logA0 = LogAdd(logA0, logS0);
                logA1 = LogAdd(logA1, logS1);
            }
            else
            {
                logA0 = LogSubtract(logA0, logS0);
                logA1 = LogSubtract(logA1, logS1);
            }
            if (Math.Max(logS0, logS1) < -30) break;
        }
        return LogAdd(logA0, logA1);
    }

    private static double LogAdd(double x, double y)
    {
        double a = Math.Min(x, y), b = Math.Max(x, y);
        return a == double.NegativeInfinity ? b : Math.Log(Math.Exp(a - b) + 1) + b;
    }

    private static double LogSubtract(double x, double y)
    {
        if (y == double.NegativeInfinity) return x;
        if (x == y) return double.NegativeInfinity;
        return Math.Log(Math.Exp(x - y) - 1) + y;
    }

    // log(erfc(x)), with the asymptotic series where erfc underflows.
    private static double LogErfc(double x)
    {
        double r = SpecialFunctions.Erfc(x);
        if (r > 0) return Math.Log(r);
        return -Math.Log(Math.PI) / 2 - Math.Log(x) - x * x - 0.5 * Math.Pow(x, -2) + 0.625 * Math.Pow(x, -4) - 37.0 / 24.0 * Math.Pow(x, -6) + 353.0 / 64.0 * Math.Pow(x, -8);
    }
}
