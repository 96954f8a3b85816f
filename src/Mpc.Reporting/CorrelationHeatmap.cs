namespace Mpc.Reporting;

/// <summary>
/// Pairwise correlations of several data sets (real and synthetic) as heatmaps side by side, as PNG. Rows and columns
/// of every panel follow one order: average-linkage clustering of the first panel's 1 - r, as DataSHIELD's
/// Boltzmann machine papers show real against synthetic.
/// </summary>
public static class CorrelationHeatmap
{
    /// <summary>Writes the panels; returns the variables' order (0-based) shared by all of them.</summary>
    public static int[] Write(string path, IReadOnlyList<string> labels, IReadOnlyList<(string Title, double[,] Correlations)> panels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(panels);
        int n = labels.Count;
        if (panels.Count == 0 || panels.Any(p => p.Correlations.GetLength(0) != n || p.Correlations.GetLength(1) != n))
            throw new ArgumentException($"Give at least one panel, each a {n} x {n} correlation matrix.", nameof(panels));
        var order = HierarchicalClustering.AverageLinkageOrder(Distances(panels[0].Correlations));
        var plots = new List<ScottPlot.Plot>();
        foreach (var (title, correlations) in panels)
        {
            var values = new double[n, n];
            for (int r = 0; r < n; r++)
                for (int c = 0; c < n; c++) values[r, c] = double.IsFinite(correlations[order[r], order[c]]) ? correlations[order[r], order[c]] : double.NaN;
            var plot = new ScottPlot.Plot();
            var heatmap = plot.Add.Heatmap(values);
            heatmap.Colormap = new ScottPlot.Colormaps.Balance();
            heatmap.ManualRange = new ScottPlot.Range(-1, 1);
            heatmap.Rectangle = new ScottPlot.CoordinateRect(0, n, 0, n);
            plot.Add.ColorBar(heatmap);
            // Row 0 of the matrix is drawn at the top: its label goes at y = n - 0.5.
            var x = new ScottPlot.TickGenerators.NumericManual();
            var y = new ScottPlot.TickGenerators.NumericManual();
            for (int k = 0; k < n; k++)
            {
                x.AddMajor(k + 0.5, labels[order[k]]);
                y.AddMajor(n - k - 0.5, labels[order[k]]);
            }
            plot.Axes.Bottom.TickGenerator = x;
            plot.Axes.Left.TickGenerator = y;
            plot.Axes.Bottom.TickLabelStyle.Rotation = 90;
            plot.Axes.Bottom.TickLabelStyle.Alignment = ScottPlot.Alignment.MiddleLeft;
            plot.Axes.SetLimits(0, n, 0, n);
            plot.Title(title);
            plot.HideGrid();
            plots.Add(plot);
        }
        PanelImage.Save(path, plots, panels.Count, 520, 520);
        return order;
    }

    /// <summary>Pearson correlations of the columns of the rows (NaN where a column is constant).</summary>
    public static double[,] Of(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("Give at least one row.", nameof(rows));
        int n = rows[0].Length;
        var sums = new double[n];
        var products = new double[n, n];
        foreach (var row in rows)
            for (int i = 0; i < n; i++)
            {
                sums[i] += row[i];
                for (int j = 0; j < n; j++) products[i, j] += row[i] * row[j];
            }
        return FromMoments(rows.Count, sums, products);
    }

    /// <summary>Pearson correlations from the count, column sums and cross-product sums (what a pooled release gives).</summary>
    public static double[,] FromMoments(double count, IReadOnlyList<double> sums, double[,] products)
    {
        ArgumentNullException.ThrowIfNull(sums);
        ArgumentNullException.ThrowIfNull(products);
        int n = sums.Count;
        var r = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                double covariance = count * products[i, j] - sums[i] * sums[j];
                double scale = Math.Sqrt((count * products[i, i] - sums[i] * sums[i]) * (count * products[j, j] - sums[j] * sums[j]));
                r[i, j] = scale > 0 ? Math.Clamp(covariance / scale, -1, 1) : double.NaN;
            }
        return r;
    }

    // 1 - r, with an undefined correlation (a constant column) as no correlation.
    private static double[,] Distances(double[,] correlations)
    {
        int n = correlations.GetLength(0);
        var d = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                d[i, j] = i == j ? 0 : 1 - (double.IsFinite(correlations[i, j]) ? correlations[i, j] : 0);
        return d;
    }
}
