using Mpc.Federation;
using Mpc.Reporting;
using Mpc.Scripting;

namespace Mpc.Cli.Commands;

/// <summary>Writes a Boltzmann machine session's synthetic rows (synthetic.csv, in the original column names), training curves (monitoring.csv, monitoring.png) and the synthetic rows' top-2 latent dimensions over the parties' latent density (latent.png).</summary>
internal static class BoltzmannFiles
{
    public static bool TryWrite(SessionResult result, string directory)
    {
        if (!result.Outputs.TryGetValue("synthetic", out var synthetic) || !result.Outputs.TryGetValue("monitoring", out var monitoring)) return false;
        var columns = result.Parameters.GetValueOrDefault("columns", "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (columns.Length == 0 || synthetic.Values.Length % columns.Length != 0) return false;
        // The session ran with these parameters, so they parse; categorical values go back to their levels.
        var encoding = VisibleEncoding.Create(columns, result.Parameters.GetValueOrDefault("visible", "bernoulli"), result.Parameters.GetValueOrDefault("levels", ""));
        Directory.CreateDirectory(directory);
        var lines = new List<string> { string.Join(",", columns.Select(Quote)) };
        for (int r = 0; r < synthetic.Values.Length / columns.Length; r++)
            lines.Add(string.Join(",", Enumerable.Range(0, columns.Length).Select(c => Quote(encoding.Format(c, synthetic.Values[r * columns.Length + c])))));
        File.WriteAllLines(Path.Combine(directory, "synthetic.csv"), lines);
        var points = Points(monitoring.Values);
        File.WriteAllLines(Path.Combine(directory, "monitoring.csv"),
            points.Select(p => FormattableString.Invariant($"\"{p.Part}\",{p.Epoch},\"{p.Metric}\",{p.Value:G8}")).Prepend("part,epoch,metric,value"));
        if (points.Count > 0) MonitoringChart.Write(Path.Combine(directory, "monitoring.png"), $"{result.Parameters.GetValueOrDefault("model", "model")} pooled over {result.Parties.Count} parties", points);
        if (result.Outputs.TryGetValue("latent", out var latent) && latent.Values.Length >= 2)
        {
            // The parties' rows come only as pooled counts per cell (exact with small cells as 0, or DP-noised).
            var density = result.Outputs.GetValueOrDefault("latent_density") ?? result.Outputs.GetValueOrDefault("latent_density_noised");
            var grid = result.Outputs.GetValueOrDefault("latent_grid");
            string title = $"Top-2 latent dimensions of {latent.Values.Length / 2} synthetic rows" + (density is null || grid is null ? "" : ", the parties' rows as density");
            LatentChart.Write(Path.Combine(directory, "latent.png"), title, latent.Values, grid?.Values, density?.Values);
        }
        return true;
    }

    private static string Quote(string field) => field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>Decodes the script's (part, epoch, metric, value) quadruples.</summary>
    public static List<(string Part, int Epoch, string Metric, double Value)> Points(IReadOnlyList<double> values) =>
        Enumerable.Range(0, values.Count / 4).Select(k => (values[4 * k] == 0 ? "dbm" : $"layer {(int)values[4 * k]}", (int)values[4 * k + 1], BoltzmannApi.Metrics[(int)values[4 * k + 2]], values[4 * k + 3])).ToList();
}
