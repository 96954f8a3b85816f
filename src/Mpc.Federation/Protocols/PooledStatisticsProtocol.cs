using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>
/// Pooled descriptive statistics of a cohort: patient and event counts, mean and standard
/// deviation of a numeric column, mean follow-up per group, and a histogram over public bin edges
/// computed by secure comparisons of every row. Z_2^128 with 40 fractional bits.
/// </summary>
public sealed class PooledStatisticsProtocol : BuiltInProtocol<UInt128>
{
    public override string Name => "pooled-statistics";

    public override string Description => "Pooled counts, mean and SD, mean follow-up by group, and a histogram over public bins.";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new("value", ParameterType.Column, "age", "Numeric column summarised by mean, SD and histogram."),
        new("time", ParameterType.Column, "time", "Follow-up time column."),
        new("status", ParameterType.Column, "status", "Event indicator column (1 = event)."),
        new("group", ParameterType.Column, "sex", "Group column for mean follow-up per group."),
        new("levels", ParameterType.NumberList, "1,2", "The group values, in output order."),
        new("edges", ParameterType.NumberList, "50,60,70", "Public histogram bin edges, increasing (each party's rows in every bin must be 0 or at least its minimum cell count)."),
        DatasetParameter,
    ];

    public override IReadOnlyList<OutputDefinition> Outputs { get; } =
    [
        new("patients", OutputKind.Counts, "Rows over all parties."),
        new("events", OutputKind.Counts, "Rows with status 1."),
        new("mean", OutputKind.Exact, "Mean of the value column."),
        new("sd", OutputKind.Exact, "Population standard deviation of the value column."),
        new("mean_time_by_group", OutputKind.Exact, "Mean follow-up time per group level."),
        new("histogram", OutputKind.Counts, "Counts below the first edge, between edges, and from the last edge."),
    ];

    public override FixedPointFormat Format => FixedPointFormat.Ring128;

    public override IReadOnlyList<string> Validate(ProtocolParameters parameters, Mpc.Data.CsvTable dataset)
    {
        var problems = base.Validate(parameters, dataset).ToList();
        var edges = parameters.Numbers("edges");
        if (edges.Length == 0 || edges.Zip(edges.Skip(1)).Any(p => p.First >= p.Second)) problems.Add("parameter 'edges' must be increasing numbers");
        return problems;
    }

    protected override async Task RunAsync(MpcRuntime<UInt128> runtime, ProtocolContext context)
    {
        var p = context.Parameters;
        var table = context.Dataset;
        var value = table.Column(p.Text("value"));
        var time = table.Column(p.Text("time"));
        var status = table.Column(p.Text("status"));
        var group = table.Column(p.Text("group"));
        var levels = p.Numbers("levels");
        var edges = p.Numbers("edges");

        CheckDisclosure(runtime.RevealPolicy, p, value, time, status, group, levels, edges);

        // Local sums, pooled by zero-communication input: n, sum, sum of squares, events, then (count, time) per level.
        var local = new List<double> { value.Length, value.Sum(), value.Sum(v => v * v), status.Count(s => s == 1) };
        foreach (var level in levels)
        {
            local.Add(group.Count(g => g == level));
            local.Add(time.Where((_, i) => group[i] == level).Sum());
        }
        var labels = new List<string> { "row count", $"total of column '{p.Text("value")}'", $"sum of squares of column '{p.Text("value")}'", $"event count of column '{p.Text("status")}'" };
        foreach (var level in levels) labels.AddRange([$"row count per level of column '{p.Text("group")}'", $"total of column '{p.Text("time")}' per level"]);
        var sums = await Input.SumAcrossPartiesAsync(runtime, local.ToArray(), 1, 0, labels).ConfigureAwait(false);
        var n = sums.Slice(0, 1);
        var mean = await Division.DivideAsync(runtime, sums.Slice(1, 1), n).ConfigureAwait(false);
        var meanSquare = await Division.DivideAsync(runtime, sums.Slice(2, 1), n).ConfigureAwait(false);
        var variance = meanSquare - await Multiplication.MultiplyAsync(runtime, mean, mean).ConfigureAwait(false);
        var sd = await SquareRoot.ComputeAsync(runtime, variance).ConfigureAwait(false);
        var counts = Secret<UInt128>.Concatenate(levels.Select((_, l) => sums.Slice(4 + 2 * l, 1)).ToList());
        var times = Secret<UInt128>.Concatenate(levels.Select((_, l) => sums.Slice(5 + 2 * l, 1)).ToList());
        var meanTime = await Division.DivideAsync(runtime, times, counts).ConfigureAwait(false);
        context.ReportProgress("moments", 0.4);

        // Every party's values, secret-shared row by row, compared with the public edges in one batch.
        var shared = new List<Secret<UInt128>>();
        for (int owner = 0; owner < runtime.PartyCount; owner++)
            shared.Add(await Input.ShareAsync(runtime, owner, runtime.PartyIndex == owner ? value : null, 1, runtime.Format.FractionalBits).ConfigureAwait(false));
        var all = Secret<UInt128>.Concatenate(shared);
        var shifted = Secret<UInt128>.Concatenate(edges.Select(edge => all - edge).ToList());
        var below = await Comparison.LessThanZeroAsync(runtime, shifted).ConfigureAwait(false);
        var histogram = Histogram(below, all.Length, edges.Length);
        context.ReportProgress("histogram", 0.9);

        await Opening.OutputAsync(runtime, n, "patients").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, sums.Slice(3, 1), "events").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, mean, "mean").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, sd, "sd").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, meanTime, "mean_time_by_group").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, histogram, "histogram").ConfigureAwait(false);
    }

    // Disclosure limits, on this party's own rows before it contributes: every count's cells, every statistic's groups.
    private static void CheckDisclosure(IRevealPolicy policy, ProtocolParameters p, double[] value, double[] time, double[] status, double[] group, double[] levels, double[] edges)
    {
        double n = value.Length, events = status.Count(s => s == 1);
        policy.CheckDisclosure("patients", DisclosureKind.CellCounts, "", [n]);
        policy.CheckDisclosure("events", DisclosureKind.CellCounts, p.Text("status"), [events, n - events]);
        policy.CheckDisclosure("mean", DisclosureKind.GroupSizes, p.Text("value"), [n]);
        DisclosureChecks.CheckTotal(policy, "mean", p.Text("value"), value);
        policy.CheckDisclosure("sd", DisclosureKind.GroupSizes, p.Text("value"), [n]);
        DisclosureChecks.CheckLevels(policy, "mean_time_by_group", p.Text("group"), group, levels);
        DisclosureChecks.CheckTotal(policy, "mean_time_by_group", p.Text("time"), time);
        policy.CheckDisclosure("histogram", DisclosureKind.CellCounts, p.Text("value"), LocalHistogram(value, edges));
    }

    // Bin 0 is below the first edge, bin b+1 is [edge_b, edge_(b+1)), as the secure histogram counts.
    private static double[] LocalHistogram(double[] value, double[] edges)
    {
        var bins = new double[edges.Length + 1];
        foreach (var v in value) bins[edges.Count(edge => v >= edge)]++;
        return bins;
    }

    /// <summary>Clear-text reference of every output, for demos and tests.</summary>
    public static Dictionary<string, double[]> ComputeInTheClear(IReadOnlyList<Mpc.Data.CsvTable> tables, string valueColumn = "age", string timeColumn = "time",
        string statusColumn = "status", string groupColumn = "sex", double[]? levels = null, double[]? edges = null)
    {
        ArgumentNullException.ThrowIfNull(tables);
        levels ??= [1, 2];
        edges ??= [50, 60, 70];
        var value = tables.SelectMany(t => t.Column(valueColumn)).ToArray();
        var time = tables.SelectMany(t => t.Column(timeColumn)).ToArray();
        var status = tables.SelectMany(t => t.Column(statusColumn)).ToArray();
        var group = tables.SelectMany(t => t.Column(groupColumn)).ToArray();
        double mean = value.Average();
        return new Dictionary<string, double[]>
        {
            ["patients"] = [value.Length],
            ["events"] = [status.Count(s => s == 1)],
            ["mean"] = [mean],
            ["sd"] = [Math.Sqrt(value.Select(v => v * v).Average() - mean * mean)],
            ["mean_time_by_group"] = levels.Select(l => time.Where((_, i) => group[i] == l).Average()).ToArray(),
            ["histogram"] = LocalHistogram(value, edges),
        };
    }

    // below[b * n + i] = [value_i < edge_b]; bin 0 is below the first edge, bin b+1 is [edge_b, edge_(b+1)).
    private static Secret<UInt128> Histogram(Secret<UInt128> below, int n, int edgeCount)
    {
        var perEdge = Enumerable.Range(0, edgeCount).Select(b => below.Slice(b * n, n).Sum()).ToList();
        var counts = new List<Secret<UInt128>> { perEdge[0] };
        for (int b = 1; b < edgeCount; b++) counts.Add(perEdge[b] - perEdge[b - 1]);
        counts.Add((perEdge[^1] * -1) + n);
        return Secret<UInt128>.Concatenate(counts);
    }
}
