using Mpc.Federation;
using Mpc.Federation.Protocols;

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
        var columnLevels = column.Length == 0 ? ["all"] : Parameter("column_levels").Split(',', StringSplitOptions.TrimEntries);
        int rows = rowLevels.Length, columns = columnLevels.Length;
        if (counts.Values.Length != rows * columns || (column.Length > 0 && (rows != counts.Rows || columns != counts.Columns))) return [];
        // With suppress=true: the table extended by its margins, as addmargins prints it, suppressed entries marked.
        var extended = Extended(result, counts.Values, rows, columns);
        var suppressed = extended?.Suppressed;
        bool margins = suppressed is not null;
        int width = columns + 1;
        var values = extended?.Values ?? ContingencyTableProtocol.Extend(counts.Values, rows, columns);
        var cells = RFormat.Format(values, 7).Select((c, e) => suppressed?[e] == true ? SuppressedMark : c).ToArray();
        string Cell(int r, int c) => cells[r * width + c];
        int shownRows = margins ? rows + 1 : rows, shownColumns = margins ? columns + 1 : columns;
        var rowNames = margins ? [.. rowLevels, "Sum"] : rowLevels;
        if (column.Length == 0)
        {
            output.WriteLine(row);
            // A one-way table's sum is the total, in the corner.
            foreach (var line in LabelledVector.Lines(rowNames, [.. Enumerable.Range(0, shownRows).Select(r => Cell(r, r == rows ? columns : 0))])) output.WriteLine(line);
        }
        else
        {
            var columnNames = margins ? [.. columnLevels, "Sum"] : columnLevels;
            // print.table indents the row levels by two under the rows' name.
            int labelWidth = Math.Max(row.Length, 2 + rowNames.Max(l => l.Length));
            var byColumn = Enumerable.Range(0, shownColumns).Select(j => Enumerable.Range(0, shownRows).Select(i => Cell(i, j)).ToArray()).ToList();
            var lines = RFormat.Matrix(rowNames.Select(l => ("  " + l).PadRight(labelWidth)).ToList(), columnNames, byColumn).ToList();
            output.WriteLine(new string(' ', labelWidth) + column);
            output.WriteLine(row.PadRight(labelWidth) + lines[0][labelWidth..]);
            foreach (var line in lines.Skip(1)) output.WriteLine(line);
        }
        if (suppressed?.Any(s => s) == true) output.WriteLine(SuppressionNote);
        return ["counts", "row_totals", "column_totals", "total", "suppressed"];
    }

    /// <summary>How a suppressed entry prints (R shows NA).</summary>
    public const string SuppressedMark = "*";

    /// <summary>The line under a table with suppressed entries.</summary>
    public const string SuppressionNote = "* suppressed: below a party's minimum cell count, or an entry that would give one away (no chi-square test)";

    // The shown entries and the pattern of a table asked with suppress=true, in the extended layout; null without suppression.
    private static (double[] Values, bool[] Suppressed)? Extended(SessionResult result, double[] counts, int rows, int columns)
    {
        int width = columns + 1, entries = (rows + 1) * width;
        if (!result.Outputs.TryGetValue("suppressed", out var pattern) || pattern.Values.Length != entries || !result.Outputs.TryGetValue("total", out var total)) return null;
        var values = ContingencyTableProtocol.Extend(counts, rows, columns);
        // The margins are the revealed ones (a cell's suppression must not change them); a one-way table's row totals are its cells.
        double[]? rowTotals = result.Outputs.TryGetValue("row_totals", out var r) ? r.Values : null;
        double[]? columnTotals = result.Outputs.TryGetValue("column_totals", out var c) ? c.Values : null;
        for (int i = 0; i < rows; i++) values[i * width + columns] = rowTotals?[i] ?? counts[i];
        for (int j = 0; j < columns; j++) values[rows * width + j] = columnTotals?[j] ?? total.Values[0];
        values[^1] = total.Values[0];
        return (values, [.. pattern.Values.Select(v => v > 0.5)]);
    }
}
