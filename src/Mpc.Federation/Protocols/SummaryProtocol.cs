using System.Globalization;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>
/// A numeric column's summary over the pooled rows: n, mean, sample SD (R's sd) and quantiles (order statistics at ranks on
/// a fixed grid nearest R's type-7 rank, see <see cref="GridQuantilesAsync"/>) found by secret bisection: every search keeps its interval's lower end secret, and each step compares every
/// row with the secret midpoint and the number of rows at or below it with the order statistic's rank, so that
/// neither a midpoint nor a count is ever opened; only the quantile estimates reach the analyst. Z_2^128, f = 40.
/// </summary>
/// <remarks>
/// The search runs on the public grid lower - resolution + k * resolution; each order statistic comes out as the
/// grid point at or above it (exact when the values lie on the grid, such as whole numbers with resolution 1),
/// values outside [lower, upper] count at its ends. The rows are secret-shared one by one, so each party's row count
/// is known to its peers; the ranks are computed from the secret pooled n and the secret largest minimum group size
/// all the same, as by group. Cost: ceil(log2((upper - lower) / resolution + 1)) steps, each two secure comparisons
/// in sequence, of n per quantile and then of the ranks, after one round of n comparisons per quantile for its rank.
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
        new("probs", ParameterType.NumberList, "0.25,0.5,0.75", "Quantile probabilities, strictly between 0 and 1; each comes out as the order statistic at the multiple of m + 1 nearest R's type-7 rank (n - 1) p + 1 and at most n - m, m the largest of the parties' minimum group sizes, so no series of sessions reaches two ranks closer than m + 1 (a group of fewer than 2 m + 1 rows gets none)."),
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
        new("quantiles", OutputKind.Exact, "The quantiles (grid ranks nearest type 7), to the search grid's resolution (with a group: one row per level, one column per probability); 0 where withheld."),
        new("quantiles_withheld", OutputKind.Exact, "1 where a group (or all rows) holds fewer than 2 m + 1 rows, m the parties' largest minimum group size, so that its quantiles are withheld (shown as 0); to the analyst only."),
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
        "n" or "mean" or "sd" or "quantiles_withheld" when parameters.Text("group").Length > 0 => parameters.List("levels"),
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

        // All rows as one level: the same grid of ranks as by group, so a summary with and without a group cannot be combined.
        var (quantiles, withheld) = await GridQuantilesAsync(runtime, context, value, new int[value.Length], n).ConfigureAwait(false);
        await Opening.OutputAsync(runtime, n, "n").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, mean, "mean").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, sd, "sd").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, quantiles, "quantiles").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, withheld, "quantiles_withheld").ConfigureAwait(false);
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

    private static double Resolution(ProtocolParameters p)
    {
        double resolution = p.Number("resolution");
        return resolution > 0 ? resolution : (p.Number("upper") - p.Number("lower")) / 1024;
    }

    // Enough halvings of 2^steps grid points to cover [lower - resolution, upper].
    private static int Steps(double range, double resolution) => (int)Math.Ceiling(Math.Log2(range / resolution + 1));

    /// <summary>
    /// Clear-text reference on the pooled rows, for tests: n, mean, sd, the quantiles at the grid ranks for minimum group size
    /// <paramref name="minGroupSize"/> (the parties' largest; 1 for none) and whether they are withheld.
    /// </summary>
    public static Dictionary<string, double[]> ComputeInTheClear(IReadOnlyList<Mpc.Data.CsvTable> tables, string value, IReadOnlyList<double> probs, int minGroupSize)
    {
        ArgumentNullException.ThrowIfNull(tables);
        return InTheClear(tables.SelectMany(t => t.Column(value)), probs, minGroupSize);
    }

    /// <summary>The rank of the grid quantile for probability <paramref name="probability"/> of <paramref name="rows"/> rows, 0 when withheld.</summary>
    public static long GridRank(long rows, double probability, int minGroupSize)
    {
        long spacing = minGroupSize > 1 ? minGroupSize + 1 : 1;
        double h = (rows - 1) * probability + 1;
        // Ties go up, as under MPC (which adds 1e-6 to 2 h to keep fixed-point error off the tie).
        long nearest = Math.Min(rows, (long)Math.Floor((2 * h + 1e-6 + spacing) / (2.0 * spacing)));
        long highest = (rows + 1) / spacing - 1;
        return highest < 1 ? 0 : spacing * Math.Min(Math.Max(nearest, 1), highest);
    }

    private static Dictionary<string, double[]> InTheClear(IEnumerable<double> rows, IReadOnlyList<double> probs, int minGroupSize)
    {
        ArgumentNullException.ThrowIfNull(probs);
        var values = rows.Order().ToArray();
        var ranks = probs.Select(q => GridRank(values.Length, q, minGroupSize)).ToArray();
        return new Dictionary<string, double[]>
        {
            ["n"] = [values.Length],
            ["mean"] = [values.Length == 0 ? 0 : values.Average()],
            ["sd"] = [values.Length < 2 ? 0 : Math.Sqrt(PooledMoments.Variance(values))],
            ["quantiles"] = [.. ranks.Select(r => r == 0 ? 0 : values[r - 1])],
            ["quantiles_withheld"] = [ranks.Any(r => r == 0) ? 1 : 0],
        };
    }
}
