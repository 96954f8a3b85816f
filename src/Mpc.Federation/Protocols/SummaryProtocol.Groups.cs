using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>
/// The summary by group (R's tapply or aggregate): each party sums its own rows per level in the clear and adds the
/// sums under MPC, so only the pooled n, mean and SD per level open, to the analyst. For the quantiles each party
/// shares, per level, all of its rows with those of other levels replaced by a value above the grid: a peer sees
/// how many rows a party shares (as without a group) but not how many are in each level. The ranks come from the secret
/// pooled n and stay secret (<see cref="GridQuantilesAsync"/>).
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

        var (quantiles, withheld) = await GridQuantilesAsync(runtime, context, value, group, n).ConfigureAwait(false);
        await Opening.OutputAsync(runtime, n, "n").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, mean, "mean").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, sd, "sd").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, quantiles.Reshape(groups, quantiles.Length / groups), "quantiles").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, withheld, "quantiles_withheld").ConfigureAwait(false);
    }

    /// <summary>
    /// Quantiles per level (a levels x probs matrix) at ranks on a fixed grid, from the secret pooled n per level: the ranks
    /// are multiples of s = m + 1, m the largest of the parties' minimum group sizes (shared, never opened), and at most
    /// n - m, so at least m rows lie below, between and above any ranks ever opened, in one session or over many (issue 30:
    /// one probability per session reached every rank the old per-session spacing rule refused). The requested rank
    /// h = (n - 1) p + 1 goes to the nearest grid rank inside those bounds, without interpolation; a level with no grid rank
    /// (n &lt; 2 m + 1) has its quantiles zeroed and flagged in quantiles_withheld, to the analyst only: no bit about n
    /// reaches a party, whose own limit would otherwise let it probe a level's pooled size.
    /// </summary>
    private static async Task<(Secret<UInt128> Quantiles, Secret<UInt128> Withheld)> GridQuantilesAsync(MpcRuntime<UInt128> runtime, ProtocolContext context, double[] value, int[] group, Secret<UInt128> n)
    {
        var p = context.Parameters;
        double lower = p.Number("lower"), upper = p.Number("upper"), resolution = Resolution(p);
        int steps = Steps(upper - lower, resolution), groups = n.Length;
        var probs = p.Numbers("probs");
        // s = m + 1, m the parties' largest minimum group size (a minimum of 1, no limit, counts as 0).
        var spacing = await SharedLimits.LargestAsync(runtime, context.Limits.MinGroupSize > 1 ? context.Limits.MinGroupSize : 0).ConfigureAwait(false) + 1.0;
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

        // h = (n - 1) p + 1 per (level, probability), secret; grid index k in 1 .. rows stands for rank k s.
        int cells = groups * probs.Length;
        var h = await Multiplication.MultiplyPublicAsync(runtime, (n - 1.0).Gather(Enumerable.Range(0, cells).Select(c => c / probs.Length).ToArray()),
            Enumerable.Range(0, cells).Select(c => probs[c % probs.Length]).ToArray()).ConfigureAwait(false) + 1.0;
        // Nearest index: the number of k with (2 k - 1) s <= 2 h; highest index: the number of k with (k + 1) s <= n + 1 (rank k s <= n - m).
        var odd = spacing.Gather(new int[cells * rows]).MultiplyPublic(Enumerable.Range(0, cells * rows).Select(i => 2L * (i % rows) + 1).ToArray());
        var next = spacing.Gather(new int[groups * rows]).MultiplyPublic(Enumerable.Range(0, groups * rows).Select(i => (long)(i % rows) + 2).ToArray());
        var beyond = await Comparison.LessThanZeroAsync(runtime, Secret<UInt128>.Concatenate([
            (h * 2 + 1e-6).Gather(Enumerable.Range(0, cells * rows).Select(i => i / rows).ToArray()) - odd,
            (n + 1.0).Gather(Enumerable.Range(0, groups * rows).Select(i => i / rows).ToArray()) - next])).ConfigureAwait(false);
        Secret<UInt128> Counted(int offset, int count) => Secret<UInt128>.Concatenate(Enumerable.Range(0, count).Select(c => (beyond.Slice(offset + c * rows, rows).Sum() * -1) + rows).ToList());
        var nearest = Counted(0, cells);
        var highest = Counted(cells * rows, groups);
        // Index min(max(nearest, 1), highest); 0 only where a level has no grid rank. Counts are whole numbers at scale 0, so compare with 1, not 0.5.
        var flags = await Comparison.LessThanZeroAsync(runtime, Secret<UInt128>.Concatenate([nearest - 1.0, highest - 1.0])).ConfigureAwait(false);
        var inside = nearest + flags.Slice(0, cells);
        var index = -await Comparison.MaximumAsync(runtime, -inside, -highest.Gather(Enumerable.Range(0, cells).Select(c => c / probs.Length).ToArray())).ConfigureAwait(false);
        var ranks = await Multiplication.MultiplyAsync(runtime, index, spacing.Gather(new int[cells])).ConfigureAwait(false);

        var searched = all.Gather(Enumerable.Range(0, cells).SelectMany(s => Level(s / probs.Length)).ToArray());
        var lowEnd = await BisectAsync(runtime, context, searched, ranks, steps).ConfigureAwait(false);
        var statistic = (lowEnd + 1.0).Upscale(runtime.Format.FractionalBits);
        var quantiles = await Multiplication.MultiplyPublicAsync(runtime, statistic, Enumerable.Repeat(resolution, cells).ToArray()).ConfigureAwait(false) + origin;
        var withheld = flags.Slice(cells, groups);
        var shown = await Multiplication.MultiplyAsync(runtime, quantiles, 1.0 - withheld.Gather(Enumerable.Range(0, cells).Select(c => c / probs.Length).ToArray())).ConfigureAwait(false);
        return (shown, withheld);
    }

    /// <summary>Clear-text reference per level on the pooled rows (rows of no listed level left out), for tests: n, mean, sd and grid quantiles, row by row.</summary>
    public static Dictionary<string, double[]> ComputeInTheClear(IReadOnlyList<Mpc.Data.CsvTable> tables, string value, string group, IReadOnlyList<string> levels, IReadOnlyList<double> probs, int minGroupSize)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(levels);
        var perLevel = Enumerable.Range(0, levels.Count).Select(g => InTheClear(tables.SelectMany(t =>
        {
            var assigned = GroupLevels.Assign(t, group, levels);
            return t.Column(value).Where((_, i) => assigned[i] == g);
        }), probs, minGroupSize)).ToList();
        return perLevel[0].Keys.ToDictionary(k => k, k => perLevel.SelectMany(r => r[k]).ToArray());
    }
}
