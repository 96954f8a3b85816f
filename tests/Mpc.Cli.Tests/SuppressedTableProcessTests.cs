using Mpc.Cli.Commands;

namespace Mpc.Cli.Tests;

/// <summary>The real 'mpc local table' with suppress=true: small cells printed with the suppression mark, or refused where the parties do not allow it.</summary>
public sealed class SuppressedTableProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mpc-cli-suppress-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    // Site 0 holds 2 rows of ward a with outcome z: below the default minimum cell count of 3.
    private string[] Sites()
    {
        string[][] rows =
        [
            [.. Enumerable.Repeat("a,x", 10), .. Enumerable.Repeat("a,y", 8), .. Enumerable.Repeat("a,z", 2), .. Enumerable.Repeat("b,x", 7), .. Enumerable.Repeat("b,y", 9), .. Enumerable.Repeat("b,z", 6)],
            [.. Enumerable.Repeat("a,x", 5), .. Enumerable.Repeat("a,y", 6), .. Enumerable.Repeat("b,x", 4), .. Enumerable.Repeat("b,y", 5), .. Enumerable.Repeat("b,z", 3)],
        ];
        return [.. rows.Select((site, i) =>
        {
            string path = Path.Combine(_folder, $"site-{i}.csv");
            File.WriteAllLines(path, site.Prepend("ward,outcome"));
            return path;
        })];
    }

    [Fact]
    public async Task ATableWithASmallCellPrintsItAsSuppressedWhereThePartiesAllowIt()
    {
        var sites = Sites();
        using var run = MpcProcess.Start("local", "table", "-d", sites[0], "-d", sites[1], "-p", "row=ward", "-p", "row_levels=a,b", "-p", "column=outcome",
            "-p", "column_levels=x,y,z", "-p", "suppress=true", "--allow-suppression");
        await run.AssertExitAsync(0, TimeSpan.FromMinutes(3));
        // addmargins' layout: the levels and Sum, ward a's z cell (2 of site 0's rows) marked.
        Assert.Equal(["x", "y", "z", "Sum"], run.StandardOutput.Single(l => l.StartsWith("ward ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]);
        var wardA = run.StandardOutput.Single(l => l.StartsWith("  a ", StringComparison.Ordinal));
        Assert.Equal(CountTable.SuppressedMark, wardA.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3]);
        Assert.Contains(CountTable.SuppressionNote, run.StandardOutput);
        Assert.DoesNotContain(run.StandardOutput, l => l.Contains(" 2 ", StringComparison.Ordinal) && l.StartsWith("  a ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SuppressionIsRefusedWhereThePartiesDoNotAllowIt()
    {
        var sites = Sites();
        using var run = MpcProcess.Start("local", "table", "-d", sites[0], "-d", sites[1], "-p", "row=ward", "-p", "row_levels=a,b", "-p", "column=outcome",
            "-p", "column_levels=x,y,z", "-p", "suppress=true");
        await run.AssertExitAsync(ExitCode.Aborted, TimeSpan.FromMinutes(3));
        Assert.Contains(run.StandardError, l => l.Contains("allowSuppression", StringComparison.Ordinal));
    }
}
