namespace Mpc.Reporting;

/// <summary>A grouped bar chart of secure results beside their clear-text references, as PNG.</summary>
public static class ComparisonChart
{
    public static void Write(string path, string title, IReadOnlyList<string> labels, IReadOnlyList<double> secure, IReadOnlyList<double> clear, string yLabel)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(secure);
        ArgumentNullException.ThrowIfNull(clear);
        if (labels.Count != secure.Count || labels.Count != clear.Count) throw new ArgumentException("Labels, secure and clear values must have the same count.");
        var plot = new ScottPlot.Plot();
        var bars = new List<ScottPlot.Bar>();
        for (int i = 0; i < labels.Count; i++)
        {
            bars.Add(new ScottPlot.Bar { Position = 3 * i, Value = secure[i], FillColor = ScottPlot.Colors.SteelBlue });
            bars.Add(new ScottPlot.Bar { Position = 3 * i + 1, Value = clear[i], FillColor = ScottPlot.Colors.Orange });
        }
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(labels.Select((_, i) => 3.0 * i + 0.5).ToArray(), labels.ToArray());
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = ScottPlot.Alignment.UpperLeft;
        plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = "secure (MPC)", FillColor = ScottPlot.Colors.SteelBlue });
        plot.Legend.ManualItems.Add(new ScottPlot.LegendItem { LabelText = "clear text", FillColor = ScottPlot.Colors.Orange });
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.Axes.Margins(bottom: 0);
        plot.SavePng(path, 800, 500);
    }
}
