namespace Mpc.Runtime;

/// <summary>What the local sizes behind an exact output measure, and so which of the party's disclosure limits applies.</summary>
public enum DisclosureKind
{
    /// <summary>Cells of a count output (a table's cells, histogram bins, events and non-events): the minimum cell count applies.</summary>
    CellCounts,

    /// <summary>The rows behind each statistic of an output (each group of a mean or a test): the minimum group size applies.</summary>
    GroupSizes,
}
