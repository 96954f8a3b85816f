using System.Globalization;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>
/// A numeric column's summary over the pooled rows: n, mean, sample SD (R's sd) and quantiles (R's quantile, type 7)
/// found by secret bisection: every search keeps its interval's lower end secret, and each step compares every
/// row with the secret midpoint and the number of rows at or below it with the order statistic's rank, so that
/// neither a midpoint nor a count is ever opened; only the quantile estimates reach the analyst. Z_2^128, f = 40.
/// </summary>
/// <remarks>
/// The search runs on the public grid lower - resolution + k * resolution; each order statistic comes out as the
/// grid point at or above it (exact when the values lie on the grid, such as whole numbers with resolution 1),
/// values outside [lower, upper] count at its ends. The rows are secret-shared one by one, so, as in
/// pooled-statistics' histogram, each party's row count is known to its peers, and with it the pooled n, from which
/// each quantile's ranks follow (type 7: h = (n - 1) p + 1, interpolating between order statistics floor(h) and
/// floor(h) + 1). Cost: ceil(log2((upper - lower) / resolution + 1)) steps, each two secure comparisons in
/// sequence, of n per searched rank (one or two ranks per quantile) and then of the ranks.
/// </remarks>
public sealed partial class SummaryProtocol : BuiltInProtocol<UInt128>
{
    // More steps than this would need a resolution finer than the fixed point's grid over useful ranges.
    private const int MaximumSteps = 40;

    public override string Name => "summary";

