namespace Mpc.Reporting;

/// <summary>Kaplan-Meier curves as step lines with their confidence bands, per group, as PNG.</summary>
public static class SurvivalChart
{
    public static void Write(string path, string title, IReadOnlyList<string> groups, double[] time, double[] survival, double[] lower, double[] upper)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(time);
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int bins = time.Length;
        for (int g = 0; g < groups.Count; g++)
        {
            var color = palette.GetColor(g);
            var s = survival.AsSpan(g * bins, bins).ToArray();
            var band = plot.Add.FillY(time, lower.AsSpan(g * bins, bins).ToArray(), upper.AsSpan(g * bins, bins).ToArray());
            band.FillStyle.Color = color.WithAlpha(0.2);
            band.LineStyle.Width = 0;
            var line = plot.Add.Scatter(time, s);
            line.ConnectStyle = ScottPlot.ConnectStyle.StepHorizontal;
            line.Color = color;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = groups[g];
        }
        plot.Title(title);
        plot.XLabel("time");
        plot.YLabel("survival probability");
        plot.Axes.SetLimitsY(0, 1.02);
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = ScottPlot.Alignment.UpperRight;
        plot.SavePng(path, 800, 500);
    }
}
