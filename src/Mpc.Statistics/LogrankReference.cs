using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;

namespace Mpc.Statistics;

/// <summary>
/// The logrank test in the clear, computed as R's survdiff (survival package) does: at each time
/// with events, within each stratum, expected events d n_g / n and the hypergeometric covariance
/// d (n - d) / (n - 1) * n_g / n * (delta_gh - n_h / n); strata are summed; the statistic is
/// (O - E)' V^-1 (O - E) over all groups but the first, on k - 1 degrees of freedom.
/// The reference the secure protocol is compared with, itself checked against R's values.
/// </summary>
public static class LogrankReference
{
    public static LogrankResult Compute(SurvivalCounts pooled)
    {
        ArgumentNullException.ThrowIfNull(pooled);
        var design = pooled.Design;
        int k = design.Groups;
        var observed = new double[k];
        var expected = new double[k];
        var variance = new double[k, k];
        for (int s = 0; s < design.Strata; s++)
            for (int b = 0; b < design.Bins; b++)
            {
                double n = 0, d = 0;
                for (int g = 0; g < k; g++)
                {
                    n += pooled.AtRisk[design.Index(s, g, b)];
                    d += pooled.Events[design.Index(s, g, b)];
                }
                if (d == 0 || n == 0) continue;
                double weight = n > 1 ? d * (n - d) / (n - 1) : 0;
                for (int g = 0; g < k; g++)
                {
                    double pg = pooled.AtRisk[design.Index(s, g, b)] / n;
                    observed[g] += pooled.Events[design.Index(s, g, b)];
                    expected[g] += d * pg;
                    for (int h = 0; h < k; h++)
                        variance[g, h] += weight * pg * ((g == h ? 1 : 0) - pooled.AtRisk[design.Index(s, h, b)] / n);
                }
            }
        var z = Vector<double>.Build.Dense(k - 1, i => observed[i + 1] - expected[i + 1]);
        var v = Matrix<double>.Build.Dense(k - 1, k - 1, (i, j) => variance[i + 1, j + 1]);
        double chi2 = z.DotProduct(v.Solve(z));
        return new LogrankResult(chi2, k - 1, PValue(chi2, k - 1), pooled.GroupSizes, observed, expected, variance);
    }

    /// <summary>Upper tail of the chi-square distribution.</summary>
    public static double PValue(double chiSquare, int degreesOfFreedom) => 1 - ChiSquared.CDF(degreesOfFreedom, chiSquare);
}
