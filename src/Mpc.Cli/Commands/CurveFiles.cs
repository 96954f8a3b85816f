using System.Globalization;
using Mpc.Federation;
using Mpc.Reporting;
using Mpc.Statistics;

namespace Mpc.Cli.Commands;

/// <summary>
/// Writes a session's survival curves (outputs survival, survival_lower, survival_upper, curve_time, and the noised
/// curve_counts for the number at risk and the censored) as km-curve.csv and km-curve.png, with the logrank p-value.
/// </summary>
internal static class CurveFiles
{
    public static bool TryWrite(SessionResult result, string directory, IReadOnlyList<string>? groupNames = null)
    {
        if (!result.Outputs.TryGetValue("survival", out var survival) || !result.Outputs.TryGetValue("curve_time", out var timeOutput)) return false;
        var time = timeOutput.Values;
        var lower = result.Outputs["survival_lower"].Values;
        var upper = result.Outputs["survival_upper"].Values;
        int groups = survival.Values.Length / time.Length;
        string group = result.Parameters.GetValueOrDefault("group", "group");
        var levels = result.Parameters.GetValueOrDefault("levels", "").Split(',', StringSplitOptions.TrimEntries);
        var names = groupNames ?? Enumerable.Range(0, groups).Select(g => g < levels.Length ? $"{group} = {levels[g]}" : $"group {g + 1}").ToList();
        int bins = time.Length;
        double[]? atRisk = null, censored = null;
        if (result.Outputs.TryGetValue("curve_counts", out var counts) && counts.Values.Length == 2 * groups * bins)
            (atRisk, censored) = KaplanMeierCurve.RiskTable(counts.Values, groups, bins);
        Directory.CreateDirectory(directory);
        var lines = new List<string> { "group,time,survival,lower,upper,n.risk,n.censor" };
        for (int g = 0; g < groups; g++)
            for (int b = 0; b < bins; b++)
            {
                int i = g * bins + b;
                lines.Add(string.Join(",", $"\"{names[g]}\"", Format(time[b]), Format(survival.Values[i]), Format(lower[i]), Format(upper[i]),
                    atRisk is null ? "" : Format(atRisk[i]), censored is null ? "" : Format(censored[i])));
            }
        File.WriteAllLines(Path.Combine(directory, "km-curve.csv"), lines);
        string test = result.Outputs.TryGetValue("chi2", out var chi2) && result.Outputs.TryGetValue("p_value", out var p) && chi2.Values.Length == 1 && p.Values.Length == 1
            ? string.Create(CultureInfo.InvariantCulture, $"\nlogrank chi-square {chi2.Values[0]:0.###} on {groups - 1} df, p = {p.Values[0]:G3}")
            : "";
        SurvivalChart.Write(Path.Combine(directory, "km-curve.png"), $"Kaplan-Meier survival by {group}, pooled under MPC from DP-noised counts{test}", names, time, survival.Values, lower, upper, atRisk, censored);
        return true;
    }

    private static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
