namespace Mpc.Reporting;

/// <summary>The top-2 latent dimensions of synthetic rows (BoltzmannMachines.jl's top2latentdims, DataSHIELD's ds.dbm.top2LatentDims) as a scatter plot, as PNG.</summary>
public static class LatentChart
{
    /// <summary>Draws the (x, y) pairs, flattened as the script's latent output gives them.</summary>
    public static void Write(string path, string title, IReadOnlyList<double> latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        if (latent.Count % 2 != 0) throw new ArgumentException($"The latent dimensions come in (x, y) pairs; {latent.Count} values were given.", nameof(latent));
        var plot = new ScottPlot.Plot();
        var x = Enumerable.Range(0, latent.Count / 2).Select(i => latent[2 * i]).ToArray();
        var y = Enumerable.Range(0, latent.Count / 2).Select(i => latent[2 * i + 1]).ToArray();
        var points = plot.Add.ScatterPoints(x, y);
        points.MarkerSize = 4;
        plot.Title(title);
        plot.XLabel("latent dimension 1");
        plot.YLabel("latent dimension 2");
        PanelImage.Save(path, [plot], 1, 600, 600);
    }
}
