namespace Mpc.Boltzmann;

/// <summary>
/// A fixed grid of <see cref="Bins"/> x <see cref="Bins"/> cells over the latent picture, for a 2-D histogram of rows projected
/// into it. Its range comes from public points (the synthetic rows' projection), never from a party's rows, so every party
/// bins identically and the grid itself tells nothing about the data. Cells are row-major: cell = yBin * Bins + xBin, y
/// from the bottom. A point outside the range falls in no cell.
/// </summary>
public sealed record LatentGrid(double XMin, double XMax, double YMin, double YMax, int Bins)
{
    /// <summary>The default number of bins per axis.</summary>
    public const int DefaultBins = 20;

    /// <summary>The share of each axis' span the grid extends beyond the public points on either side.</summary>
    public const double Padding = 0.1;

    /// <summary>The grid over the range of <paramref name="points"/> ((x, y) pairs), widened by <see cref="Padding"/> of the span on each side.</summary>
    public static LatentGrid Around(IReadOnlyList<double[]> points, int bins = DefaultBins)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count == 0 || points.Any(p => p is null || p.Length != 2 || !double.IsFinite(p[0]) || !double.IsFinite(p[1])))
            throw new ArgumentException("Give at least one finite (x, y) point.", nameof(points));
        if (bins is < 2 or > 200) throw new ArgumentOutOfRangeException(nameof(bins), "Between 2 and 200 bins per axis.");
        var (xMin, xMax) = Widened(points.Min(p => p[0]), points.Max(p => p[0]));
        var (yMin, yMax) = Widened(points.Min(p => p[1]), points.Max(p => p[1]));
        return new LatentGrid(xMin, xMax, yMin, yMax, bins);
    }

    /// <summary>The grid as revealed: x min, x max, y min, y max, bins.</summary>
    public double[] Values() => [XMin, XMax, YMin, YMax, Bins];

    /// <summary>The grid from its <see cref="Values"/>.</summary>
    public static LatentGrid FromValues(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count != 5 || !(values[0] < values[1]) || !(values[2] < values[3]) || values[4] is < 2 or > 200 || values[4] != Math.Floor(values[4]))
            throw new ArgumentException("A latent grid is x min, x max, y min, y max (each min below its max) and a whole number of bins.", nameof(values));
        return new LatentGrid(values[0], values[1], values[2], values[3], (int)values[4]);
    }

    /// <summary>Number of cells.</summary>
    public int Cells => Bins * Bins;

    /// <summary>The cell of a point, or -1 outside the grid (the upper edges belong to the last cells).</summary>
    public int CellOf(double x, double y)
    {
        int ix = Bin(x, XMin, XMax), iy = Bin(y, YMin, YMax);
        return ix < 0 || iy < 0 ? -1 : iy * Bins + ix;
    }

    /// <summary>How many of <paramref name="points"/> fall in each cell (row-major).</summary>
    public double[] Counts(IEnumerable<double[]> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var counts = new double[Cells];
        foreach (var p in points)
        {
            int cell = CellOf(p[0], p[1]);
            if (cell >= 0) counts[cell]++;
        }
        return counts;
    }

    /// <summary>The centre of bin <paramref name="index"/> along an axis from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public double Centre(int index, double min, double max) => min + (index + 0.5) * (max - min) / Bins;

    private int Bin(double value, double min, double max)
    {
        if (!double.IsFinite(value) || value < min || value > max) return -1;
        return Math.Min(Bins - 1, (int)Math.Floor((value - min) / (max - min) * Bins));
    }

    // A point range made a proper interval: a zero span becomes one unit around the point.
    private static (double Min, double Max) Widened(double min, double max)
    {
        double span = max - min;
        return span > 0 ? (min - Padding * span, max + Padding * span) : (min - 1, max + 1);
    }
}
