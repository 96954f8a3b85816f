namespace Mpc.Reporting;

/// <summary>0/1 data as a heatmap (rows top to bottom, variables left to right), several panels side by side, as PNG.</summary>
public static class BinaryHeatmap
{
    public static void Write(string path, IReadOnlyList<(string Title, IReadOnlyList<double[]> Rows)> panels)
    {
        ArgumentNullException.ThrowIfNull(panels);
        var plots = new List<ScottPlot.Plot>();
        for (int k = 0; k < panels.Count; k++)
        {
            var (title, rows) = panels[k];
            var values = new double[rows.Count, rows.Count == 0 ? 1 : rows[0].Length];
            for (int i = 0; i < rows.Count; i++)
                for (int j = 0; j < rows[i].Length; j++) values[i, j] = 1 - rows[i][j]; // ones dark
            var plot = new ScottPlot.Plot();
            plots.Add(plot);
            var heatmap = plot.Add.Heatmap(values);
            heatmap.Colormap = new ScottPlot.Colormaps.Grayscale();
            plot.Title(title);
            plot.HideGrid();
        }
        PanelImage.Save(path, plots, panels.Count, 320, 700);
    }
}
