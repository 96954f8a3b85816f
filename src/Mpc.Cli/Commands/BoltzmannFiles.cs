using System.Globalization;
using Mpc.Federation;
using Mpc.Reporting;
using Mpc.Scripting;

namespace Mpc.Cli.Commands;

/// <summary>Writes a Boltzmann machine session's synthetic rows (synthetic.csv, in the original column names) and training curves (monitoring.csv, monitoring.png).</summary>
internal static class BoltzmannFiles
{
    public static bool TryWrite(SessionResult result, string directory)
    {
        if (!result.Outputs.TryGetValue("synthetic", out var synthetic) || !result.Outputs.TryGetValue("monitoring", out var monitoring)) return false;
        var columns = result.Parameters.GetValueOrDefault("columns", "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (columns.Length == 0 || synthetic.Values.Length % columns.Length != 0) return false;
        Directory.CreateDirectory(directory);
        var lines = new List<string> { string.Join(",", columns) };
        for (int r = 0; r < synthetic.Values.Length / columns.Length; r++)
            lines.Add(string.Join(",", synthetic.Values.Skip(r * columns.Length).Take(columns.Length).Select(v => v.ToString("G6", CultureInfo.InvariantCulture))));
        File.WriteAllLines(Path.Combine(directory, "synthetic.csv"), lines);
        var points = Points(monitoring.Values);
        File.WriteAllLines(Path.Combine(directory, "monitoring.csv"),
            points.Select(p => FormattableString.Invariant($"\"{p.Part}\",{p.Epoch},\"{p.Metric}\",{p.Value:G8}")).Prepend("part,epoch,metric,value"));
        if (points.Count > 0) MonitoringChart.Write(Path.Combine(directory, "monitoring.png"), $"{result.Parameters.GetValueOrDefault("model", "model")} pooled over {result.Parties.Count} parties", points);
        return true;
    }

    /// <summary>Decodes the script's (part, epoch, metric, value) quadruples.</summary>
    public static List<(string Part, int Epoch, string Metric, double Value)> Points(IReadOnlyList<double> values) =>
        Enumerable.Range(0, values.Count / 4).Select(k => (values[4 * k] == 0 ? "dbm" : $"layer {(int)values[4 * k]}", (int)values[4 * k + 1], BoltzmannApi.Metrics[(int)values[4 * k + 2]], values[4 * k + 3])).ToList();
}
