using System.Globalization;

namespace Mpc.Reporting;

/// <summary>
/// Kaplan-Meier curves as step lines from 1 at time 0 with their confidence bands, censoring marks and a
/// number-at-risk table under the axis, per group, as PNG (as R's survfit plots with a risk table).
/// </summary>
public static class SurvivalChart
{
    // Height of one row of the risk table, in units of the survival axis.
    private const double RowHeight = 0.07;

    /// <summary>
    /// <paramref name="time"/> is the start of each bin (equal widths); <paramref name="survival"/>, <paramref name="lower"/>,
    /// <paramref name="upper"/> hold each group's value after each bin (row-major [group, bin]); <paramref name="atRisk"/> the
    /// number at risk at the start of each bin and <paramref name="censored"/> each bin's censored count, or null.
    /// </summary>
    public static void Write(string path, string title, IReadOnlyList<string> groups, double[] time, double[] survival, double[] lower, double[] upper,
        double[]? atRisk = null, double[]? censored = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(survival);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        int bins = time.Length;
        if (bins == 0 || survival.Length != groups.Count * bins || lower.Length != survival.Length || upper.Length != survival.Length
            || (atRisk is not null && atRisk.Length != survival.Length) || (censored is not null && censored.Length != survival.Length))
            throw new ArgumentException($"{groups.Count} groups of {bins} bins do not fit the given curves.", nameof(survival));
        double width = bins > 1 ? time[1] - time[0] : Math.Max(1, time[0]);
        var plot = new ScottPlot.Plot();
        var palette = new ScottPlot.Palettes.Category10();
        // Each bin's value holds from the bin's end; before the first bin every curve is 1.
        var steps = new double[bins + 1];
        steps[0] = time[0];
        for (int b = 0; b < bins; b++) steps[b + 1] = time[b] + width;
        for (int g = 0; g < groups.Count; g++)
        {
            var color = palette.GetColor(g);
            var s = WithOne(survival, g, bins);
            var band = plot.Add.FillY(steps, WithOne(lower, g, bins), WithOne(upper, g, bins));
            band.FillStyle.Color = color.WithAlpha(0.2);
            band.LineStyle.Width = 0;
            var line = plot.Add.Scatter(steps, s);
            line.ConnectStyle = ScottPlot.ConnectStyle.StepHorizontal;
            line.Color = color;
            line.MarkerSize = 0;
            line.LineWidth = 2;
            line.LegendText = groups[g];
            if (censored is not null) AddCensoringMarks(plot, time, width, s, censored, g, bins, color);
        }
        plot.Title(title);
        plot.XLabel("time");
        plot.YLabel("survival probability");
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int t = 0; t <= 5; t++) ticks.AddMajor(t / 5.0, (t / 5.0).ToString("0.0", CultureInfo.InvariantCulture));
        plot.Axes.Left.TickGenerator = ticks;
        double bottom = atRisk is null ? 0 : -(groups.Count + 1.5) * RowHeight;
        plot.Axes.SetLimits(steps[0], steps[^1], bottom, 1.02);
        if (atRisk is not null) AddRiskTable(plot, groups, time, atRisk, bins, palette);
        plot.Legend.IsVisible = true;
        plot.Legend.Alignment = ScottPlot.Alignment.UpperRight;
        plot.SavePng(path, 900, 560 + 20 * (atRisk is null ? 0 : groups.Count));
    }

    private static double[] WithOne(double[] values, int group, int bins)
    {
        var result = new double[bins + 1];
        result[0] = 1;
        values.AsSpan(group * bins, bins).CopyTo(result.AsSpan(1));
        return result;
    }

    // A '+' in the middle of every bin with censored rows, on the curve's value there (the value before the bin's events).
    private static void AddCensoringMarks(ScottPlot.Plot plot, double[] time, double width, double[] steps, double[] censored, int group, int bins, ScottPlot.Color color)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int b = 0; b < bins; b++)
            if (censored[group * bins + b] >= 1) { xs.Add(time[b] + width / 2); ys.Add(steps[b]); }
        if (xs.Count == 0) return;
        var marks = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
        marks.LineWidth = 0;
        marks.MarkerShape = ScottPlot.MarkerShape.Cross;
        marks.MarkerSize = 7;
        marks.Color = color;
    }

    // Rows under the axis: "Number at risk", then each group's count at about six evenly spaced bin starts.
    private static void AddRiskTable(ScottPlot.Plot plot, IReadOnlyList<string> groups, double[] time, double[] atRisk, int bins, ScottPlot.Palettes.Category10 palette)
    {
        var axis = plot.Add.HorizontalLine(0);
        axis.Color = ScottPlot.Colors.Gray;
        axis.LineWidth = 1;
        var header = plot.Add.Text("Number at risk (from the same noised counts as the curves)", time[0], -0.6 * RowHeight);
        header.LabelFontSize = 12;
        header.LabelBold = true;
        header.LabelAlignment = ScottPlot.Alignment.MiddleLeft;
        int every = Math.Max(1, (int)Math.Ceiling(bins / 6.0));
        for (int g = 0; g < groups.Count; g++)
            for (int b = 0; b < bins; b += every)
            {
                var cell = plot.Add.Text(atRisk[g * bins + b].ToString("0", CultureInfo.InvariantCulture), time[b], -(g + 1.6) * RowHeight);
                cell.LabelFontSize = 12;
                cell.LabelFontColor = palette.GetColor(g);
                cell.LabelAlignment = b == 0 ? ScottPlot.Alignment.MiddleLeft : ScottPlot.Alignment.MiddleCenter;
            }
    }
}
