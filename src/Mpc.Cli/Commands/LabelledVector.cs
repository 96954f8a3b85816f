using System.Globalization;

namespace Mpc.Cli.Commands;

/// <summary>
/// A labelled output on the console as R prints a named vector: rows of names over their values,
/// each column right-aligned to the wider of the two, wrapped to the line width.
/// </summary>
internal static class LabelledVector
{
    private const int LineWidth = 100;

    /// <summary>Writes <paramref name="name"/> and its labelled values when there is one label per value; false (nothing written) otherwise.</summary>
    public static bool TryWrite(string name, IReadOnlyList<string>? labels, double[] values, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(output);
        if (labels is null || labels.Count == 0 || labels.Count != values.Length) return false;
        output.WriteLine($"  {name}");
        var cells = values.Select((v, i) => (Label: labels[i], Value: v.ToString("G7", CultureInfo.InvariantCulture))).ToList();
        int start = 0;
        while (start < cells.Count)
        {
            // As many columns as fit the line; a single column wider than the line still gets its own.
            int end = start, used = 4;
            while (end < cells.Count && (end == start || used + Width(cells[end]) + 1 <= LineWidth)) used += Width(cells[end++]) + 1;
            var chunk = cells.Skip(start).Take(end - start).ToList();
            output.WriteLine("    " + string.Join(" ", chunk.Select(c => c.Label.PadLeft(Width(c)))));
            output.WriteLine("    " + string.Join(" ", chunk.Select(c => c.Value.PadLeft(Width(c)))));
            start = end;
        }
        return true;
    }

    private static int Width((string Label, string Value) cell) => Math.Max(cell.Label.Length, cell.Value.Length);
}
