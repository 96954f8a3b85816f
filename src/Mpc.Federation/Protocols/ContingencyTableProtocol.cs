using MathNet.Numerics;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>
/// One- and two-way tables of counts over the pooled rows (R's table), with Pearson's chi-square test (R's
/// chisq.test: of independence for two ways, with Yates' correction on a 2 x 2 table unless turned off; of equal
/// proportions for one way) computed in the clear from the revealed counts. Every party's own count in every
/// cell, and its rows outside the chosen levels, must be 0 or at least its minimum cell count, or it refuses.
/// </summary>
public sealed partial class ContingencyTableProtocol : BuiltInProtocol<ulong>
{
    public override string Name => "table";

    public override string Description => "One- or two-way table of counts over chosen levels, with the chi-square test (as R's table and chisq.test).";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new("row", ParameterType.Column, null, "Column whose levels are the table's rows."),
        new("row_levels", ParameterType.Text, null, "The row levels, comma-separated, as text or numbers."),
        new("column", ParameterType.Column, "", "Column whose levels are the table's columns; empty for a one-way table."),
        new("column_levels", ParameterType.Text, "", "The column levels, comma-separated (with column)."),
        new("correct", ParameterType.Boolean, "true", "Yates' continuity correction on a 2 x 2 table, as chisq.test's correct."),
        new("suppress", ParameterType.Boolean, "false", "Show cells below a party's minimum cell count as suppressed, with the cells and margins that would reveal them, instead of refusing (where every party's policy allows it); adds the margins."),
        DatasetParameter,
    ];

    public override IReadOnlyList<OutputDefinition> Outputs { get; } =
    [
        new("counts", OutputKind.Counts, "Rows per cell: one row per row level, one column per column level (one column for a one-way table); 0 where suppressed."),
        new("row_totals", OutputKind.Counts, "With suppress and two ways: rows per row level (0 where suppressed)."),
        new("column_totals", OutputKind.Counts, "With suppress and two ways: rows per column level (0 where suppressed)."),
        new("total", OutputKind.Counts, "With suppress: rows in the table (0 where suppressed)."),
        new("suppressed", OutputKind.Exact, "With suppress: 1 for each suppressed entry of the table extended by its margins, row by row: (rows + 1) x (columns + 1), the row totals last in each row, the column totals and the total last."),
        new("chi2", OutputKind.Derived, "Pearson's chi-square statistic (X-squared)."),
        new("df", OutputKind.Derived, "Its degrees of freedom."),
        new("p_value", OutputKind.Derived, "Its p-value."),
        new("expected", OutputKind.Derived, "Expected counts under the null hypothesis, row by row."),
    ];

    public override FixedPointFormat Format => FixedPointFormat.Ring64;

    // A missing cell is a row of no chosen level, counted with those.
    protected override bool AllowsMissingValues => true;

    public override IReadOnlyList<string> Validate(ProtocolParameters parameters, Mpc.Data.CsvTable dataset)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var problems = base.Validate(parameters, dataset).ToList();
        if (GroupLevels.Problem("row_levels", parameters.List("row_levels"), 2) is { } rows) problems.Add(rows);
        bool twoWay = parameters.Text("column").Length > 0;
        if (twoWay && GroupLevels.Problem("column_levels", parameters.List("column_levels"), 2) is { } columns) problems.Add(columns);
        if (!twoWay && parameters.List("column_levels").Count > 0) problems.Add("parameter 'column_levels' needs a 'column'");
        return problems;
    }

    public override IReadOnlyList<string>? Labels(string output, ProtocolParameters parameters) => output switch
    {
        "counts" when parameters.Text("column").Length == 0 => parameters.List("row_levels"),
        "row_totals" => parameters.List("row_levels"),
        "column_totals" => parameters.List("column_levels"),
        _ => null,
    };

    protected override async Task RunAsync(MpcRuntime<ulong> runtime, ProtocolContext context)
    {
        var p = context.Parameters;
        if (p.Boolean("suppress"))
        {
            await RunSuppressedAsync(runtime, context).ConfigureAwait(false);
            return;
        }
        var cells = LocalCells(context.Dataset, p, out int columns);
        // Disclosure limits, on this party's own rows before it contributes: every cell, and the rows outside them.
        runtime.RevealPolicy.CheckDisclosure("counts", DisclosureKind.CellCounts, p.Text("row"), cells);
        var counts = await Input.SumAcrossPartiesAsync(runtime, cells[..^1], columns, 0, ["count per cell"]).ConfigureAwait(false);
        await Opening.OutputAsync(runtime, counts, "counts").ConfigureAwait(false);
    }

    // Row-major cell counts of this party, then its rows in no cell.
    private static double[] LocalCells(Mpc.Data.CsvTable table, ProtocolParameters p, out int columns)
    {
        var rowLevels = p.List("row_levels");
        var rows = GroupLevels.Assign(table, p.Text("row"), rowLevels);
        bool twoWay = p.Text("column").Length > 0;
        var columnLevels = twoWay ? p.List("column_levels") : ["all"];
        var cols = twoWay ? GroupLevels.Assign(table, p.Text("column"), columnLevels) : new int[rows.Length];
        columns = columnLevels.Count;
        var cells = new double[rowLevels.Count * columns + 1];
        for (int i = 0; i < rows.Length; i++) cells[rows[i] < 0 || cols[i] < 0 ? ^1 : rows[i] * columns + cols[i]]++;
        return cells;
    }

    public override IReadOnlyDictionary<string, double[]> Derive(IReadOnlyDictionary<string, double[]> outputs, ProtocolParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(parameters);
        int columns = parameters.Text("column").Length > 0 ? parameters.List("column_levels").Count : 1;
        // A suppressed cell's count is unknown, so is the test: none rather than one on a wrong table.
        if (outputs.TryGetValue("suppressed", out var suppressed) && suppressed.Any(s => s > 0.5)) return new Dictionary<string, double[]>();
        return ChiSquare(outputs["counts"], columns, parameters.Boolean("correct"));
    }

    /// <summary>
    /// chisq.test on a table of counts (row-major, <paramref name="columns"/> columns; one column: the test of equal
    /// proportions); R's Yates correction subtracts min(0.5, |O - E|) over all cells from every |O - E| of a 2 x 2 table.
    /// </summary>
    public static Dictionary<string, double[]> ChiSquare(double[] counts, int columns, bool correct)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int rows = counts.Length / columns;
        double total = counts.Sum();
        var expected = new double[counts.Length];
        double df;
        if (columns == 1)
        {
            Array.Fill(expected, total / rows);
            df = rows - 1;
        }
        else
        {
            var rowSums = Enumerable.Range(0, rows).Select(r => counts.Skip(r * columns).Take(columns).Sum()).ToArray();
            var columnSums = Enumerable.Range(0, columns).Select(c => Enumerable.Range(0, rows).Sum(r => counts[r * columns + c])).ToArray();
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) expected[r * columns + c] = rowSums[r] * columnSums[c] / total;
            df = (rows - 1) * (columns - 1);
        }
        double yates = correct && rows == 2 && columns == 2 ? Math.Min(0.5, counts.Select((o, i) => Math.Abs(o - expected[i])).Min()) : 0;
        double chi2 = counts.Select((o, i) => Math.Pow(Math.Abs(o - expected[i]) - yates, 2) / expected[i]).Sum();
        return new Dictionary<string, double[]>
        {
            ["chi2"] = [chi2],
            ["df"] = [df],
            ["p_value"] = [SpecialFunctions.GammaUpperRegularized(df / 2, chi2 / 2)],
            ["expected"] = expected,
        };
    }

    /// <summary>Clear-text reference of every output on the pooled rows, for tests.</summary>
    public static Dictionary<string, double[]> ComputeInTheClear(IReadOnlyList<Mpc.Data.CsvTable> tables, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var bound = ProtocolParameters.Bind(new ContingencyTableProtocol().Parameters, parameters);
        int columns = 1;
        var counts = tables.Select(t => LocalCells(t, bound, out columns)[..^1]).Aggregate((a, b) => a.Zip(b, (x, y) => x + y).ToArray());
        var result = ChiSquare(counts, columns, bound.Boolean("correct"));
        result["counts"] = counts;
        return result;
    }
}
