namespace Mpc.Reporting;

/// <summary>Training curves (one panel per metric, one line per model part), as DataSHIELD's plotMonitoring, as PNG.</summary>
public static class MonitoringChart
{
    public static void Write(string path, string title, IReadOnlyList<(string Part, int Epoch, string Metric, double Value)> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var metrics = points.Select(p => p.Metric).Distinct().ToList();
        var plots = new List<ScottPlot.Plot>();
        for (int m = 0; m < metrics.Count; m++)
        {
            var plot = new ScottPlot.Plot();
            plots.Add(plot);
            foreach (var part in points.Where(p => p.Metric == metrics[m]).GroupBy(p => p.Part))
            {
                var ordered = part.OrderBy(p => p.Epoch).ToList();
                var scatter = plot.Add.Scatter(ordered.Select(p => (double)p.Epoch).ToArray(), ordered.Select(p => p.Value).ToArray());
                scatter.LegendText = part.Key;
            }
            plot.Title(m == 0 ? $"{title}: {metrics[m]}" : metrics[m]);
            plot.XLabel("epoch");
            plot.ShowLegend();
        }
        PanelImage.Save(path, plots, 1, 900, 300);
    }
}
