using Mpc.Reporting;

namespace Mpc.Cli.Tests;

/// <summary>latent.png: the synthetic rows' latent dimensions, over the parties' pooled cell counts where the run released them.</summary>
public sealed class LatentChartTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mpc-latent-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TheDensityIsDrawnBehindThePointsAndAMisshapenOneIsRefused()
    {
        var random = new Random(7);
        var latent = Enumerable.Range(0, 200).Select(_ => random.NextDouble()).ToArray();
        double[] grid = [-0.1, 1.1, -0.1, 1.1, 4];
        // Noised counts can be negative; they are drawn as empty cells.
        double[] density = [.. Enumerable.Range(0, 16).Select(c => c % 5 == 0 ? -2.0 : c)];
        string plain = Path.Combine(_folder, "plain.png"), withDensity = Path.Combine(_folder, "density.png");
        LatentChart.Write(plain, "points", latent);
        LatentChart.Write(withDensity, "points", latent, grid, density);
        Assert.True(new FileInfo(withDensity).Length > 1000);
        Assert.NotEqual(File.ReadAllBytes(plain), File.ReadAllBytes(withDensity));
        Assert.Throws<ArgumentException>(() => LatentChart.Write(Path.Combine(_folder, "bad.png"), "points", latent, grid, density[..15]));
        Assert.Throws<ArgumentException>(() => LatentChart.Write(Path.Combine(_folder, "bad.png"), "points", latent, [1, 0, 0, 1, 4], density));
    }
}
