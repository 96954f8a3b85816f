using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>
/// The summary by group (R's tapply or aggregate): each party sums its own rows per level in the clear and adds the
/// sums under MPC, so only the pooled n, mean and SD per level open, to the analyst. For the quantiles each party
/// shares, per level, all of its rows with those of other levels replaced by a value above the grid: a peer sees
/// how many rows a party shares (as without a group) but not how many are in each level. The ranks h = (n - 1) p + 1
/// come from the secret pooled n and stay secret: floor(h) is counted by comparisons with 1 .. rows.
/// </summary>
public sealed partial class SummaryProtocol
{
    private static async Task RunByGroupAsync(MpcRuntime<UInt128> runtime, ProtocolContext context)
    {
        var p = context.Parameters;
        string column = p.Text("value"), groupColumn = p.Text("group");
        var levels = p.List("levels");
        int groups = levels.Count;
        var value = context.Dataset.Column(column);
        var group = GroupLevels.Assign(context.Dataset, groupColumn, levels);
        var sizes = GroupLevels.Sizes(group, groups);
        // Disclosure limits, on this party's own rows per level (and those of no level) before it contributes.
        runtime.RevealPolicy.CheckDisclosure("n", DisclosureKind.CellCounts, groupColumn, sizes);
        foreach (var output in new[] { "mean", "sd", "quantiles" })
        {
            runtime.RevealPolicy.CheckDisclosure(output, DisclosureKind.GroupSizes, groupColumn, sizes);
            for (int g = 0; g < groups; g++) DisclosureChecks.CheckTotal(runtime.RevealPolicy, output, column, value.Where((_, i) => group[i] == g).ToArray());
        }

        var local = new double[3 * groups];
        for (int i = 0; i < value.Length; i++)
        {
            if (group[i] < 0) continue;
            local[group[i]] += 1;
            local[groups + group[i]] += value[i];
            local[2 * groups + group[i]] += value[i] * value[i];
        }
        var labels = new[] { "row count per group", "total per group", "sum of squares per group" }.SelectMany(l => Enumerable.Repeat(l, groups)).ToArray();
        var sums = await Input.SumAcrossPartiesAsync(runtime, local, 1, runtime.Format.FractionalBits, labels).ConfigureAwait(false);
        var (n, mean, variance) = await PooledMoments.ComputeAsync(runtime, sums.Slice(0, groups), sums.Slice(groups, groups), sums.Slice(2 * groups, groups)).ConfigureAwait(false);
        var sd = await SquareRoot.ComputeAsync(runtime, variance).ConfigureAwait(false);
        context.ReportProgress("moments", 0.1);

        var quantiles = await GroupQuantilesAsync(runtime, context, value, group, n).ConfigureAwait(false);
        await Opening.OutputAsync(runtime, n, "n").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, mean, "mean").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, sd, "sd").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, quantiles, "quantiles").ConfigureAwait(false);
    }

    // Quantiles per level, row by row of a levels x probs matrix, from the secret pooled n per level.
    private static async Task<Secret<UInt128>> GroupQuantilesAsync(MpcRuntime<UInt128> runtime, ProtocolContext context, double[] value, int[] group, Secret<UInt128> n)
    {
        var p = context.Parameters;
        double lower = p.Number("lower"), upper = p.Number("upper"), resolution = Resolution(p);
        int steps = Steps(upper - lower, resolution), groups = n.Length;
        var probs = p.Numbers("probs");
        await CheckGroupSpacingAsync(runtime, context, n).ConfigureAwait(false);
        double origin = lower - resolution;
        // Above every midpoint of the search (at most 2^steps - 1): a row of another level never counts at or below one.
        double outside = (1L << steps) + 1;
        var units = value.Select(v => (Math.Clamp(v, lower, upper) - origin) / resolution).ToArray();
        var perLevel = Enumerable.Range(0, groups).SelectMany(g => units.Select((u, i) => group[i] == g ? u : outside)).ToArray();
        var shared = new List<Secret<UInt128>>();
        for (int owner = 0; owner < runtime.PartyCount; owner++)
            shared.Add(await Input.ShareAsync(runtime, owner, runtime.PartyIndex == owner ? perLevel : null, 1, runtime.Format.FractionalBits).ConfigureAwait(false));
        // Level g's column over all parties: each owner's block g, in party order.
        var offsets = new List<(int Start, int Rows)>();
        int start = 0;
        foreach (var part in shared)
        {
            offsets.Add((start, part.Length / groups));
            start += part.Length;
        }
        int rows = start / groups;
        var all = Secret<UInt128>.Concatenate(shared);
        int[] Level(int g) => [.. offsets.SelectMany(o => Enumerable.Range(o.Start + g * o.Rows, o.Rows))];

        // h = (n - 1) p + 1 per (level, probability), secret; floor(h) = the number of k in 1 .. rows with k <= h.
        int cells = groups * probs.Length;
        var h = await Multiplication.MultiplyPublicAsync(runtime, (n - 1.0).Gather(Enumerable.Range(0, cells).Select(c => c / probs.Length).ToArray()),
            Enumerable.Range(0, cells).Select(c => probs[c % probs.Length]).ToArray()).ConfigureAwait(false) + 1.0;
        var ks = Input.Public(runtime, Enumerable.Range(0, cells * rows).Select(i => (double)(i % rows + 1)).ToArray(), cells * rows, 1, 0);
        var beyond = await Comparison.LessThanZeroAsync(runtime, h.Gather(Enumerable.Range(0, cells * rows).Select(i => i / rows).ToArray()) - ks).ConfigureAwait(false);
        var floor = Secret<UInt128>.Concatenate(Enumerable.Range(0, cells).Select(c => (beyond.Slice(c * rows, rows).Sum() * -1) + rows).ToList());
        var fraction = h - floor;

        // Searches 0 .. cells - 1 find order statistic floor(h), cells .. 2 cells - 1 the next one.
        var ranks = Secret<UInt128>.Concatenate([floor, floor + 1]);
        var searched = all.Gather(Enumerable.Range(0, 2 * cells).SelectMany(s => Level(s % cells / probs.Length)).ToArray());
        var lowEnd = await BisectAsync(runtime, context, searched, ranks, steps).ConfigureAwait(false);
        var statistic = (lowEnd + 1.0).Upscale(runtime.Format.FractionalBits);
        var below = statistic.Slice(0, cells);
        var grid = below + await Multiplication.MultiplyAsync(runtime, statistic.Slice(cells, cells) - below, fraction).ConfigureAwait(false);
        var quantiles = await Multiplication.MultiplyPublicAsync(runtime, grid, Enumerable.Repeat(resolution, cells).ToArray()).ConfigureAwait(false) + origin;
        return quantiles.Reshape(groups, probs.Length);
    }

    /// <summary>
    /// Each level's rows against every party's <see cref="DisclosureChecks.QuantileRows"/> for the requested probabilities,
    /// with n secret: each party shares its own threshold, the bits "n below a party's threshold" and "no rows at all" (no
    /// quantile to protect) stay secret, and only whether some level falls short of some party's threshold opens, one bit
    /// to the parties (a declared data check). The analyst is given each level's n anyway; a refusal opens no output.
    /// </summary>
    private static async Task CheckGroupSpacingAsync(MpcRuntime<UInt128> runtime, ProtocolContext context, Secret<UInt128> n)
    {
        var probs = context.Parameters.Numbers("probs");
        string column = context.Parameters.Text("value");
        int minimum = context.Limits.MinGroupSize, groups = n.Length, pairs = groups * runtime.PartyCount, f = runtime.Format.FractionalBits;
        double needed = DisclosureChecks.QuantileRows(probs, minimum);
        var shared = new List<Secret<UInt128>>();
        for (int owner = 0; owner < runtime.PartyCount; owner++)
            shared.Add(await Input.ShareAsync(runtime, owner, runtime.PartyIndex == owner ? [needed] : null, 1, f).ConfigureAwait(false));
        // Pair i is level i % groups against party i / groups's threshold.
        var thresholds = Secret<UInt128>.Concatenate(shared).Gather(Enumerable.Range(0, pairs).Select(i => i / groups).ToArray());
        var below = await Comparison.LessThanZeroAsync(runtime, Secret<UInt128>.Concatenate([n.Gather(Enumerable.Range(0, pairs).Select(i => i % groups).ToArray()) - thresholds, n - 0.5])).ConfigureAwait(false);
        // An empty level is below every threshold: take it out once per party, leaving the count of short (level, party) pairs.
        var shortPairs = below.Slice(0, pairs).Sum() - (below.Slice(pairs, groups).Sum() * runtime.PartyCount);
        var refused = await Comparison.LessThanZeroAsync(runtime, shortPairs * -1).ConfigureAwait(false);
        var opened = await Opening.RevealRealAsync(runtime, refused, "quantile_spacing").ConfigureAwait(false);
        if (opened[0] > 0.5)
            throw new DisclosureRefusedException("quantiles", Mpc.Core.ErrorMessages.QuantilesTooClose(column),
                Mpc.Core.ErrorMessages.QuantilesTooCloseDetail(column, probs, minimum, needed, "some level with rows holds fewer than some party's such number (only that one bit was opened)"));
    }

    /// <summary>Clear-text reference per level on the pooled rows (rows of no listed level left out), for tests: n, mean, sd and type-7 quantiles, row by row.</summary>
    public static Dictionary<string, double[]> ComputeInTheClear(IReadOnlyList<Mpc.Data.CsvTable> tables, string value, string group, IReadOnlyList<string> levels, IReadOnlyList<double> probs)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(levels);
        var perLevel = Enumerable.Range(0, levels.Count).Select(g => InTheClear(tables.SelectMany(t =>
        {
            var assigned = GroupLevels.Assign(t, group, levels);
            return t.Column(value).Where((_, i) => assigned[i] == g);
        }), probs)).ToList();
        return perLevel[0].Keys.ToDictionary(k => k, k => perLevel.SelectMany(r => r[k]).ToArray());
    }
}
