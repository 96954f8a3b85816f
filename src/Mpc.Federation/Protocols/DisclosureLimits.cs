namespace Mpc.Federation.Protocols;

/// <summary>
/// A party's limits on exact outputs about one dataset, as DataSHIELD's filters: every cell of a
/// count output and every group behind a statistic holds 0 or at least the minimum number of the
/// party's rows, checked on the party's own rows before it contributes (so they hold for the pooled
/// value too, and against peers who subtract their own part); exact intermediates only where allowed.
/// </summary>
/// <param name="Dataset">The dataset the limits belong to, for messages.</param>
/// <param name="MinCellCount">The smallest non-zero count a cell of a count output may hold (DataSHIELD's nfilter.tab).</param>
/// <param name="MinGroupSize">The fewest rows behind any exact statistic, and in the dataset (DataSHIELD's nfilter.subset).</param>
/// <param name="ExactIntermediates">Whether exact pooled intermediates may be opened to every party.</param>
/// <param name="AllowSuppression">Whether an analyst may ask for a table whose small cells are shown as suppressed (with the cells that would reveal them) instead of refused.</param>
/// <param name="Bounds">The party's public ranges of numeric columns, which DP releases of them clip to (none: such releases are refused).</param>
public sealed record DisclosureLimits(string Dataset, int MinCellCount, int MinGroupSize, bool ExactIntermediates, bool AllowSuppression = false,
    IReadOnlyDictionary<string, ColumnRange>? Bounds = null)
{
    /// <summary>No limits: for unit tests and trusted local runs.</summary>
    public static DisclosureLimits None { get; } = new("(any)", 1, 1, true);
}
