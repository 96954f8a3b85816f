using System.Text.Json;
using Mpc.Cli.Commands;

namespace Mpc.Cli.Tests;

/// <summary>The demo's small DataSHIELD experiment, run as the demo runs it: its pooled DBMs keep the blocks it shows.</summary>
public sealed class DemoBlocksExperimentTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mpc-demo-blocks-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task TheSmallExperimentsPooledDbmsKeepBothBlocksAndItsPlotsAreWritten()
    {
        await BlocksExperiment.RunAsync(_folder, BlocksExperiment.Setup.Small, [2], [], 5, TextWriter.Null, default);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_folder, "results.json")));
        var real = json.RootElement.GetProperty("real_rows_per_block").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        Assert.Equal([50, 50], real);
        foreach (var method in new[] { "pooled (clear text, one place)", "pooled (MPC)" })
        {
            var entry = json.RootElement.GetProperty("configurations").EnumerateArray().Single(c => c.GetProperty("method").GetString() == method);
            var blocks = entry.GetProperty("rows_per_block").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            // Of 500 synthetic rows, a block the model lost has about 500 * 0.1^5 rows; one it learned is within a fifth to twice the real 50.
            Assert.All(blocks, b => Assert.True(b is >= 10 and <= 100, $"{method}: rows per block {string.Join(", ", blocks)} against the real {string.Join(", ", real)}"));
        }
        // The real correlations the heatmap shows come from examples/correlation's released sums: those of the rows in one place.
        var rows = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "examples", "data", "blocks-in-noise.csv")).Skip(1)
            .Select(l => l.Split(',').Take(12).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();
        var clear = Mpc.Reporting.CorrelationHeatmap.Of(rows);
        var pooled = json.RootElement.GetProperty("real_correlations_pooled").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < 12; j++) Assert.True(Math.Abs(pooled[i][j] - clear[i, j]) < 1e-6, $"r[{i + 1},{j + 1}]: pooled {pooled[i][j]}, clear {clear[i, j]}");
        Assert.True(new FileInfo(Path.Combine(_folder, "heatmaps.png")).Length > 0);
        Assert.True(new FileInfo(Path.Combine(_folder, "correlations.png")).Length > 0);
    }
}
