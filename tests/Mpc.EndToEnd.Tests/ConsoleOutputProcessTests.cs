using System.Globalization;

namespace Mpc.EndToEnd.Tests;

/// <summary>What `mpc local` prints: labelled outputs as R prints named vectors, and progress as plain lines where standard error is no terminal.</summary>
public class ConsoleOutputProcessTests
{
    private const string Totals = """
        Describe("Column totals.");
        Parameter("columns", ParameterType.ColumnList, null, "Columns.");
        Output("totals", "Pooled totals.");
        Label("totals", p => p.List("columns"));
        Run(async mpc => await mpc.Output("totals", await mpc.SumAcrossParties(mpc.List("columns").Select(c => mpc.Column(c).Sum()).ToArray())));
        """;

    [Fact]
    public async Task ALabelledOutputPrintsItsNamesOverItsValuesAndProgressIsPlainLinesInAPipe()
    {
        var folder = Directory.CreateTempSubdirectory("mpc-console-").FullName;
        try
        {
            string lung = Path.Combine(AppContext.BaseDirectory, "data", "lung.csv");
            string script = Path.Combine(folder, "totals.csx");
            File.WriteAllText(script, Totals);
            using var run = MpcProcess.Start("local", script, "-d", lung, "-d", lung, "-p", "columns=time,age");
            await run.AssertExitAsync(0, TimeSpan.FromMinutes(3));

            var printed = run.Output.ToList();
            int at = printed.IndexOf("  totals");
            Assert.True(at >= 0, string.Join("\n", printed));
            // R: colSums(rbind(lung, lung)[, c("time", "age")]) prints the names right-aligned over the values.
            var table = Mpc.Data.CsvTable.Load(lung);
            Assert.Matches(@"^\s+time\s+age$", printed[at + 1]);
            Assert.Equal([(2 * table.Column("time").Sum()).ToString(CultureInfo.InvariantCulture), (2 * table.Column("age").Sum()).ToString(CultureInfo.InvariantCulture)],
                printed[at + 2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(printed[at + 1].Length, printed[at + 2].Length);
            // Not a terminal: timestamped lines, no bar and no terminal control codes.
            Assert.Contains(printed, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\[\s*\d+\.\d\d s\] session .* started on 2 parties"));
            Assert.DoesNotContain(printed, l => l.Contains('\u001b', StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
