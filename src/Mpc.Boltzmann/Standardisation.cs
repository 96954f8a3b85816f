namespace Mpc.Boltzmann;

/// <summary>
/// The pooled means and standard deviations (n - 1 denominator, as R's sd) that standardise Gaussian visible columns to the
/// model's scale (BoltzmannMachines.jl's GaussianBernoulliRBM is trained on standardised data; see <see cref="VisibleSd"/>). They come from
/// one pooled sum of x, x^2 and the row count over all parties' rows, never from one party's rows alone: exact
/// (<see cref="PoolAsync"/>) or, in a DP run, clipped to public ranges and noised (<see cref="PoolPrivateAsync"/>).
/// </summary>
public sealed record Standardisation(IReadOnlyList<double> Means, IReadOnlyList<double> StandardDeviations)
{
    /// <summary>
    /// The model's conditional SD of a visible unit in units of the column's SD (BoltzmannMachines.jl's GaussianBernoulliRBM
    /// <c>sd</c> divided by the data's): rows are divided by it too. At 1 (unit variance after standardisation) a
    /// Gaussian-Bernoulli RBM, whose marginal variance is 1 plus what its hidden units add, cannot learn a correlation; below 1
    /// the hidden units can carry it.
    /// </summary>
    public double VisibleSd { get; init; } = 1;

    /// <summary>The release under which the pooled sums are made (planned by nothing else: it precedes training).</summary>
    public const string Release = "standardisation";

    /// <summary>Pools x, x^2 and a count over every party's <paramref name="rows"/> (each party calls this with its own) and returns the means and SDs.</summary>
    public static async Task<Standardisation> PoolAsync(IStatisticsPool pool, IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(rows);
        if (pool.IsPrivate) throw new ArgumentException("Pooled standardisation opens exact sums; a DP pool would need a budget and a public range for them.", nameof(pool));
        if (rows.Count == 0) throw new ArgumentException("This party has no rows.", nameof(rows));
        int columns = rows[0].Length;
        if (rows.Any(r => r.Length != columns)) throw new ArgumentException($"Every row needs {columns} values.", nameof(rows));
        var sum = await pool.SumAsync(Release, [.. rows.Select(r => Moments(r))], 2 * columns + 1).ConfigureAwait(false);
        return FromSums(sum, columns);
    }

    /// <summary>Shares of a DP run's budget the standardisation takes: its noise is that of one of this many equal releases spending the whole budget.</summary>
    public const int PrivateShares = 10;

    /// <summary>The smallest SD a DP standardisation gives a column, as a share of its public range (noise can leave a variance at or below 0).</summary>
    public const double MinimumSdShare = 0.01;

