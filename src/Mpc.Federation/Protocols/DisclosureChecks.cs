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
}
