using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Mpc.Federation.Tests;

/// <summary>What `mpc local` prints: labelled outputs as R prints named vectors, and progress as plain lines where standard error is no terminal.</summary>
public class ConsoleOutputProcessTests
{
    [Fact]
    public async Task ALabelledOutputPrintsItsNamesOverItsValuesAndProgressIsPlainLinesInAPipe()
    {
        var folder = Directory.CreateTempSubdirectory("mpc-console-").FullName;
        try
        {
            var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
            var sites = new[] { "a", "b" }.Select(s => Path.Combine(folder, $"site-{s}.csv")).ToArray();
            File.WriteAllLines(sites[0], lines.Take(101));
            File.WriteAllLines(sites[1], lines.Take(1).Concat(lines.Skip(101)));
            string script = Path.Combine(folder, "totals.csx");
            File.WriteAllText(script, """
                Describe("Column totals.");
                Parameter("columns", ParameterType.ColumnList, null, "Columns.");
                Output("totals", "Pooled totals.");
                Label("totals", p => p.List("columns"));
                Run(async mpc => await mpc.Output("totals", await mpc.SumAcrossParties(mpc.List("columns").Select(c => mpc.Column(c).Sum()).ToArray())));
                """);
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "mpc.dll"), "local", script, "-d", sites[0], "-d", sites[1], "-p", "columns=time,age" })
                info.ArgumentList.Add(argument);
            using var process = Process.Start(info)!;
            var standardError = process.StandardError.ReadToEndAsync();
            var standardOutput = await process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await standardError}");

            var rows = Lung(lines);
            var printed = standardOutput.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            int at = printed.IndexOf("  totals");
            Assert.True(at >= 0, standardOutput);
            // R: colSums(lung[, c("time", "age")]) prints "  time   age" over "69593 14238", each column right-aligned.
            Assert.Matches(@"^\s+time\s+age$", printed[at + 1]);
            Assert.Equal([rows.Sum(r => r.Time).ToString(System.Globalization.CultureInfo.InvariantCulture), rows.Sum(r => r.Age).ToString(System.Globalization.CultureInfo.InvariantCulture)],
                printed[at + 2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal(printed[at + 1].Length, printed[at + 2].Length);
            // Not a terminal: timestamped lines, no bar and no terminal control codes.
            Assert.Matches(new Regex(@"^\[\s*\d+\.\d\d s\] session .* started on 2 parties", RegexOptions.Multiline), await standardError);
            Assert.DoesNotContain("\u001b[", await standardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static List<(double Time, double Age)> Lung(string[] lines) =>
        [.. lines.Skip(1).Select(l => l.Split(',')).Select(f => (double.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture)))];
}
