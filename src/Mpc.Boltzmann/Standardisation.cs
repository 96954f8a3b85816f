namespace Mpc.Boltzmann;

/// <summary>
/// The pooled means and standard deviations (n - 1 denominator, as R's sd) that standardise Gaussian visible columns to the
/// model's scale (BoltzmannMachines.jl's GaussianBernoulliRBM is trained on standardised data; see <see cref="VisibleSd"/>). They come from
/// one pooled sum of x, x^2 and the row count over all parties' rows, never from one party's rows alone.
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