    /// <summary>
    /// DP means and SDs: each value is clipped to its column's public range [lower, upper] (from the parties' configuration, never
    /// the data) and mapped to u in [-1, 1] (centred, so that the sum of u^2 stays close to the variance's scale); each record (u, u^2, 1) has L2 norm at most sqrt(2d + 1), so it needs no further
    /// clipping, and the pooled sum is released with distributed Skellam noise under a release reserved at
    /// <see cref="PrivateShares"/> of the run's budget, before training (whose steps are calibrated into what is left). Means
    /// are kept within the range and SDs at least <see cref="MinimumSdShare"/> of it.
    /// </summary>
    public static async Task<Standardisation> PoolPrivateAsync<T>(PrivateStatisticsPool<T> pool, IReadOnlyList<double[]> rows, IReadOnlyList<double> lower, IReadOnlyList<double> upper)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        int columns = lower.Count;
        if (columns == 0 || upper.Count != columns || Enumerable.Range(0, columns).Any(j => !(lower[j] < upper[j])))
            throw new ArgumentException("Give every column a range with its lower bound below its upper one.", nameof(upper));
        if (rows.Any(r => r.Length != columns)) throw new ArgumentException($"Every row needs {columns} values.", nameof(rows));
        int dimension = 2 * columns + 1;
        pool.Reserve(new StatisticsRelease(Release, 1, dimension, Math.Sqrt(dimension), 1), PrivateShares);
        var records = rows.Select(r => Moments([.. Unit(r, lower, upper)])).ToList();
        var sum = await pool.SumAsync(Release, records, dimension).ConfigureAwait(false);
        double n = Math.Max(2, sum[2 * columns]);
        var means = new double[columns];
        var sds = new double[columns];
        for (int j = 0; j < columns; j++)
        {
            double half = (upper[j] - lower[j]) / 2;
            double mean = Math.Clamp(sum[j] / n, -1, 1);
            double variance = (sum[columns + j] - n * mean * mean) / (n - 1);
            means[j] = lower[j] + half * (mean + 1);
            sds[j] = half * Math.Sqrt(Math.Max(variance, 4 * MinimumSdShare * MinimumSdShare));
        }
        return new Standardisation(means, sds);
    }

    /// <summary>A row clipped to the ranges (the values a DP run trains on).</summary>
    public static double[] Clip(double[] row, IReadOnlyList<double> lower, IReadOnlyList<double> upper)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        return [.. row.Select((x, j) => Math.Clamp(x, lower[j], upper[j]))];
    }

    // A row clipped to its ranges and mapped to [-1, 1].
    private static IEnumerable<double> Unit(double[] row, IReadOnlyList<double> lower, IReadOnlyList<double> upper) =>
        row.Select((x, j) => 2 * (Math.Clamp(x, lower[j], upper[j]) - lower[j]) / (upper[j] - lower[j]) - 1);

    /// <summary>The same from rows in one place: the clear-text reference.</summary>
    public static Standardisation Of(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("Give at least one row.", nameof(rows));
        int columns = rows[0].Length;
        return FromSums(StatisticsSum.Of([.. rows.Select(r => Moments(r))], 2 * columns + 1), columns);
    }

    // One record: x_1..x_d, x_1^2..x_d^2, 1.
    private static double[] Moments(double[] row) => [.. row, .. row.Select(x => x * x), 1];

    private static Standardisation FromSums(double[] sum, int columns)
    {
        double n = sum[2 * columns];
        if (n < 2) throw new ArgumentException("Standardisation needs at least two pooled rows.");
        var means = new double[columns];
        var sds = new double[columns];
        for (int j = 0; j < columns; j++)
        {
            means[j] = sum[j] / n;
            double variance = Math.Max(0, (sum[columns + j] - n * means[j] * means[j]) / (n - 1));
            // A constant column keeps its scale: dividing by 0 would make every value infinite.
            sds[j] = variance > 0 ? Math.Sqrt(variance) : 1;
        }
        return new Standardisation(means, sds);
    }

    /// <summary>(x - mean) / (sd <see cref="VisibleSd"/>) per column.</summary>
    public double[] Standardise(ReadOnlySpan<double> row)
    {
        Check(row.Length);
        var z = new double[row.Length];
        for (int j = 0; j < row.Length; j++) z[j] = (row[j] - Means[j]) / (StandardDeviations[j] * VisibleSd);
        return z;
    }

    /// <summary>mean + sd <see cref="VisibleSd"/> z per column: a standardised row (a synthetic one) on the original scale.</summary>
    public double[] Restore(ReadOnlySpan<double> standardised)
    {
        Check(standardised.Length);
        var x = new double[standardised.Length];
        for (int j = 0; j < x.Length; j++) x[j] = Means[j] + StandardDeviations[j] * VisibleSd * standardised[j];
        return x;
    }

    /// <summary>The means, then the SDs, as revealed.</summary>
    public double[] Values() => [.. Means, .. StandardDeviations];

    /// <summary>log |d z / d x| = -sum log (sd <see cref="VisibleSd"/>): add it to a log-likelihood of standardised rows for the density of the original rows.</summary>
    public double LogJacobian => -StandardDeviations.Sum(sd => Math.Log(sd * VisibleSd));

    private void Check(int length)
    {
        if (length != Means.Count) throw new ArgumentException($"A row has {length} values where {Means.Count} columns were standardised.");
    }
}
