using Mpc.Runtime;

namespace Mpc.Federation.Protocols;

/// <summary>
/// Checks the built-in protocols share before a party contributes to an exact output: totals and
/// means of columns that are really categories, and groups chosen by levels.
/// </summary>
public static class DisclosureChecks
{
    // A column of whole numbers with at most this many distinct values is treated as categories.
    private const int CategoryLevels = 10;

    /// <summary>
    /// A total or mean of a column of few whole-number values is a weighted count of its categories
    /// (the sum of a 0/1 column counts its ones), so each category's rows are checked as cells.
    /// </summary>
    public static void CheckTotal(IRevealPolicy policy, string output, string column, double[] values)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(values);
        // No rows (a level this party does not hold) is no cell at all, not a small one.
        if (values.Length == 0) return;
        if (values.Any(v => !double.IsFinite(v) || v != Math.Round(v))) return;
        var counts = values.GroupBy(v => v).Select(g => (double)g.Count()).ToArray();
        if (counts.Length <= CategoryLevels) policy.CheckDisclosure(output, DisclosureKind.CellCounts, column, counts);
    }

    /// <summary>
    /// Groups chosen by levels: each level's rows, and the rows of no listed level, which the whole
    /// dataset's statistics would otherwise reveal by difference.
    /// </summary>
    public static void CheckLevels(IRevealPolicy policy, string output, string column, double[] group, double[] levels)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(levels);
        var sizes = levels.Select(l => (double)group.Count(g => g == l)).ToList();
        sizes.Add(group.Count(g => !levels.Contains(g)));
        policy.CheckDisclosure(output, DisclosureKind.GroupSizes, column, sizes);
    }

    /// <summary>
    /// The fewest pooled rows n for which type-7 quantiles at <paramref name="probabilities"/> keep at least
    /// <paramref name="minGroupSize"/> m rows below the first and above the last, and their ranks h = (n - 1) p + 1 at
    /// least m + 1 apart (m rows between two whole ranks; interpolated ones share no row, so no row's value follows
    /// from several quantiles). Without it, probabilities k / (n - 1) give every row's value. A minimum of 1 turns the
    /// check off, as it does for the other limits.
    /// </summary>
    public static double QuantileRows(IReadOnlyList<double> probabilities, int minGroupSize)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Any(p => !(p > 0 && p < 1))) throw new ArgumentOutOfRangeException(nameof(probabilities), "probabilities must lie strictly between 0 and 1");
        if (minGroupSize <= 1) return 1;
        var sorted = probabilities.Distinct().Order().ToArray();
        // (n - 1) p_1 >= m below, (n - 1)(1 - p_k) >= m above, (n - 1)(p_i+1 - p_i) >= m + 1 between.
        double needed = Math.Max(minGroupSize / sorted[0], minGroupSize / (1 - sorted[^1]));
        for (int i = 1; i < sorted.Length; i++) needed = Math.Max(needed, (minGroupSize + 1) / (sorted[i] - sorted[i - 1]));
        // Probabilities such as 0.3 - 0.1 are not exact in binary: a hair below a whole number is that number.
        return Math.Max(minGroupSize, Math.Ceiling(1 + needed - 1e-9));
    }
}
