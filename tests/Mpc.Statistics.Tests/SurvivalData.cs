using Mpc.Data;

namespace Mpc.Statistics.Tests;

/// <summary>The example survival data sets, split into sites by contiguous rows.</summary>
public static class SurvivalData
{
    public static CsvTable Load(string name) => CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", name + ".csv"));

    public static SurvivalCounts Counts(CsvTable table, SurvivalDesign design, string group, string? strata, int start, int end) =>
        SurvivalCounts.Compute(design, table.Source,
            table.Column("time")[start..end], table.Column("status")[start..end], table.Column(group)[start..end],
            strata is null ? null : table.Column(strata)[start..end], ("time", "status", group, strata));

    /// <summary>The counts of each of <paramref name="parties"/> sites.</summary>
    public static List<SurvivalCounts> Split(CsvTable table, SurvivalDesign design, string group, string? strata, int parties) =>
        Enumerable.Range(0, parties).Select(p => Counts(table, design, group, strata, p * table.RowCount / parties, (p + 1) * table.RowCount / parties)).ToList();
}
