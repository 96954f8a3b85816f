using System.Globalization;
using Mpc.Federation;
using Mpc.Reporting;

namespace Mpc.Cli.Commands;

/// <summary>Writes a session's survival curves (outputs survival, survival_lower, survival_upper, curve_time) as km-curve.csv and km-curve.png.</summary>
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
        Directory.CreateDirectory(directory);
        var lines = new List<string> { "group,time,survival,lower,upper" };
        for (int g = 0; g < groups; g++)
            for (int b = 0; b < time.Length; b++)
                lines.Add(string.Join(",", $"\"{names[g]}\"", Format(time[b]), Format(survival.Values[g * time.Length + b]), Format(lower[g * time.Length + b]), Format(upper[g * time.Length + b])));
        File.WriteAllLines(Path.Combine(directory, "km-curve.csv"), lines);
        SurvivalChart.Write(Path.Combine(directory, "km-curve.png"), $"Kaplan-Meier survival by {group}, pooled under MPC (DP-noised counts)", names, time, survival.Values, lower, upper);
        return true;
    }

    private static string Format(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
