using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// Small-cell suppression instead of refusal (issue 30): a table asked with suppress=true shows a cell below a party's
/// minimum cell count as suppressed, and the cells and margins that would give it away too, on loopback daemons.
/// </summary>
public class TableSuppressionTests
{
    private static Dictionary<string, string> Parameters(params (string Name, string Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    // Ward a, outcome z holds 2 of hospital-a's rows: below its minimum cell count of 3.
    private static readonly string[] PartyA =
    [
        "ward,outcome",
        .. Enumerable.Repeat("a,x", 10), .. Enumerable.Repeat("a,y", 8), .. Enumerable.Repeat("a,z", 2),
        .. Enumerable.Repeat("b,x", 7), .. Enumerable.Repeat("b,y", 9), .. Enumerable.Repeat("b,z", 6),
    ];

    private static readonly string[] PartyB =
    [
        "ward,outcome",
        .. Enumerable.Repeat("a,x", 5), .. Enumerable.Repeat("a,y", 6),
        .. Enumerable.Repeat("b,x", 4), .. Enumerable.Repeat("b,y", 5), .. Enumerable.Repeat("b,z", 3),
    ];

    private static TestFederation StartWards(bool allowSuppression)
    {
        var federation = TestFederation.Create(2);
        File.WriteAllLines(federation.DataFiles[0], PartyA);
        File.WriteAllLines(federation.DataFiles[1], PartyB);
        federation.StartAll(privacy: DatasetPrivacy.Default with { AllowSuppression = allowSuppression });
        return federation;
    }

    // The clear computation: each party's extended table and flags, the pooled counts, the suppression pattern.
    private static (double[] Counts, bool[] Primary, bool[] Suppressed) InTheClear(IEnumerable<string> files, string row, string[] rowLevels, string column, string[] columnLevels, int minCellCount)
    {
        int rows = rowLevels.Length, columns = columnLevels.Length, width = columns + 1;
        var counts = new double[(rows + 1) * width];
        var primary = new bool[counts.Length];
        foreach (var file in files)
        {
            var table = CsvTable.Load(file);
            var r = GroupLevels.Assign(table, row, rowLevels);
            var c = column.Length > 0 ? GroupLevels.Assign(table, column, columnLevels) : new int[r.Length];
            var cells = new double[rows * columns];
            for (int i = 0; i < r.Length; i++)
                if (r[i] >= 0 && c[i] >= 0) cells[r[i] * columns + c[i]]++;
            var local = ContingencyTableProtocol.Extend(cells, rows, columns);
            // Rows in no cell show through the total (the dataset's size minus it): a small number of them hides the total.
            int outside = r.Length - (int)local[^1];
            primary[^1] |= outside > 0 && outside < minCellCount;
            for (int e = 0; e < local.Length; e++)
            {
                counts[e] += local[e];
                primary[e] |= local[e] > 0 && local[e] < minCellCount;
            }
        }
        return (counts, primary, CellSuppression.InTheClear(counts, primary, rows, columns, minCellCount));
    }

    // Whether the line relations (each row and column of the extended table sums to its margin) fix entry k once the shown entries are known.
    private static bool Determined(bool[] suppressed, int rows, int columns, int k)
    {
        var unknowns = Enumerable.Range(0, suppressed.Length).Where(e => suppressed[e]).ToList();
        var equations = CellSuppression.Lines(rows, columns).Select(line =>
        {
            var coefficients = new double[unknowns.Count];
            // The last entry of each line is its margin: cells minus margin is 0.
            for (int i = 0; i < line.Length; i++)
                if (suppressed[line[i]]) coefficients[unknowns.IndexOf(line[i])] = i == line.Length - 1 ? -1 : 1;
            return coefficients;
        }).ToList();
        int rank = Rank(equations);
        var target = new double[unknowns.Count];
        target[unknowns.IndexOf(k)] = 1;
        return Rank([.. equations, target]) == rank;
    }

    private static int Rank(List<double[]> matrix)
    {
        var m = matrix.Select(r => (double[])r.Clone()).ToList();
        int rank = 0, width = m.Count == 0 ? 0 : m[0].Length;
        for (int column = 0; column < width && rank < m.Count; column++)
        {
            int pivot = Enumerable.Range(rank, m.Count - rank).FirstOrDefault(r => Math.Abs(m[r][column]) > 1e-9, -1);
            if (pivot < 0) continue;
            (m[rank], m[pivot]) = (m[pivot], m[rank]);
            for (int r = 0; r < m.Count; r++)
            {
                if (r == rank || Math.Abs(m[r][column]) < 1e-12) continue;
                double factor = m[r][column] / m[rank][column];
                for (int j = 0; j < width; j++) m[r][j] -= factor * m[rank][j];
            }
            rank++;
        }
        return rank;
    }

    [Fact]
    public async Task ASmallCellIsShownSuppressedAndCannotBeRecomputedFromTheMarginsOrTheShownCells()
    {
        await using var federation = StartWards(allowSuppression: true);
        var result = await federation.Client().RunAsync("table", Parameters(("row", "ward"), ("row_levels", "a,b"), ("column", "outcome"), ("column_levels", "x,y,z"),
            ("suppress", "true")), null, default);
        var (counts, primary, expected) = InTheClear(federation.DataFiles, "ward", ["a", "b"], "outcome", ["x", "y", "z"], DatasetPrivacy.Default.MinCellCount);
        var pattern = result.Outputs["suppressed"].Values;
        Assert.Equal(expected.Select(s => s ? 1.0 : 0.0), pattern);
        // Ward a, outcome z (2 of hospital-a's rows) is suppressed, and the pattern leaves no line with a single suppressed entry.
        Assert.True(primary[2] && pattern[2] == 1);
        foreach (var line in CellSuppression.Lines(2, 3)) Assert.NotEqual(1, line.Count(e => pattern[e] == 1));
        // Shown entries are the clear counts; suppressed ones reveal 0.
        double[] revealed = [.. result.Outputs["counts"].Values.Take(3), result.Outputs["row_totals"].Values[0], .. result.Outputs["counts"].Values.Skip(3), result.Outputs["row_totals"].Values[1],
            .. result.Outputs["column_totals"].Values, result.Outputs["total"].Values[0]];
        for (int e = 0; e < counts.Length; e++) Assert.Equal(pattern[e] == 1 ? 0 : counts[e], revealed[e]);
        Assert.False(Determined(expected, 2, 3, 2), "the small cell follows from the margins and the shown cells");
        Assert.False(result.Outputs.ContainsKey("chi2"));
    }

    [Fact]
    public async Task AOneWayTableWithASmallLevelHidesItTheTotalAndAComplementButShowsTheRest()
    {
        await using var federation = TestFederation.Create(3);
        federation.StartAll(privacy: DatasetPrivacy.Default with { AllowSuppression = true });
        // lung's ph.ecog: 63, 113, 50 and 1 rows at 0, 1, 2, 3.
        var result = await federation.Client().RunAsync("table", Parameters(("row", "ph.ecog"), ("row_levels", "0,1,2,3"), ("suppress", "true")), null, default);
        var (_, primary, expected) = InTheClear(federation.DataFiles, "ph.ecog", ["0", "1", "2", "3"], "", ["all"], DatasetPrivacy.Default.MinCellCount);
        Assert.Equal(expected.Select(s => s ? 1.0 : 0.0), result.Outputs["suppressed"].Values);
        // Level 3's one row is hidden; so is the total, since one party holds lung's one row without ph.ecog (outside the
        // table), and with it the smallest other level, as the column's complement (lines are completed together each pass).
        Assert.True(primary[6] && primary[^1]);
        Assert.Equal([63.0, 113.0, 0.0, 0.0], result.Outputs["counts"].Values);
        Assert.Equal(0.0, result.Outputs["total"].Values[0]);
        Assert.False(Determined(expected, 4, 1, 6), "level 3 follows from the total and the shown levels");
        Assert.Equal(["0", "1", "2", "3"], result.Outputs["counts"].Labels);
    }

    [Fact]
    public async Task SuppressionIsRefusedWhereAPartysPolicyDoesNotAllowIt()
    {
        await using var federation = StartWards(allowSuppression: false);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync("table", Parameters(("row", "ward"), ("row_levels", "a,b"),
            ("column", "outcome"), ("column_levels", "x,y,z"), ("suppress", "true")), null, default));
        Assert.Contains("allowSuppression", error.Message, StringComparison.Ordinal);
    }
}
