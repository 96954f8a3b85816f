namespace Mpc.Cli.Commands;

/// <summary>
/// A labelled output on the console as R prints a named vector: the values formatted alike (7 significant digits),
/// every column as wide as the widest name or value, names right-aligned over their values, wrapped at R's 80 columns.
/// </summary>
internal static class LabelledVector
{
    private const int LineWidth = 80;

    /// <summary>Writes <paramref name="name"/> and its labelled values when there is one label per value; false (nothing written) otherwise.</summary>
    public static bool TryWrite(string name, IReadOnlyList<string>? labels, double[] values, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(output);
        if (labels is null || labels.Count == 0 || labels.Count != values.Length) return false;
        output.WriteLine($"  {name}");
        // Deliberately unlike R: indented under the output's name, and without R's trailing space.
        foreach (var line in Lines(labels, values)) output.WriteLine("    " + line.TrimEnd());
        return true;
    }

    /// <summary>R's print of a named vector, line by line, trailing spaces included.</summary>
    internal static IEnumerable<string> Lines(IReadOnlyList<string> labels, IReadOnlyList<double> values, int digits = 7)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Lines(labels, RFormat.Format(values, digits));
    }

    /// <summary>The lines of a named vector of cells already formatted (such as a table's with suppressed cells marked).</summary>
    internal static IEnumerable<string> Lines(IReadOnlyList<string> labels, string[] cells)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(cells);
        int width = Math.Max(cells.Max(c => c.Length), labels.Max(l => l.Length));
        int perLine = Math.Max(1, LineWidth / (width + 1));
        for (int start = 0; start < cells.Length; start += perLine)
        {
            var range = Enumerable.Range(start, Math.Min(perLine, cells.Length - start)).ToList();
            yield return string.Concat(range.Select(i => labels[i].PadLeft(width) + " "));
            yield return string.Concat(range.Select(i => cells[i].PadLeft(width) + " "));
        }
    }
}
