using Mpc.Federation;

namespace Mpc.Cli.Commands;

/// <summary>
/// The counts of the built-in table as R's print.table shows table(row = ..., column = ...): the columns' name over
/// their levels, the rows' name over theirs, every cell as wide as the widest count; a one-way table as a named vector.
/// </summary>
internal static class CountTable
{
    /// <summary>Writes the counts when the result is the built-in table; the names of the outputs it covered.</summary>
    public static IReadOnlyList<string> TryWrite(SessionResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        if (result.Protocol != "table" || !result.Outputs.TryGetValue("counts", out var counts)) return [];
        string Parameter(string name) => result.Parameters.TryGetValue(name, out var value) ? value : "";
        string row = Parameter("row"), column = Parameter("column");
        var rowLevels = Parameter("row_levels").Split(',', StringSplitOptions.TrimEntries);
        if (column.Length == 0)
        {
            if (rowLevels.Length != counts.Values.Length) return [];
            output.WriteLine(row);
            foreach (var line in LabelledVector.Lines(rowLevels, counts.Values)) output.WriteLine(line);
            return ["counts"];
        }
        var columnLevels = Parameter("column_levels").Split(',', StringSplitOptions.TrimEntries);
        if (rowLevels.Length != counts.Rows || columnLevels.Length != counts.Columns || counts.Values.Length != counts.Rows * counts.Columns) return [];
        var cells = RFormat.Format(counts.Values, 7);
        // print.table indents the row levels by two under the rows' name.
        int labelWidth = Math.Max(row.Length, 2 + rowLevels.Max(l => l.Length));
        var columns = Enumerable.Range(0, counts.Columns).Select(j => Enumerable.Range(0, counts.Rows).Select(i => cells[i * counts.Columns + j]).ToArray()).ToList();
        var lines = RFormat.Matrix(rowLevels.Select(l => ("  " + l).PadRight(labelWidth)).ToList(), columnLevels, columns).ToList();
        output.WriteLine(new string(' ', labelWidth) + column);
        output.WriteLine(row.PadRight(labelWidth) + lines[0][labelWidth..]);
        foreach (var line in lines.Skip(1)) output.WriteLine(line);
        return ["counts"];
    }
}
