using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Boltzmann;

/// <remarks>
/// Distance checks against the rows of all parties together. Every party computes, for each public synthetic row, the
/// squared distances to its closest and second-closest own record, and secret-shares both (no communication: the owner's
/// share is its values plus a pseudo-random zero share). A tournament over the parties (ceil(log2 N) rounds of
/// comparisons) keeps per synthetic row the smallest and the second-smallest of all of them: the distance to the
/// closest record over the pooled rows (DCR) and the one to the second-closest, whose ratio is the NNDR. Then per
/// synthetic row and public grid value a comparison [DCR &lt;= grid] (NNDR: B^2 d1 &lt;= j^2 d2, for whole squared distances up
/// to L taken as d1 &lt;= floor(j^2 d2 / B^2), a public step function of d2 from L tests [d2 &gt;= b]), summed into secret
/// cumulative counts; each quantile is the first grid value whose count reaches a share p of the M synthetic rows
/// (the lower, type 1, quantile), and the count at distance 0 gives the share of exact copies. The holdout comparison
/// (Virtual Data Lab) compares each synthetic row's DCR to the training rows with its DCR to the holdout rows. Only
/// the quantiles and shares are left as secrets to output; the per-row distances never open.
/// </remarks>
public static partial class SecureSyntheticEvaluation
{
    /// <summary>NNDR grid steps on [0, 1]; NNDR quantiles are rounded up to a multiple of 1 / NndrBins.</summary>
    public const int NndrBins = 100;

    /// <summary>DCR grid steps for continuous columns, up to <see cref="ContinuousDcrTop"/>; DCR quantiles are rounded up to a step.</summary>
    public const int ContinuousDcrBins = 100;

    // A quantile's share p as the fraction P / Resolution, so the test count D < p M stays integer.
    private const long Resolution = 1_000_000;

