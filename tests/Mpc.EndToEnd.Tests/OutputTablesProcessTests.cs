namespace Mpc.EndToEnd.Tests;

/// <summary>`mpc local --out DIR` writes every output of several values as DIR/NAME.csv, and `mpc datasets` lists columns.</summary>
public class OutputTablesProcessTests
{
    private static readonly TimeSpan Session = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task EveryTabularOutputIsWrittenAsACsvFileInTheOutputFolder()
    {
        var folder = Directory.CreateTempSubdirectory("mpc-out-tables-").FullName;
        try
        {
            var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
            var sites = new[] { "a", "b" }.Select(s => Path.Combine(folder, $"site-{s}.csv")).ToArray();
            File.WriteAllLines(sites[0], lines.Take(115));
            File.WriteAllLines(sites[1], lines.Take(1).Concat(lines.Skip(115)));
            string output = Path.Combine(folder, "out");
            using (var run = MpcProcess.Start("local", "table", "-d", sites[0], "-d", sites[1], "-p", "row=sex", "-p", "row_levels=1,2", "-p", "column=status",
                "-p", "column_levels=0,1", "--min-cell-count", "1", "--out", output))
                Assert.True(await run.WaitForExitAsync(Session) == 0, string.Join("\n", run.Output));
            // sex x status on the lung rows: R's table(lung$sex, lung$status) is 26 112 / 37 53.
            Assert.Equal(["V1,V2", "26,112", "37,53"], File.ReadAllLines(Path.Combine(output, "counts.csv")));
            Assert.Equal(4, File.ReadAllLines(Path.Combine(output, "expected.csv")).Length - 1);
            Assert.False(File.Exists(Path.Combine(output, "chi2.csv")), "a single value got a table");

            // A local run's folder holds one run's transcripts: the next run writes to another.
            string second = Path.Combine(folder, "out2");
            using (var run = MpcProcess.Start("local", "t-test", "-d", sites[0], "-d", sites[1], "-p", "value=age", "-p", "group=sex", "-p", "levels=1,2", "--out", second))
                Assert.True(await run.WaitForExitAsync(Session) == 0, string.Join("\n", run.Output));
            var n = File.ReadAllLines(Path.Combine(second, "n.csv"));
            Assert.Equal(["name,value", "\"1\",138", "\"2\",90"], n);

            // A summary by group prints one row per level and writes them as summary.csv.
            string third = Path.Combine(folder, "out3");
            using (var run = MpcProcess.Start("local", "summary", "-d", sites[0], "-d", sites[1], "-p", "value=age", "-p", "group=sex", "-p", "levels=1,2",
                "-p", "lower=0", "-p", "upper=128", "-p", "resolution=1", "-p", "probs=0.25,0.5", "--out", third))
            {
                Assert.True(await run.WaitForExitAsync(Session) == 0, string.Join("\n", run.Output));
                // R: aggregate(age ~ sex, lung, function(x) c(length(x), median(x))) gives 138, 64 and 90, 61; the grid ranks (m = 3) 68 and 44 give 64 and 60.
                Assert.Contains(run.Output, l => l.Contains("group", StringComparison.Ordinal) && l.Contains("mean", StringComparison.Ordinal) && l.Contains("50%", StringComparison.Ordinal));
                Assert.Contains(run.Output, l => l.TrimStart().StartsWith("1 ", StringComparison.Ordinal) && l.Contains(" 138 ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(" 64", StringComparison.Ordinal));
            }
            var summary = File.ReadAllLines(Path.Combine(third, "summary.csv"));
            Assert.Equal("\"group\",\"n\",\"mean\",\"sd\",\"25%\",\"50%\"", summary[0]);
            var female = summary[2].Split(',');
            Assert.Equal(["\"2\"", "90"], female[..2]);
            Assert.Equal(60.0, double.Parse(female[^1], System.Globalization.CultureInfo.InvariantCulture), 6);
            Assert.Equal("\"25%\",\"50%\"", File.ReadAllLines(Path.Combine(third, "quantiles.csv"))[0]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task TheSurvivalPlotAndItsTableCarryTheNumberAtRiskAndTheCensoredFromTheNoisedCounts()
    {
        var folder = Directory.CreateTempSubdirectory("mpc-out-km-").FullName;
        try
        {
            var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
            var sites = new[] { "a", "b" }.Select(s => Path.Combine(folder, $"site-{s}.csv")).ToArray();
            File.WriteAllLines(sites[0], lines.Where((_, i) => i == 0 || i % 2 == 1));
            File.WriteAllLines(sites[1], lines.Where((_, i) => i == 0 || (i > 0 && i % 2 == 0)));
            string output = Path.Combine(folder, "out");
            string script = Path.Combine(TestFederation.RepositoryRoot(), "protocols", "kaplan-meier.csx");
            using (var run = MpcProcess.Start("local", script, "-d", sites[0], "-d", sites[1], "-p", "group=sex", "-p", "levels=1,2", "-p", "horizon=1022", "--out", output))
                Assert.True(await run.WaitForExitAsync(Session) == 0, string.Join("\n", run.Output));
            var table = File.ReadAllLines(Path.Combine(output, "km-curve.csv"));
            Assert.Equal("group,time,survival,lower,upper,n.risk,n.censor", table[0]);
            // The first row of each group: at time 0, at risk the rounded noised total of that group's counts (what the curve starts from).
            var counts = File.ReadAllLines(Path.Combine(output, "curve_counts.csv")).Skip(1).Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            int bins = (table.Length - 1) / 2;
            Assert.Equal(4 * bins, counts.Length);
            double total = Enumerable.Range(0, bins).Sum(b => counts[b] + counts[2 * bins + b]);
            var first = table[1].Split(',');
            Assert.Equal(Math.Max(0, Math.Round(total)), double.Parse(first[5], System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(new FileInfo(Path.Combine(output, "km-curve.png")).Length > 10_000);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
