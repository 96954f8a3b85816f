using System.Globalization;
using Mpc.Federation;

namespace Mpc.Cli.Commands;

/// <summary>
/// Writes every output of more than one value as NAME.csv in the output folder, for a spreadsheet or R's read.csv:
/// a labelled vector as (name, value) rows, a matrix as its rows (columns named by its labels, or V1, V2, ... as R names them), a vector as (index, value).
/// </summary>
internal static class OutputTables
{
    /// <summary>The files written, in output order; the outputs in <paramref name="except"/> are left to their own writers.</summary>
    public static IReadOnlyList<string> Write(SessionResult result, string directory, IReadOnlyCollection<string> except)
    {
        var written = new List<string>();
        foreach (var (name, output) in result.Outputs.Where(o => o.Value.Values.Length > 1 && !except.Contains(o.Key) && IsFileName(o.Key)))
        {
            Directory.CreateDirectory(directory);
            string path = Path.Combine(directory, name + ".csv");
            File.WriteAllLines(path, Lines(output));
            written.Add(path);
        }
        return written;
    }

    private static IEnumerable<string> Lines(SessionOutput output)
    {
        var values = output.Values;
        if (output.Labels is { } labels && labels.Count == values.Length)
            return labels.Select((label, i) => $"{Quote(label)},{Format(values[i])}").Prepend("name,value");
        // A matrix's columns take its labels when there is one per column (a summary by group's probabilities).
        if (output.Rows > 1 && output.Columns > 1)
            return Enumerable.Range(0, output.Rows).Select(r => string.Join(",", values.Skip(r * output.Columns).Take(output.Columns).Select(Format)))
                .Prepend(output.Labels is { } names && names.Count == output.Columns ? string.Join(",", names.Select(Quote)) : string.Join(",", Enumerable.Range(1, output.Columns).Select(c => $"V{c}")));
        return values.Select((v, i) => $"{i + 1},{Format(v)}").Prepend("index,value");
    }

    // A script names its outputs: only a plain name becomes a file, never a path.
    private static bool IsFileName(string name) => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && !name.StartsWith('.');

    // RFC 4180: a field in quotes, its quotes doubled.
    internal static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
