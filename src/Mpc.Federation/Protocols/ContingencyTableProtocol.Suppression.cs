using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>
/// The table with small-cell suppression (suppress=true, where every party's policy allows it): instead of refusing, a
/// cell below a party's minimum cell count is shown as suppressed, with the cells and margins that would give it away.
/// </summary>
/// <remarks>
/// Each party flags the entries of its own table extended by its margins that hold between 1 and its minimum cell count
/// less one of its rows (the total also when its rows outside the table, those with a missing value, are that few, as
/// the dataset's size minus the total would show them). Every level the rows hold must be listed. Flags and counts are summed as secrets; an entry some party flagged is suppressed, and
/// <see cref="CellSuppression"/> adds the complements under MPC. Opened, to the analyst only: the pattern and each
/// entry's count times its "shown" bit (0 where suppressed). Nothing is opened to the parties, and no comparison of a
/// count is opened to anyone. A shown entry holds 0 or at least the minimum of every party's own rows, as without
/// suppression, so it holds against peers who subtract their own part.
/// </remarks>
public sealed partial class ContingencyTableProtocol
{
    private static async Task RunSuppressedAsync(MpcRuntime<ulong> runtime, ProtocolContext context)
    {
        var p = context.Parameters;
        var limits = context.Limits;
        if (!limits.AllowSuppression)
            throw new RevealRefusedException("counts", ErrorMessages.RevealRefused("counts", ErrorMessages.SuppressionNotAllowed(limits.Dataset)));
        // Rows of an unlisted level would make this total differ from a table of the other levels by them (issue 30).
        string row = p.Text("row"), other = p.Text("column");
        if (Unlisted(context.Dataset, row, p.List("row_levels")) || (other.Length > 0 && Unlisted(context.Dataset, other, p.List("column_levels"))))
            throw new RevealRefusedException("counts", ErrorMessages.RevealRefused("counts", ErrorMessages.SuppressionNeedsEveryLevel(row, other)));
        var cells = LocalCells(context.Dataset, p, out int columns);
        int rows = (cells.Length - 1) / columns;
        bool Small(double count) => count > 0 && count < limits.MinCellCount;
        var extended = Extend(cells[..^1], rows, columns);
        var flags = extended.Select(c => Small(c) ? 1.0 : 0.0).ToArray();
        if (Small(cells[^1])) flags[^1] = 1;

        // The policy's own check, on what this party puts into shown entries: its small ones are suppressed by its own flag.
        double Shown(double count) => Small(count) ? 0 : count;
        string column = p.Text("row");
        int width = columns + 1;
        runtime.RevealPolicy.CheckDisclosure("counts", DisclosureKind.CellCounts, column, [.. cells.Select(Shown)]);
        runtime.RevealPolicy.CheckDisclosure("total", DisclosureKind.CellCounts, column, [Shown(extended[^1])]);
        bool twoWay = p.Text("column").Length > 0;
        if (twoWay)
        {
            runtime.RevealPolicy.CheckDisclosure("row_totals", DisclosureKind.CellCounts, column, [.. Enumerable.Range(0, rows).Select(r => Shown(extended[r * width + columns]))]);
            runtime.RevealPolicy.CheckDisclosure("column_totals", DisclosureKind.CellCounts, p.Text("column"), [.. Enumerable.Range(0, columns).Select(c => Shown(extended[rows * width + c]))]);
        }

        var sums = await Input.SumAcrossPartiesAsync(runtime, [.. extended, .. flags], width, 0, ["count per entry of the table with its margins"]).ConfigureAwait(false);
        int entries = extended.Length;
        var counts = sums.Slice(0, entries);
        // Flagged by some party: the number of flags is above 0.
        var primary = await Comparison.LessThanZeroAsync(runtime, sums.Slice(entries, entries) * -1).ConfigureAwait(false);
        context.ReportProgress("suppression", 0.2);
        var minCellCount = await SharedLimits.LargestAsync(runtime, limits.MinCellCount).ConfigureAwait(false);
        var suppressed = await CellSuppression.SuppressAsync(runtime, counts, primary, minCellCount, rows, columns).ConfigureAwait(false);
        var shown = await Multiplication.MultiplyAsync(runtime, counts, 1.0 - suppressed).ConfigureAwait(false);

        int[] Cells(Func<int, int, bool> keep) => [.. Enumerable.Range(0, entries).Where(e => keep(e / width, e % width))];
        await Opening.OutputAsync(runtime, shown.Gather(Cells((r, c) => r < rows && c < columns)).Reshape(rows, columns), "counts").ConfigureAwait(false);
        if (twoWay)
        {
            await Opening.OutputAsync(runtime, shown.Gather(Cells((r, c) => r < rows && c == columns)), "row_totals").ConfigureAwait(false);
            await Opening.OutputAsync(runtime, shown.Gather(Cells((r, c) => r == rows && c < columns)), "column_totals").ConfigureAwait(false);
        }
        await Opening.OutputAsync(runtime, shown.Slice(entries - 1, 1), "total").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, suppressed.Reshape(rows + 1, width), "suppressed").ConfigureAwait(false);
    }

    // Whether a row holds a value (not missing) that is none of the levels.
    private static bool Unlisted(Mpc.Data.CsvTable table, string column, IReadOnlyList<string> levels)
    {
        var assigned = GroupLevels.Assign(table, column, levels);
        return table.Text(column).Where((cell, i) => cell is not null && assigned[i] < 0).Any();
    }

    /// <summary>A row-major table of counts extended by its margins: each row followed by its total, then the column totals and the total.</summary>
    public static double[] Extend(double[] counts, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int width = columns + 1;
        var extended = new double[(rows + 1) * width];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                double count = counts[r * columns + c];
                extended[r * width + c] = count;
                extended[r * width + columns] += count;
                extended[rows * width + c] += count;
                extended[^1] += count;
            }
        }
        return extended;
    }
}