    public override string Description => "A numeric column's n, mean, SD and quantiles (by secure bisection over a public range), as R's summary and quantile.";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new("value", ParameterType.Column, null, "Numeric column to summarise."),
        new("lower", ParameterType.Number, null, "Public lower end of the values' range (such as 0 for an age)."),
        new("upper", ParameterType.Number, null, "Public upper end of the values' range (such as 120 for an age)."),
        new("probs", ParameterType.NumberList, "0.25,0.5,0.75", "Quantile probabilities, strictly between 0 and 1 (the minimum and maximum are single rows); each party refuses any that leave fewer than its minimum group size m of rows between two quantiles or beyond the outer ones (quartiles need 4 m + 5 rows per group)."),
        new("resolution", ParameterType.Number, "0", "Spacing of the search grid (1 finds whole-number order statistics exactly); 0 takes (upper - lower) / 1024."),
        new("group", ParameterType.Column, "", "Column whose levels form the groups (as R's tapply); empty summarises all rows together."),
        new("levels", ParameterType.Text, "", "The group levels, comma-separated, as text or numbers; rows of no listed level are left out."),
        DatasetParameter,
    ];

    public override IReadOnlyList<OutputDefinition> Outputs { get; } =
    [
        new("n", OutputKind.Counts, "Rows over all parties (per group with a group)."),
        new("mean", OutputKind.Exact, "Mean of the column (per group)."),
        new("sd", OutputKind.Exact, "Sample standard deviation (n - 1 denominator), as R's sd (per group)."),
        new("quantiles", OutputKind.Exact, "The quantiles (type 7), to the grid's resolution (with a group: one row per level, one column per probability)."),
        new("quantile_spacing", OutputKind.DataCheck, "With a group: one bit, whether every level with rows has enough of them for every party's minimum group size to lie between the requested quantiles."),
    ];

    public override FixedPointFormat Format => FixedPointFormat.Ring128;

    public override IReadOnlyList<string> Validate(ProtocolParameters parameters, Mpc.Data.CsvTable dataset)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var problems = base.Validate(parameters, dataset).ToList();
        double lower = parameters.Number("lower"), upper = parameters.Number("upper");
        if (!(upper > lower)) problems.Add("parameter 'upper' must be above 'lower'");
        var probs = parameters.Numbers("probs");
        if (probs.Length == 0 || probs.Any(p => !(p > 0 && p < 1))) problems.Add("parameter 'probs' needs probabilities strictly between 0 and 1");
        double resolution = parameters.Number("resolution");
        if (resolution < 0) problems.Add("parameter 'resolution' must not be negative");
        else if (upper > lower && Steps(upper - lower, Resolution(parameters)) > MaximumSteps) problems.Add($"parameter 'resolution' is too fine for the range: at most {MaximumSteps} bisection steps");
        bool grouped = parameters.Text("group").Length > 0;
        if (grouped && GroupLevels.Problem("levels", parameters.List("levels"), 1) is { } levels) problems.Add(levels);
        if (!grouped && parameters.List("levels").Count > 0) problems.Add("parameter 'levels' needs a 'group'");
        return problems;
    }

    // With a group, n, mean and sd are labelled by level and the quantiles' columns by probability.
    public override IReadOnlyList<string>? Labels(string output, ProtocolParameters parameters) => output switch
    {
        "quantiles" => parameters.Numbers("probs").Select(p => (100 * p).ToString("0.###", CultureInfo.InvariantCulture) + "%").ToList(),
        "n" or "mean" or "sd" when parameters.Text("group").Length > 0 => parameters.List("levels"),
        _ => null,
    };

    protected override async Task RunAsync(MpcRuntime<UInt128> runtime, ProtocolContext context)
    {
        var p = context.Parameters;
        if (p.Text("group").Length > 0)
        {
            await RunByGroupAsync(runtime, context).ConfigureAwait(false);
            return;
        }
        string column = p.Text("value");
        var value = context.Dataset.Column(column);
        // Disclosure limits, on this party's own rows before it contributes.
        runtime.RevealPolicy.CheckDisclosure("n", DisclosureKind.CellCounts, column, [value.Length]);
        foreach (var output in new[] { "mean", "sd", "quantiles" })
        {
            runtime.RevealPolicy.CheckDisclosure(output, DisclosureKind.GroupSizes, column, [value.Length]);
            DisclosureChecks.CheckTotal(runtime.RevealPolicy, output, column, value);
        }

        double[] local = [value.Length, value.Sum(), value.Sum(v => v * v)];
        var sums = await Input.SumAcrossPartiesAsync(runtime, local, 1, runtime.Format.FractionalBits, ["row count", $"total of column '{column}'", $"sum of squares of column '{column}'"]).ConfigureAwait(false);
        var (n, mean, variance) = await PooledMoments.ComputeAsync(runtime, sums.Slice(0, 1), sums.Slice(1, 1), sums.Slice(2, 1)).ConfigureAwait(false);
        var sd = await SquareRoot.ComputeAsync(runtime, variance).ConfigureAwait(false);
        context.ReportProgress("moments", 0.1);

        var quantiles = await QuantilesAsync(runtime, context, value).ConfigureAwait(false);
        await Opening.OutputAsync(runtime, n, "n").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, mean, "mean").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, sd, "sd").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, quantiles, "quantiles").ConfigureAwait(false);
    }

    private static async Task<Secret<UInt128>> QuantilesAsync(MpcRuntime<UInt128> runtime, ProtocolContext context, double[] value)
    {
        var p = context.Parameters;
        double lower = p.Number("lower"), upper = p.Number("upper"), resolution = Resolution(p);
        int steps = Steps(upper - lower, resolution);
        double origin = lower - resolution;
        // In grid units every value lies in [1, 2^steps]: order statistic k is the grid point m with k values at or below m, fewer below m - 1.
        var units = value.Select(v => (Math.Clamp(v, lower, upper) - origin) / resolution).ToArray();
        var shared = new List<Secret<UInt128>>();
        for (int owner = 0; owner < runtime.PartyCount; owner++)
            shared.Add(await Input.ShareAsync(runtime, owner, runtime.PartyIndex == owner ? units : null, 1, runtime.Format.FractionalBits).ConfigureAwait(false));
        var all = Secret<UInt128>.Concatenate(shared);
        int rows = all.Length;
        // Every party's row count is public once shared, so each checks the pooled n against its own limit in the clear.
        CheckSpacing(context, rows);

        // Type 7: h = (n - 1) p + 1 between ranks floor(h) and floor(h) + 1; the ranks searched, without repeats.
        var probs = p.Numbers("probs");
        var h = probs.Select(q => (rows - 1) * q + 1).ToArray();
        var ranks = h.SelectMany(x => x > Math.Floor(x) ? new[] { (long)Math.Floor(x), (long)Math.Floor(x) + 1 } : [(long)Math.Floor(x)]).Distinct().Order().ToArray();
        int searches = ranks.Length;
        var expanded = Secret<UInt128>.Concatenate(Enumerable.Repeat(all, searches).ToList());
        var lowEnd = await BisectAsync(runtime, context, expanded, Input.Public(runtime, [.. ranks.Select(r => (double)r)], searches, 1, 0), steps).ConfigureAwait(false);
        // Each order statistic is its interval's upper grid point; a quantile interpolates between its two ranks.
        var statistic = (lowEnd + 1.0).Upscale(runtime.Format.FractionalBits);
        int Index(long rank) => Array.IndexOf(ranks, rank);
        var below = statistic.Gather(h.Select(x => Index((long)Math.Floor(x))).ToArray());
        var next = statistic.Gather(h.Select(x => x > Math.Floor(x) ? Index((long)Math.Floor(x) + 1) : Index((long)Math.Floor(x))).ToArray());
        var fraction = h.Select(x => x - Math.Floor(x)).ToArray();
        var grid = below + await Multiplication.MultiplyPublicAsync(runtime, next - below, fraction).ConfigureAwait(false);
        return await Multiplication.MultiplyPublicAsync(runtime, grid, Enumerable.Repeat(resolution, probs.Length).ToArray()).ConfigureAwait(false) + origin;
    }

    /// <summary>
    /// Order statistics by secret bisection: search s looks for the smallest grid point m (in grid units, 1 to
    /// 2^steps) with at least rank[s] of its rows at or below m; <paramref name="rows"/> holds search s's rows at
    /// s * (length / searches). Both the rows and the ranks may be secret. Returns each search's interval's secret
    /// lower end at scale 0, one below the order statistic.
    /// </summary>
    private static async Task<Secret<UInt128>> BisectAsync(MpcRuntime<UInt128> runtime, ProtocolContext context, Secret<UInt128> rows, Secret<UInt128> ranks, int steps)
    {
        int searches = ranks.Length, count = rows.Length / searches;
        var spread = Enumerable.Range(0, searches * count).Select(i => i / count).ToArray();
        var lowEnd = Input.Public(runtime, new double[searches], searches, 1, 0);
        for (int step = 0; step < steps; step++)
        {
            long half = 1L << (steps - step - 1);
            var middle = lowEnd + half;
            var above = await Comparison.LessThanZeroAsync(runtime, middle.Gather(spread) - rows).ConfigureAwait(false);
            // Rows at or below the middle, minus the rank: negative means the order statistic lies above the middle.
            var atOrBelow = Secret<UInt128>.Concatenate(Enumerable.Range(0, searches).Select(s => (above.Slice(s * count, count).Sum() * -1) + count).ToList()) - ranks;
            var fewer = await Comparison.LessThanZeroAsync(runtime, atOrBelow).ConfigureAwait(false);
            lowEnd += fewer.MultiplyPublic(Enumerable.Repeat(half, searches).ToArray());
            context.ReportProgress("quantiles", 0.1 + 0.8 * (step + 1) / steps);
        }
        return lowEnd;
    }

    // The analyst's probabilities must leave the party's minimum group size of rows between quantiles (DisclosureChecks.QuantileRows).
    private static void CheckSpacing(ProtocolContext context, int rows)
    {
        var probs = context.Parameters.Numbers("probs");
        string column = context.Parameters.Text("value");
        int minimum = context.Limits.MinGroupSize;
        double needed = DisclosureChecks.QuantileRows(probs, minimum);
        if (rows < needed)
            throw new DisclosureRefusedException("quantiles", ErrorMessages.QuantilesTooClose(column),
                ErrorMessages.QuantilesTooCloseDetail(column, probs, minimum, needed, $"the pooled rows are {rows}"));
    }

    private static double Resolution(ProtocolParameters p)
    {
        double resolution = p.Number("resolution");
        return resolution > 0 ? resolution : (p.Number("upper") - p.Number("lower")) / 1024;
    }

    // Enough halvings of 2^steps grid points to cover [lower - resolution, upper].
    private static int Steps(double range, double resolution) => (int)Math.Ceiling(Math.Log2(range / resolution + 1));

    /// <summary>Clear-text reference on the pooled rows: n, mean, sd and R's type-7 quantiles (exact, not on the grid), for tests.</summary>
    public static Dictionary<string, double[]> ComputeInTheClear(IReadOnlyList<Mpc.Data.CsvTable> tables, string value, IReadOnlyList<double> probs)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return InTheClear(tables.SelectMany(t => t.Column(value)), probs);
    }

    private static Dictionary<string, double[]> InTheClear(IEnumerable<double> rows, IReadOnlyList<double> probs)
    {
        ArgumentNullException.ThrowIfNull(probs);
        var values = rows.Order().ToArray();
        double Quantile(double q)
        {
            double h = (values.Length - 1) * q;
            int j = (int)Math.Floor(h);
            return j + 1 < values.Length ? values[j] + (h - j) * (values[j + 1] - values[j]) : values[j];
        }
        return new Dictionary<string, double[]>
        {
            ["n"] = [values.Length],
            ["mean"] = [values.Average()],
            ["sd"] = [Math.Sqrt(PooledMoments.Variance(values))],
            ["quantiles"] = [.. probs.Select(Quantile)],
        };
    }
}
