using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>Column totals over the rows of all parties, and the pooled row count.</summary>
public sealed class SecureSumProtocol : BuiltInProtocol<ulong>
{
    public override string Name => "secure-sum";

    public override string Description => "Pooled column totals and row count; each party's own totals stay secret.";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new("columns", ParameterType.ColumnList, null, "Comma-separated numeric columns to total."),
        DatasetParameter,
    ];

    public override IReadOnlyList<OutputDefinition> Outputs { get; } =
    [
        new("sum", OutputKind.Exact, "Column totals over all parties, in the order given."),
        new("count", OutputKind.Counts, "Number of rows over all parties."),
    ];

    public override FixedPointFormat Format => FixedPointFormat.Ring64;

    protected override async Task RunAsync(MpcRuntime<ulong> runtime, ProtocolContext context)
    {
        var table = context.Dataset;
        var columns = context.Parameters.List("columns");
        // Disclosure limits, on this party's own rows before it contributes.
        runtime.RevealPolicy.CheckDisclosure("sum", DisclosureKind.GroupSizes, "", [table.RowCount]);
        runtime.RevealPolicy.CheckDisclosure("count", DisclosureKind.CellCounts, "", [table.RowCount]);
        foreach (var column in columns) DisclosureChecks.CheckTotal(runtime.RevealPolicy, "sum", column, table.Column(column));
        var local = columns.Select(c => table.Column(c).Sum()).Append(table.RowCount).ToArray();
        var labels = columns.Select(c => $"total of column '{c}'").Append("row count").ToList();
        var totals = await Input.SumAcrossPartiesAsync(runtime, local, 1, runtime.Format.FractionalBits, labels).ConfigureAwait(false);
        await Opening.OutputAsync(runtime, totals.Slice(0, columns.Count), "sum").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, totals.Slice(columns.Count, 1), "count").ConfigureAwait(false);
    }
}
