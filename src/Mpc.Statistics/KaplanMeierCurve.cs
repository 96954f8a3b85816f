namespace Mpc.Statistics;

/// <summary>
/// Kaplan-Meier survival curves with Greenwood 95% bands from per-interval event and censoring
/// counts per group: the clear-text post-processing of a DP release (or of exact counts). Noisy
/// negative counts are clamped to 0 first, which is post-processing and costs no privacy.
/// </summary>
public static class KaplanMeierCurve
{
    /// <summary>One party's contribution: [events for group g, bin b | censored for group g, bin b], pooled over strata.</summary>
    public static double[] LocalCounts(SurvivalCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var design = counts.Design;
        int K = design.Groups, B = design.Bins;
        var result = new double[2 * K * B];
        for (int s = 0; s < design.Strata; s++)
            for (int g = 0; g < K; g++)
                for (int b = 0; b < B; b++)
                {
                    double atRisk = counts.AtRisk[design.Index(s, g, b)];
                    double next = b + 1 < B ? counts.AtRisk[design.Index(s, g, b + 1)] : 0;
                    double events = counts.Events[design.Index(s, g, b)];
                    result[g * B + b] += events;
                    result[K * B + g * B + b] += atRisk - next - events;
                }
        return result;
    }

    /// <summary>Survival, lower and upper band per group and bin (row-major [group, bin]) from pooled (possibly noisy) counts.</summary>
    public static (double[] Survival, double[] Lower, double[] Upper) Estimate(double[] counts, int groups, int bins)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Length != 2 * groups * bins) throw new ArgumentException($"{counts.Length} counts do not fit {groups} groups and {bins} bins.", nameof(counts));
        var survival = new double[groups * bins];
        var lower = new double[groups * bins];
        var upper = new double[groups * bins];
        for (int g = 0; g < groups; g++)
        {
            // The number at risk comes from the unclamped noisy counts, whose noise has mean 0; clamping each count at 0
            // first would add the noise's positive part per bin (on lung, 318 at risk at the start instead of 138).
            double total = 0;
            for (int b = 0; b < bins; b++) total += counts[g * bins + b] + counts[groups * bins + g * bins + b];
            double atRisk = Math.Max(0, total), s = 1, greenwood = 0;
            for (int b = 0; b < bins; b++)
            {
                double rawEvents = counts[g * bins + b], rawCensored = counts[groups * bins + g * bins + b];
                double d = Math.Min(Math.Max(0, rawEvents), atRisk);
                if (atRisk > 0 && d > 0)
                {
                    s *= 1 - d / atRisk;
                    if (atRisk > d) greenwood += d / (atRisk * (atRisk - d));
                }
                double halfWidth = 1.959964 * s * Math.Sqrt(greenwood);
                survival[g * bins + b] = s;
                lower[g * bins + b] = Math.Max(0, s - halfWidth);
                upper[g * bins + b] = Math.Min(1, s + halfWidth);
                atRisk = Math.Max(0, atRisk - rawEvents - rawCensored);
            }
        }
        return (survival, lower, upper);
    }

    /// <summary>
    /// The number at risk at the start of each bin and the censored count of each bin, per group (row-major [group, bin]),
    /// from pooled (possibly noisy) counts: at risk from the unclamped counts as in <see cref="Estimate"/>, both rounded
    /// and never below 0 (post-processing of the release, for a plot's table and censoring marks).
    /// </summary>
    public static (double[] AtRisk, double[] Censored) RiskTable(double[] counts, int groups, int bins)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Length != 2 * groups * bins) throw new ArgumentException($"{counts.Length} counts do not fit {groups} groups and {bins} bins.", nameof(counts));
        var atRisk = new double[groups * bins];
        var censored = new double[groups * bins];
        for (int g = 0; g < groups; g++)
        {
            double remaining = 0;
            for (int b = 0; b < bins; b++) remaining += counts[g * bins + b] + counts[groups * bins + g * bins + b];
            for (int b = 0; b < bins; b++)
            {
                atRisk[g * bins + b] = Math.Max(0, Math.Round(remaining));
                censored[g * bins + b] = Math.Max(0, Math.Round(counts[groups * bins + g * bins + b]));
                remaining -= counts[g * bins + b] + counts[groups * bins + g * bins + b];
            }
        }
        return (atRisk, censored);
    }
}