    /// <summary>
    /// Lower quantiles at <paramref name="probabilities"/> of every synthetic row's distance to its closest record over the
    /// rows of all parties (DCR), then of its nearest / second-nearest ratio (NNDR, 1 where both distances are 0), then the
    /// share of synthetic rows that are exact copies of a real row (DCR 0): 2 q + 1 secrets at the runtime's fixed-point
    /// scale. 0/1 or one-hot rows; every party passes at least two rows of its own and the same synthetic rows.
    /// </summary>
    public static async Task<Secret<T>> DistanceQuantilesAsync<T>(MpcRuntime<T> runtime, IReadOnlyList<double[]> localRows, IReadOnlyList<double[]> synthetic,
        IReadOnlyList<double> probabilities)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        CheckDistanceArguments(localRows, synthetic, probabilities, continuous: false);
        var space = DistanceSpace.Exact(synthetic);
        return await DistanceQuantilesCoreAsync(runtime, space, space.Local(localRows), probabilities, 0).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="DistanceQuantilesAsync"/> for continuous columns (Gaussian visibles): distances are Euclidean with every column
    /// divided by the synthetic rows' standard deviation in it (public, as the synthetic rows are), and the DCR grid has
    /// <see cref="ContinuousDcrBins"/> equal steps up to <see cref="ContinuousDcrTop"/>, so DCR quantiles come rounded up to a
    /// step, and a quantile above the top reads as the top.
    /// </summary>
    public static async Task<Secret<T>> ContinuousDistanceQuantilesAsync<T>(MpcRuntime<T> runtime, IReadOnlyList<double[]> localRows, IReadOnlyList<double[]> synthetic,
        IReadOnlyList<double> probabilities)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        CheckDistanceArguments(localRows, synthetic, probabilities, continuous: true);
        var space = DistanceSpace.Continuous(synthetic);
        return await DistanceQuantilesCoreAsync(runtime, space, space.Local(localRows), probabilities, runtime.Format.FractionalBits).ConfigureAwait(false);
    }

    /// <summary>
    /// Virtual Data Lab's holdout comparison: the share of synthetic rows whose closest record over all parties is a training
    /// row rather than a holdout row (ties count half), one secret at the runtime's fixed-point scale. With as many holdout as
    /// training rows a generator that does not memorise scores about 0.5; in general about the training rows' share of all
    /// rows. <paramref name="continuous"/>: distances as in <see cref="ContinuousDistanceQuantilesAsync"/>.
    /// </summary>
    public static async Task<Secret<T>> HoldoutShareAsync<T>(MpcRuntime<T> runtime, IReadOnlyList<double[]> trainingRows, IReadOnlyList<double[]> holdoutRows,
        IReadOnlyList<double[]> synthetic, bool continuous = false)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        CheckDistanceArguments(trainingRows, synthetic, [0.5], continuous);
        CheckDistanceArguments(holdoutRows, synthetic, [0.5], continuous);
        var space = continuous ? DistanceSpace.Continuous(synthetic) : DistanceSpace.Exact(synthetic);
        int scale = continuous ? runtime.Format.FractionalBits : 0;
        int m = synthetic.Count;
        // One tournament for both sets: the training rows' closest in the first M elements, the holdout rows' in the last M.
        var (toTraining, toHoldout) = (space.Local(trainingRows), space.Local(holdoutRows));
        var (closest, _) = await ClosestOverPartiesAsync(runtime, new LocalClosest([.. toTraining.First, .. toHoldout.First], [.. toTraining.Second, .. toHoldout.Second]),
            scale, space.Largest).ConfigureAwait(false);
        var (training, holdout) = (closest.Slice(0, m), closest.Slice(m, m));
        var less = await SignsAsync(runtime, Secret<T>.Concatenate([training - holdout, holdout - training]), space.Largest).ConfigureAwait(false);
        // closer + ties / 2 = 1/2 + (closer - farther) / 2 over the M rows.
        var difference = less.Slice(0, m).Sum() - less.Slice(m, m).Sum();
        return await Multiplication.MultiplyPublicAsync(runtime, difference, new[] { 0.5 / m }).ConfigureAwait(false) + 0.5;
    }

    /// <summary>
    /// The synthetic rows at distance 0 from one of this party's rows: the party's own cell behind the share of exact copies,
    /// which its disclosure limits check. <paramref name="continuous"/>: rows compared as continuous values.
    /// </summary>
    public static int LocalExactCopies(IReadOnlyList<double[]> localRows, IReadOnlyList<double[]> synthetic, bool continuous = false)
    {
        CheckDistanceArguments(localRows, synthetic, [0.5], continuous);
        var space = continuous ? DistanceSpace.Continuous(synthetic) : DistanceSpace.Exact(synthetic);
        return space.Local(localRows).First.Count(d => d == 0);
    }

    /// <summary>
    /// The top of the continuous DCR grid, in the units of <see cref="ContinuousDistanceQuantilesAsync"/>: twice the largest
    /// distance from a synthetic row to its nearest other synthetic row (1 where all coincide). It depends on the public
    /// synthetic rows only, so every party builds the same grid.
    /// </summary>
    public static double ContinuousDcrTop(IReadOnlyList<double[]> synthetic)
    {
        ArgumentNullException.ThrowIfNull(synthetic);
        return Top(ScaleColumns(synthetic, synthetic));
    }

    /// <summary>The clear-text value of <see cref="DistanceQuantilesAsync"/>: the parties' rows pooled in one place (for checks and simulations).</summary>
    public static double[] DistanceQuantiles(IReadOnlyList<IReadOnlyList<double[]>> parties, IReadOnlyList<double[]> synthetic, IReadOnlyList<double> probabilities)
    {
        ArgumentNullException.ThrowIfNull(parties);
        CheckDistanceArguments([.. parties.SelectMany(rows => rows)], synthetic, probabilities, continuous: false);
        var space = DistanceSpace.Exact(synthetic);
        return PooledQuantiles(space, space.Local([.. parties.SelectMany(rows => rows)]), probabilities);
    }

    /// <summary>The clear-text value of <see cref="ContinuousDistanceQuantilesAsync"/>: the parties' rows pooled in one place.</summary>
    public static double[] ContinuousDistanceQuantiles(IReadOnlyList<IReadOnlyList<double[]>> parties, IReadOnlyList<double[]> synthetic, IReadOnlyList<double> probabilities)
    {
        ArgumentNullException.ThrowIfNull(parties);
        CheckDistanceArguments([.. parties.SelectMany(rows => rows)], synthetic, probabilities, continuous: true);
        var space = DistanceSpace.Continuous(synthetic);
        return PooledQuantiles(space, space.Local([.. parties.SelectMany(rows => rows)]), probabilities);
    }

    /// <summary>The clear-text value of <see cref="HoldoutShareAsync"/>: every party's training and holdout rows pooled in one place.</summary>
    public static double HoldoutShare(IReadOnlyList<double[]> training, IReadOnlyList<double[]> holdout, IReadOnlyList<double[]> synthetic, bool continuous = false)
    {
        CheckDistanceArguments(training, synthetic, [0.5], continuous);
        CheckDistanceArguments(holdout, synthetic, [0.5], continuous);
        var space = continuous ? DistanceSpace.Continuous(synthetic) : DistanceSpace.Exact(synthetic);
        var (toTraining, toHoldout) = (space.Local(training).First, space.Local(holdout).First);
        return Enumerable.Range(0, synthetic.Count).Sum(s => toTraining[s] < toHoldout[s] ? 1 : toTraining[s] == toHoldout[s] ? 0.5 : 0) / synthetic.Count;
    }

    private static void CheckDistanceArguments(IReadOnlyList<double[]> rows, IReadOnlyList<double[]> synthetic, IReadOnlyList<double> probabilities, bool continuous)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (continuous) CheckContinuousRows(rows, synthetic);
        else CheckRows(rows, synthetic, null);
        if (rows.Count < 2) throw new ArgumentException($"The distance check needs at least two real rows at every party; this party has {rows.Count}.", nameof(rows));
        if (probabilities.Count == 0 || probabilities.Any(p => !(p > 0 && p <= 1))) throw new ArgumentOutOfRangeException(nameof(probabilities), "Quantile probabilities must lie in (0, 1].");
    }

    private static async Task<Secret<T>> DistanceQuantilesCoreAsync<T>(MpcRuntime<T> runtime, DistanceSpace space, LocalClosest local,
        IReadOnlyList<double> probabilities, int scale)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var (first, second) = await ClosestOverPartiesAsync(runtime, local, scale, space.Largest).ConfigureAwait(false);
        int m = first.Length;
        double unit = Math.ScaleB(1, -scale);
        // [d1 <= g^2] per DCR grid value g, [B^2 d1 <= j^2 d2] per NNDR step j, and [d2 == 0] (NNDR 1 there): x < 0 tests, x <= 0 as x - unit < 0.
        // 0/1 rows: the DCR tests lie within the largest squared distance plus one, the NNDR tests within B^2 times it plus one (or see below).
        var distanceTests = new List<Secret<T>>();
        foreach (double g in space.Grid) distanceTests.Add(first - (g * g + unit));
        distanceTests.Add(second - unit);
        // Whole squared distances up to L: B^2 d1 <= j^2 d2 iff d1 <= T_j(d2) = floor(j^2 d2 / B^2), a public step function of d2 made
        // from the steps [d2 >= b] (in the batch of the DCR tests), so the NNDR tests compare numbers below L + 2, not B^2 L.
        int largest = scale == 0 && space.Largest is { } bound ? (int)bound : -1;
        bool stepped = largest > 0 && (largest + NndrBins + 1) * Comparison.BoundBits(largest + 1) < (NndrBins + 1) * Comparison.BoundBits((double)largest * NndrBins * NndrBins + 1);
        if (stepped)
            for (int b = 1; b <= largest; b++) distanceTests.Add((b - 1.0) - second);
        var distanceBits = await SignsAsync(runtime, Secret<T>.Concatenate(distanceTests), space.Largest + 1).ConfigureAwait(false);
        var ratioTests = new List<Secret<T>>();
        for (int j = 0; j <= NndrBins; j++)
            ratioTests.Add(stepped ? first - StepThreshold(distanceBits, (space.Grid.Length + 1) * m, m, largest, j) - unit
                : first * ((long)NndrBins * NndrBins) - second * ((long)j * j) - unit);
        var ratioBits = await SignsAsync(runtime, Secret<T>.Concatenate(ratioTests), stepped ? largest + 2 : space.Largest * NndrBins * NndrBins + 1).ConfigureAwait(false);
        int grid = space.Grid.Length;
        // In the layout of the tests: the grid, the NNDR steps, then [d2 == 0].
        var bits = Secret<T>.Concatenate([distanceBits.Slice(0, grid * m), ratioBits, distanceBits.Slice(grid * m, m)]);
        var bothZero = bits.Slice((grid + NndrBins + 1) * m, m).Sum();
        var cumulative = Enumerable.Range(0, grid + NndrBins + 1).Select(t => bits.Slice(t * m, m).Sum()).ToList();
        // Rows with d1 = d2 = 0 pass every NNDR test; their ratio is 1, so they count at the last step only.
        for (int j = 0; j < NndrBins; j++) cumulative[grid + j] -= bothZero;
        // Per grid and probability p: below(t) = [Resolution cumulative(t) - share(p) M < 0]; the quantile is the grid value at the first t not below.
        var quantileTests = new List<Secret<T>>();
        var layout = new List<double[]>();
        foreach (var (offset, values) in new[] { (0, space.Grid), (grid, NndrGrid) })
            foreach (double p in probabilities)
            {
                quantileTests.Add(Secret<T>.Concatenate(cumulative.GetRange(offset, values.Length)) * Resolution - (double)Share(p) * m);
                layout.Add(values);
            }
        // Resolution cumulative(t) - share(p) M lies within Resolution M: counts, whatever the distances.
        var below = await SignsAsync(runtime, Secret<T>.Concatenate(quantileTests), (double)Resolution * m).ConfigureAwait(false);
        var steps = layout.SelectMany(values => values.Select((v, t) => t + 1 < values.Length ? values[t + 1] - v : 0)).Append(1.0 / m).ToArray();
        var weighted = await Multiplication.MultiplyPublicAsync(runtime, Secret<T>.Concatenate([below, cumulative[0]]), steps).ConfigureAwait(false);
        var result = new List<Secret<T>>();
        int start = 0;
        foreach (var values in layout)
        {
            result.Add(weighted.Slice(start, values.Length).Sum() + values[0]);
            start += values.Length;
        }
        result.Add(weighted.Slice(start, 1));
        return Secret<T>.Concatenate(result);
    }

    // Per synthetic row, the smallest and second-smallest squared distance over every party's two closest (secrets at `scale`), all rows at
    // once in ceil(log2 N) levels; `largest` (null: none) bounds every squared distance, so the comparisons of their differences take its bits.
    private static async Task<(Secret<T> First, Secret<T> Second)> ClosestOverPartiesAsync<T>(MpcRuntime<T> runtime, LocalClosest local, int scale, double? largest)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int m = local.First.Length;
        var firsts = new List<Secret<T>>();
        var seconds = new List<Secret<T>>();
        for (int party = 0; party < runtime.PartyCount; party++)
        {
            bool mine = party == runtime.PartyIndex;
            firsts.Add(Input.Share(runtime, party, mine ? local.First : null, m, 1, scale));
            seconds.Add(Input.Share(runtime, party, mine ? local.Second : null, m, 1, scale));
        }
        while (firsts.Count > 1)
        {
            int pairs = firsts.Count / 2;
            Secret<T> Take(List<Secret<T>> list, int parity) => Secret<T>.Concatenate([.. Enumerable.Range(0, pairs).Select(i => list[2 * i + parity])]);
            var (a1, b1, a2, b2) = (Take(firsts, 0), Take(firsts, 1), Take(seconds, 0), Take(seconds, 1));
            // first = min(a1, b1); second = min(max(a1, b1), min(a2, b2)).
            var less = await SignsAsync(runtime, Secret<T>.Concatenate([a1 - b1, a2 - b2]), largest).ConfigureAwait(false);
            var chosen = await Multiplication.MultiplyAsync(runtime, less, Secret<T>.Concatenate([a1 - b1, a2 - b2])).ConfigureAwait(false);
            int n = pairs * m;
            var first = b1 + chosen.Slice(0, n);
            var other = a1 + b1 - first;
            var smallerSecond = b2 + chosen.Slice(n, n);
            var lastLess = await SignsAsync(runtime, other - smallerSecond, largest).ConfigureAwait(false);
            var second = smallerSecond + await Multiplication.MultiplyAsync(runtime, lastLess, other - smallerSecond).ConfigureAwait(false);
            var nextFirsts = Enumerable.Range(0, pairs).Select(i => first.Slice(i * m, m)).ToList();
            var nextSeconds = Enumerable.Range(0, pairs).Select(i => second.Slice(i * m, m)).ToList();
            if (firsts.Count % 2 == 1)
            {
                nextFirsts.Add(firsts[^1]);
                nextSeconds.Add(seconds[^1]);
            }
            (firsts, seconds) = (nextFirsts, nextSeconds);
        }
        return (firsts[0], seconds[0]);
    }

    // T_j(d2) = floor(j^2 d2 / B^2) as the sum over b of [d2 >= b] (T_j(b) - T_j(b - 1)); the steps start at `offset` of `bits`, m each.
    private static Secret<T> StepThreshold<T>(Secret<T> bits, int offset, int m, int largest, int j)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        long Threshold(int d2) => (long)j * j * d2 / ((long)NndrBins * NndrBins);
        var sum = bits.Slice(offset, m) * Threshold(1);
        for (int b = 2; b <= largest; b++)
        {
            long increase = Threshold(b) - Threshold(b - 1);
            if (increase != 0) sum += bits.Slice(offset + (b - 1) * m, m) * increase;
        }
        return sum;
    }

    // [x < 0] for secrets within `magnitude` ring units (null: unbounded): compared in the bound's bits where the ring has room for its mask.
    private static Task<Secret<T>> SignsAsync<T>(MpcRuntime<T> runtime, Secret<T> x, double? magnitude)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (magnitude is not { } bound || Comparison.BoundBits(bound) > Comparison.MaximumBoundBits(runtime)) return Comparison.LessThanZeroAsync(runtime, x);
        return Comparison.LessThanZeroBoundedAsync(runtime, x, Comparison.BoundBits(bound));
    }

    private static double[] PooledQuantiles(DistanceSpace space, LocalClosest pooled, IReadOnlyList<double> probabilities)
    {
        int m = pooled.First.Length;
        var dcr = pooled.First.Select(Math.Sqrt).ToArray();
        var nndr = pooled.First.Select((d1, s) => pooled.Second[s] == 0 ? 1 : Math.Sqrt(d1 / pooled.Second[s])).ToArray();
        var result = new List<double>();
        foreach (var (values, grid) in new[] { (dcr, space.Grid), (nndr, NndrGrid) })
            foreach (double p in probabilities)
            {
                // The first grid value with at least a share p of the rows at or below it (to 1e-9, as the grid's rounding).
                int index = Array.FindIndex(grid, g => (long)values.Count(v => v <= g * (1 + 1e-9) + 1e-12) * Resolution >= Share(p) * m);
                result.Add(grid[index < 0 ? grid.Length - 1 : index]);
            }
        result.Add((double)dcr.Count(d => d == 0) / m);
        return [.. result];
    }

    private static readonly double[] NndrGrid = [.. Enumerable.Range(0, NndrBins + 1).Select(j => (double)j / NndrBins)];

    private static long Share(double p) => (long)Math.Round(p * Resolution);

    // Squared distances from each synthetic row to its closest and second-closest row of a set.
    private sealed record LocalClosest(double[] First, double[] Second);

    // The public grid of DCR values and the (scaled) synthetic rows distances are measured from.
    private sealed record DistanceSpace(double[] Grid, IReadOnlyList<double[]> Synthetic, IReadOnlyList<double[]>? ScaleFrom)
    {
        // 0/1 and one-hot rows: squared distances are the whole numbers 0..width, so the grid sqrt(0..width) is exact.
        public static DistanceSpace Exact(IReadOnlyList<double[]> synthetic) =>
            new([.. Enumerable.Range(0, synthetic[0].Length + 1).Select(t => Math.Sqrt(t))], synthetic, null);

        // The largest squared distance in ring units: the width for 0/1 rows (checked by CheckRows); none for continuous rows, whose real values are unbounded.
        public double? Largest => ScaleFrom is null ? Synthetic[0].Length : null;

        // Continuous rows in synthetic standard deviations: ContinuousDcrBins equal steps up to the top.
        public static DistanceSpace Continuous(IReadOnlyList<double[]> synthetic)
        {
            var scaled = ScaleColumns(synthetic, synthetic);
            double step = Top(scaled) / ContinuousDcrBins;
            return new([.. Enumerable.Range(0, ContinuousDcrBins + 1).Select(j => j * step)], scaled, synthetic);
        }

        public LocalClosest Local(IReadOnlyList<double[]> rows)
        {
            var reference = ScaleFrom is null ? rows : ScaleColumns(rows, ScaleFrom);
            var first = new double[Synthetic.Count];
            var second = new double[Synthetic.Count];
            for (int s = 0; s < Synthetic.Count; s++)
            {
                double a = double.PositiveInfinity, b = double.PositiveInfinity;
                foreach (var r in reference)
                {
                    double d = 0;
                    for (int j = 0; j < r.Length; j++) d += (Synthetic[s][j] - r[j]) * (Synthetic[s][j] - r[j]);
                    if (d < a) (b, a) = (a, d);
                    else if (d < b) b = d;
                }
                (first[s], second[s]) = (a, b);
            }
            return new(first, second);
        }
    }

    private static double Top(IReadOnlyList<double[]> scaledSynthetic)
    {
        if (scaledSynthetic.Count < 2) return 1;
        double largest = 0;
        for (int s = 0; s < scaledSynthetic.Count; s++)
        {
            double nearest = double.PositiveInfinity;
            for (int o = 0; o < scaledSynthetic.Count; o++)
            {
                if (o == s) continue;
                double d = 0;
                for (int j = 0; j < scaledSynthetic[s].Length; j++) d += (scaledSynthetic[s][j] - scaledSynthetic[o][j]) * (scaledSynthetic[s][j] - scaledSynthetic[o][j]);
                nearest = Math.Min(nearest, d);
            }
            largest = Math.Max(largest, nearest);
        }
        return largest == 0 ? 1 : 2 * Math.Sqrt(largest);
    }

    // Every column divided by the synthetic rows' standard deviation in it (1 where that is 0).
    private static List<double[]> ScaleColumns(IReadOnlyList<double[]> rows, IReadOnlyList<double[]> synthetic)
    {
        int width = synthetic[0].Length;
        var scale = new double[width];
        for (int j = 0; j < width; j++)
        {
            double mean = synthetic.Average(r => r[j]);
            double sd = Math.Sqrt(synthetic.Average(r => (r[j] - mean) * (r[j] - mean)));
            scale[j] = sd > 0 ? sd : 1;
        }
        return [.. rows.Select(r => r.Select((v, j) => v / scale[j]).ToArray())];
    }
}
