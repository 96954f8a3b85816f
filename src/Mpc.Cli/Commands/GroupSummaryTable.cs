using System.Globalization;
using Mpc.Federation;

namespace Mpc.Cli.Commands;

/// <summary>
/// A summary by group as one table, a row per level (as R's aggregate prints it): n, mean, sd and the quantiles,
/// on the console and, with an output folder, as summary.csv for R's read.csv.
/// </summary>
internal static class GroupSummaryTable
{
    /// <summary>Writes the table when the result is a summary by group; the names of the outputs it covered.</summary>
    public static IReadOnlyList<string> TryWrite(SessionResult result, TextWriter output, string? outputDirectory)
    {
        if (Columns(result) is not { } columns) return [];
        var levels = result.Outputs["n"].Labels!;
        var cells = levels.Select((_, r) => columns.Select(c => c.Values[r].ToString("G7", CultureInfo.InvariantCulture)).ToArray()).ToList();
        int labelWidth = Math.Max(5, levels.Max(l => l.Length));
        var widths = columns.Select((c, j) => Math.Max(c.Name.Length, cells.Max(row => row[j].Length))).ToArray();
        output.WriteLine("  summary by group");
        output.WriteLine($"    {"group".PadRight(labelWidth)} {string.Join(" ", columns.Select((c, j) => c.Name.PadLeft(widths[j])))}");
        for (int r = 0; r < levels.Count; r++)
            output.WriteLine($"    {levels[r].PadRight(labelWidth)} {string.Join(" ", cells[r].Select((v, j) => v.PadLeft(widths[j])))}");
        if (outputDirectory is not null)
        {
            Directory.CreateDirectory(outputDirectory);
            var lines = levels.Select((level, r) => string.Join(",", columns.Select(c => c.Values[r].ToString("R", CultureInfo.InvariantCulture)).Prepend(OutputTables.Quote(level))))
                .Prepend(string.Join(",", columns.Select(c => OutputTables.Quote(c.Name)).Prepend("\"group\"")));
            File.WriteAllLines(Path.Combine(outputDirectory, "summary.csv"), lines);
            output.WriteLine($"wrote {Path.Combine(outputDirectory, "summary.csv")}");
        }
        return ["n", "mean", "sd", "quantiles"];
    }

    // n, mean, sd labelled by level and a levels x probabilities quantile matrix, or null for any other result.
    private static List<(string Name, double[] Values)>? Columns(SessionResult result)
    {
        if (result.Protocol != "summary" || !result.Outputs.TryGetValue("n", out var n) || n.Labels is not { Count: > 0 } levels || levels.Count != n.Values.Length
            || !result.Outputs.TryGetValue("mean", out var mean) || !result.Outputs.TryGetValue("sd", out var sd) || !result.Outputs.TryGetValue("quantiles", out var quantiles)
            || mean.Values.Length != levels.Count || sd.Values.Length != levels.Count || quantiles.Rows != levels.Count || quantiles.Labels is not { } probs || probs.Count != quantiles.Columns)
            return null;
        var columns = new List<(string, double[])> { ("n", n.Values), ("mean", mean.Values), ("sd", sd.Values) };
        columns.AddRange(probs.Select((p, j) => (p, Enumerable.Range(0, levels.Count).Select(r => quantiles.Values[r * probs.Count + j]).ToArray())));
        return columns;
    }
}
