namespace Mpc.Reporting;

/// <summary>
/// The top-2 latent dimensions of synthetic rows (BoltzmannMachines.jl's top2latentdims, DataSHIELD's ds.dbm.top2LatentDims) as a
/// scatter plot, as PNG; with the parties' latent density (pooled cell counts of their own rows on a grid, never the rows) as a
/// heatmap behind the points.
/// </summary>
public static class LatentChart
{
    /// <summary>
    /// Draws the (x, y) pairs, flattened as the script's latent output gives them; with <paramref name="grid"/> (x min, x max, y min,
    /// y max, bins) and <paramref name="density"/> (bins x bins counts, row-major, y from the bottom; noised ones may be negative and
    /// are drawn as 0) the real rows' density behind them.
    /// </summary>
    public static void Write(string path, string title, IReadOnlyList<double> latent, IReadOnlyList<double>? grid = null, IReadOnlyList<double>? density = null)
    {
        ArgumentNullException.ThrowIfNull(latent);
        if (latent.Count % 2 != 0) throw new ArgumentException($"The latent dimensions come in (x, y) pairs; {latent.Count} values were given.", nameof(latent));
        var plot = new ScottPlot.Plot();
        if (grid is not null && density is not null) AddDensity(plot, grid, density);
        var x = Enumerable.Range(0, latent.Count / 2).Select(i => latent[2 * i]).ToArray();
        var y = Enumerable.Range(0, latent.Count / 2).Select(i => latent[2 * i + 1]).ToArray();
        var points = plot.Add.ScatterPoints(x, y);
        points.MarkerSize = 4;
        points.Color = ScottPlot.Colors.OrangeRed;
        points.LegendText = "synthetic rows";
        plot.Title(title);
        plot.XLabel("latent dimension 1");
        plot.YLabel("latent dimension 2");
        PanelImage.Save(path, [plot], 1, 700, 600);
    }

    private static void AddDensity(ScottPlot.Plot plot, IReadOnlyList<double> grid, IReadOnlyList<double> density)
    {
        int bins = grid.Count == 5 ? (int)grid[4] : 0;
        if (bins < 2 || density.Count != bins * bins || !(grid[0] < grid[1]) || !(grid[2] < grid[3]))
            throw new ArgumentException("A latent density is bins x bins counts on a grid of x min, x max, y min, y max and bins.", nameof(density));
        // The matrix's row 0 is drawn at the top; the density's first row of cells is the bottom one.
        var values = new double[bins, bins];
        for (int iy = 0; iy < bins; iy++)
            for (int ix = 0; ix < bins; ix++) values[bins - 1 - iy, ix] = Math.Max(0, density[iy * bins + ix]);
        var heatmap = plot.Add.Heatmap(values);
        heatmap.Colormap = new LightToDark(new ScottPlot.Colormaps.Blues());
        heatmap.Rectangle = new ScottPlot.CoordinateRect(grid[0], grid[1], grid[2], grid[3]);
        plot.Add.ColorBar(heatmap).Label = "parties' rows per cell";
    }

    // Empty cells white and dense ones dark, so the synthetic points stay visible on the empty background.
    private sealed class LightToDark(ScottPlot.IColormap inner) : ScottPlot.IColormap
    {
        public string Name => inner.Name + " (reversed)";

        public ScottPlot.Color GetColor(double normalizedIntensity) => inner.GetColor(1 - normalizedIntensity);
    }
}
