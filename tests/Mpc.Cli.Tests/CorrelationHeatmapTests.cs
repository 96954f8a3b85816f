using System.Diagnostics;
using System.Globalization;
using Mpc.EndToEnd.Tests;
using Mpc.Reporting;

namespace Mpc.Cli.Tests;

/// <summary>The clustered correlation heatmaps: correlations and leaf order against R's cor and hclust, and the image written.</summary>
public sealed class CorrelationHeatmapTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mpc-heatmap-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [RscriptFact]
    public void CorrelationsAndTheirAverageLinkageOrderAreRsCorAndHclust()
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var rows = Blocks(seed);
            string csv = WriteCsv("data.csv", rows);
            var r = RunR($"x <- as.matrix(read.csv('{csv}', header = FALSE)); c <- cor(x); cat(hclust(as.dist(1 - c), method = 'average')$order, '\\n'); cat(sprintf('%.17g', c), '\\n')");
            var correlations = CorrelationHeatmap.Of(rows);
            int n = rows[0].Length;
            var expected = r[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            // R prints the matrix by column; it is symmetric.
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    Assert.True(Math.Abs(correlations[i, j] - expected[j * n + i]) < 1e-12, $"seed {seed}: r[{i + 1},{j + 1}] {correlations[i, j]} against R's {expected[j * n + i]}");
            var distances = new double[n, n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) distances[i, j] = i == j ? 0 : 1 - correlations[i, j];
            Assert.Equal(Order(r[0]), HierarchicalClustering.AverageLinkageOrder(distances).Select(k => k + 1).ToArray());
        }
    }

    [RscriptFact]
    public void TheOrderOfEuclideanDistancesBetweenRandomPointsIsHclusts()
    {
        foreach (int seed in new[] { 4, 5 })
        {
            var random = new Random(seed);
            var points = Enumerable.Range(0, 17).Select(_ => new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() }).ToList();
            string csv = WriteCsv("points.csv", points);
            var r = RunR($"x <- as.matrix(read.csv('{csv}', header = FALSE)); cat(hclust(dist(x), method = 'average')$order, '\\n')");
            var distances = new double[points.Count, points.Count];
            for (int i = 0; i < points.Count; i++)
                for (int j = 0; j < points.Count; j++) distances[i, j] = Math.Sqrt(points[i].Zip(points[j], (a, b) => (a - b) * (a - b)).Sum());
            Assert.Equal(Order(r[0]), HierarchicalClustering.AverageLinkageOrder(distances).Select(k => k + 1).ToArray());
        }
    }

    [Fact]
    public void TheHeatmapIsAPngWithOnePanelPerDataSetInTheClusteredOrder()
    {
        var real = Blocks(7);
        var labels = Enumerable.Range(1, real[0].Length).Select(j => $"x{j}").ToList();
        string path = Path.Combine(_folder, "correlations.png");
        var order = CorrelationHeatmap.Write(path, labels, [("real", CorrelationHeatmap.Of(real)), ("synthetic", CorrelationHeatmap.Of(Blocks(8)))]);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        // The IHDR chunk: width and height, big-endian, after the 8-byte signature and the chunk's length and type.
        int width = (bytes[16] << 24) | (bytes[17] << 16) | (bytes[18] << 8) | bytes[19];
        Assert.Equal(2 * 520, width);
        // Each block's three variables stand together in the order.
        var position = order.Select((variable, at) => (variable, at)).ToDictionary(p => p.variable, p => p.at);
        for (int block = 0; block < 3; block++)
        {
            var at = Enumerable.Range(3 * block, 3).Select(v => position[v]).Order().ToArray();
            Assert.Equal(2, at[2] - at[0]);
        }
    }

    // Three blocks of three variables that move together, plus noise: a correlation matrix with a clear clustering.
    private static List<double[]> Blocks(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 60).Select(_ =>
        {
            var latent = Enumerable.Range(0, 3).Select(_ => random.NextDouble()).ToArray();
            return Enumerable.Range(0, 9).Select(v => latent[v / 3] + 0.6 * random.NextDouble()).ToArray();
        }).ToList();
    }

    private string WriteCsv(string name, IReadOnlyList<double[]> rows)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllLines(path, rows.Select(r => string.Join(",", r.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        return path;
    }

    private static int[] Order(string line) => [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture))];

    private static string[] RunR(string code)
    {
        var start = new ProcessStartInfo(RscriptFactAttribute.Rscript!) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(code);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
