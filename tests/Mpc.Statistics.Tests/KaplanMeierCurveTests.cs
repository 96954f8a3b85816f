namespace Mpc.Statistics.Tests;

/// <summary>The Kaplan-Meier curve the analyst derives from pooled (noisy) event and censoring counts.</summary>
public class KaplanMeierCurveTests
{
    [Fact]
    public void ExactCountsGiveTheProductLimitEstimate()
    {
        // One group, 3 bins: 10 at risk; 2 events then 1 censored; 1 event; 3 events and 3 censored.
        double[] counts = [2, 1, 3, /* censored */ 1, 0, 3];
        var (survival, _, _) = KaplanMeierCurve.Estimate(counts, 1, 3);
        Assert.Equal(0.8, survival[0], 12);
        Assert.Equal(0.8 * (1 - 1.0 / 7), survival[1], 12);
        Assert.Equal(0.8 * (1 - 1.0 / 7) * (1 - 3.0 / 6), survival[2], 12);
    }

    [Fact]
    public void ZeroMeanNoiseInEmptyBinsDoesNotInflateTheNumberAtRisk()
    {
        // 100 at risk, 10 events in the first bin; the 40 later bins hold only noise of mean 0 (+3, -3, ...).
        const int Bins = 41;
        var counts = new double[2 * Bins];
        counts[0] = 10;
        counts[Bins] = 90;
        for (int b = 1; b < Bins; b++)
        {
            counts[b] += b % 2 == 0 ? 3 : -3;
            counts[Bins + b] += b % 2 == 0 ? -3 : 3;
        }
        var (survival, _, _) = KaplanMeierCurve.Estimate(counts, 1, Bins);
        // Clamping every noisy count at 0 before summing would start from 220 at risk and give 0.955.
        Assert.Equal(0.9, survival[0], 12);
    }

    [Fact]
    public void TheRiskTableCountsThoseStillAtRiskAtTheStartOfEachBinAsSurvfitDoes()
    {
        // Two groups, 3 bins. Group 1: 10 rows (2 events + 1 censored, 1 event, 3 events + 3 censored);
        // group 2: 5 rows (0, 2 events + 1 censored, 1 event + 1 censored), noise of -0.4 on its last censored count.
        double[] counts = [2, 1, 3, 0, 2, 1, /* censored */ 1, 0, 3, 0, 1, 0.6];
        var (atRisk, censored) = KaplanMeierCurve.RiskTable(counts, 2, 3);
        Assert.Equal([10, 7, 6, 5, 5, 2], atRisk);
        Assert.Equal([1, 0, 3, 0, 1, 1], censored);
    }
}
