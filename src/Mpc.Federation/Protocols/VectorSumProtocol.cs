using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>Element-wise sum of one column across parties (every party has the same number of rows).</summary>
public sealed class VectorSumProtocol : BuiltInProtocol<ulong>
{
    public override string Name => "vector-sum";

    public override string Description => "Row-by-row sum of a column across parties with equally long datasets (for aligned series and benchmarks).";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new("column", ParameterType.Column, null, "The numeric column to add up row by row."),
        DatasetParameter,
    ];

    public override IReadOnlyList<OutputDefinition> Outputs { get; } =
    [
        new("sum", OutputKind.Exact, "The element-wise sum, one value per row."),
    ];

    public override FixedPointFormat Format => FixedPointFormat.Ring64;

    protected override async Task RunAsync(MpcRuntime<ulong> runtime, ProtocolContext context)
    {
        var column = context.Dataset.Column(context.Parameters.Text("column"));
        // Each element sums one row per party: a group of one row, refused wherever the minimum group size is above 1.
        runtime.RevealPolicy.CheckDisclosure("sum", DisclosureKind.GroupSizes, context.Parameters.Text("column"), Enumerable.Repeat(1.0, column.Length).ToArray());
        var sum = await Input.SumAcrossPartiesAsync(runtime, column, 1, runtime.Format.FractionalBits, [$"column '{context.Parameters.Text("column")}'"]).ConfigureAwait(false);
        context.ReportProgress("summed", 0.5);
        await Opening.OutputAsync(runtime, sum, "sum").ConfigureAwait(false);
    }
}
