using System.Numerics;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics;

/// <summary>
/// The logrank test (as survdiff) on the pooled rows of all parties, under MPC.
/// </summary>
/// <remarks>
/// Each party bins its own rows on the public grid (<see cref="SurvivalCounts"/>); the counts are
/// pooled by zero-communication input, so no party's counts exist anywhere but as secret shares.
/// Then, for every stratum and time bin at once: one reciprocal r = 1/(n(n-1)) of the integer n(n-1) at scale 2f
/// (<see cref="Reciprocal.ComputeIntegerWideAsync"/>, 39 low bits; n = 0 and n = 1 give 0, and its lowest step bit is [n &gt;= 2]),
/// from which p_g = n_g (n-1) r and a p_g = (n - d) n_g r, with the integer factors multiplied beforehand (one round). Then
/// E_g = sum d p_g for groups 1..K-1 (group 0's is the total less theirs) and V_gh = sum d (a p_g (delta_gh - p_h)) with that
/// product bounded by 2 (a statistically masked truncation). A bin with one person at risk has p_g = 0 here where survdiff's
/// is n_g: there its O_g - E_g and its variance are 0, so z = O - E sums only the bins with n &gt;= 2 (d_g [n &gt;= 2], exact),
/// and E_g is reported as O_g - z_g. Finally chi2 = z' V^-1 z for z without the first group, by an LDL' factorisation with one
/// secure reciprocal per pivot (<see cref="Reciprocal.ComputeBoundedAsync"/>: the pivot is below a fourth of the events).
/// Nothing is opened but what the caller outputs. Error: the reciprocal's relative error, 1e-8 plus about 4 N 2^-41 from its
/// truncations, moves chi2 by about 2 E_g / (O_g - E_g) + 1 times it (lung: 10x; measured within 1e-6 of survdiff on lung and
/// aml); the truncations to p_g add N/2 units of 2^-40 each. Pooled at-risk counts must stay below 2^19 (n(n-1) below 2^38):
/// before any bounded step, one bit per stratum, [n &lt; 2^19] in its first bin (where n is largest), opens to the parties as a
/// data check, and a stratum above stops the test with a <see cref="DataProblemException"/> naming the limit.
/// </remarks>
public static class SecureLogrank
{
    /// <summary>Largest pooled at-risk count (exclusive) the reciprocal is set up for.</summary>
    public const double MaximumAtRisk = 1 << 19;

    // n(n - 1) lies in [0, 2^38): 39 bits read in two's complement.
    private const int ProductBits = 39;

    // Relative error of the reciprocal (3 Goldschmidt steps give 2.9e-9): chi2 moves by about 2 E/(O - E) times it.
    private const double ReciprocalError = 1e-8;

    /// <param name="runtime">The session's runtime.</param>
    /// <param name="local">This party's binned counts.</param>
    /// <param name="checkOutput">The declared data check under which one bit per stratum (is its pooled risk set below <see cref="MaximumAtRisk"/>?) opens to the parties.</param>
    public static async Task<SecureLogrankResult<T>> TestAsync<T>(MpcRuntime<T> runtime, SurvivalCounts local, string checkOutput)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(local);
        ArgumentException.ThrowIfNullOrEmpty(checkOutput);
        var design = local.Design;
        int S = design.Strata, K = design.Groups, B = design.Bins, cells = S * K * B, slices = S * B;

        double[] vector = [.. local.Events, .. local.AtRisk, .. local.GroupSizes, local.Dropped];
        var pooled = await Input.SumAcrossPartiesAsync(runtime, vector, 1, 0).ConfigureAwait(false);
        var events = pooled.Slice(0, cells);
        var atRisk = pooled.Slice(cells, cells);
        var groupSizes = pooled.Slice(2 * cells, K);
        var dropped = pooled.Slice(2 * cells + K, 1);
        var n = SumOverGroups(atRisk, design);
        // Before the forecast, so that the check's daBits are not taken from the items forecast for the steps below.
        await CheckRiskSetsAsync(runtime, n, design, checkOutput).ConfigureAwait(false);

        // Groups 1..K-1 only: group 0's expected events are the total events less the others' (the p_g sum to 1).
        int m = K - 1, pairCount = m * (m + 1) / 2;
        // Every triple of the steps below (1 + 2m integer products a slice, the reciprocal's, then 2m, pairs and 2m + pairs) and
        // the reciprocal's AND triples and daBits are made from here on, while the first steps run.
        (runtime.Preprocessing as IPreprocessingForecast)?.Forecast(
            Reciprocal.IntegerTriples(slices, ReciprocalError) + checked(slices * (1 + 6 * m + 2 * pairCount)),
            Reciprocal.IntegerBinaryWords(slices, ProductBits), Reciprocal.IntegerDaBits(slices, ProductBits));

        // Totals over groups per (stratum, bin), and their broadcast back over groups.
        var d = SumOverGroups(events, design);
        var rest = Enumerable.Range(1, m).ToArray();
        var restCells = Secret<T>.Concatenate(rest.Select(g => atRisk.Gather(Cells(design, g))).ToList());
        var restEvents = Secret<T>.Concatenate(rest.Select(g => events.Gather(Cells(design, g))).ToList());
        Secret<T> Repeat(Secret<T> slice, int times) => Secret<T>.Concatenate(Enumerable.Repeat(slice, times).ToList());

        // The integers n(n - 1), n_g (n - 1) and (n - d) n_g, exact, in one round.
        var integers = await Multiplication.MultiplyAsync(runtime,
            Secret<T>.Concatenate([n, restCells, Repeat(n - d, m)]),
            Secret<T>.Concatenate([n - 1.0, Repeat(n - 1.0, m), restCells])).ConfigureAwait(false);
        // r = 1/(n(n - 1)) at scale 2f (0 for n = 0 and n = 1) and [n >= 2].
        var (r, several) = await Reciprocal.ComputeIntegerWideAsync(runtime, integers.Slice(0, slices), ProductBits, ReciprocalError).ConfigureAwait(false);

        // p_g = n_g (n - 1) r in [0, 1] and a p_g = (n - d) n_g r in [0, 2] (n / (n - 1) at most where d = 0), back to scale f.
        int f = runtime.Format.FractionalBits;
        var ratios = await Multiplication.MultiplyBoundedAsync(runtime, integers.Slice(slices, 2 * m * slices), Repeat(r, 2 * m), 2, f).ConfigureAwait(false);
        var share = ratios.Slice(0, m * slices);
        var scaledShare = ratios.Slice(m * slices, m * slices);

        // V_gh over groups 1..K-1 (upper triangle): d (a p_g (delta_gh - p_h)), the product in brackets bounded by 2.
        var pairs = new List<(int G, int H)>();
        for (int g = 1; g < K; g++)
            for (int h = g; h < K; h++)
                pairs.Add((g, h));
        var left = new List<Secret<T>>();
        var right = new List<Secret<T>>();
        foreach (var (g, h) in pairs)
        {
            var ph = share.Slice((h - 1) * slices, slices);
            left.Add(scaledShare.Slice((g - 1) * slices, slices));
            right.Add(g == h ? 1.0 - ph : -ph);
        }
        var covarianceTerms = await Multiplication.MultiplyBoundedAsync(runtime, Secret<T>.Concatenate(left), Secret<T>.Concatenate(right), 2, f).ConfigureAwait(false);

        // E contributions d p_g, the variance terms d (a p_g (delta_gh - p_h)) and the events d_g [n >= 2] of bins with variance, in one round.
        var last = await Multiplication.MultiplyAsync(runtime,
            Secret<T>.Concatenate([Repeat(d, m), Repeat(d, pairs.Count), restEvents]),
            Secret<T>.Concatenate([share, covarianceTerms, Repeat(several.Upscale(f), m)])).ConfigureAwait(false);
        var expectedCells = last.Slice(0, m * slices);
        var weighted = last.Slice(m * slices, pairs.Count * slices);
        var countedEvents = last.Slice((m + pairs.Count) * slices, m * slices);
        var variance = new Secret<T>[m, m];
        for (int p = 0; p < pairs.Count; p++)
        {
            var (g, h) = pairs[p];
            variance[g - 1, h - 1] = variance[h - 1, g - 1] = weighted.Slice(p * slices, slices).Sum();
        }

        var observed = Secret<T>.Concatenate(Enumerable.Range(0, K).Select(g => events.Gather(Cells(design, g)).Sum()).ToList());
        // z_g = sum over bins with n >= 2 of d_g - d p_g; survdiff's E_g = O_g - z_g (a bin with n = 1 adds d_g to both).
        var z = Enumerable.Range(0, m).Select(g => countedEvents.Slice(g * slices, slices).Sum() - expectedCells.Slice(g * slices, slices).Sum()).ToArray();
        var expectedRest = Enumerable.Range(0, m).Select(g => observed[g + 1].Upscale(f) - z[g]).ToList();
        var totalEvents = d.Sum().Upscale(f);
        var expected = Secret<T>.Concatenate([expectedRest.Aggregate(totalEvents, (left, e) => left - e), .. expectedRest]);
        // The pivots' reciprocals forecast their own items; the two products a group after them (y_j^2, then times 1/D_j, each
        // truncated by a pair) are made with them.
        (runtime.Preprocessing as IPreprocessingForecast)?.Forecast(2 * m, 0, checked(2 * m * RingArithmetic<T>.Bits));
        var chiSquare = await QuadraticFormAsync(runtime, variance, z, S * MaximumAtRisk / 4).ConfigureAwait(false);
        return new SecureLogrankResult<T>(chiSquare, groupSizes, observed, expected, dropped);
    }

    /// <summary>
    /// Opens [n &lt; <see cref="MaximumAtRisk"/>] for every stratum's first bin (the at-risk count only falls after it) as
    /// <paramref name="checkOutput"/>, by an exact comparison over the whole ring (a party's count cannot push it past any bound),
    /// and stops when a stratum is above: the reciprocal's 39 bits would wrap and give a wrong chi2 without an error.
    /// </summary>
    private static async Task CheckRiskSetsAsync<T>(MpcRuntime<T> runtime, Secret<T> n, SurvivalDesign design, string checkOutput)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var first = n.Gather([.. Enumerable.Range(0, design.Strata).Select(s => s * design.Bins)]);
        var below = await Comparison.LessThanZeroAsync(runtime, first - MaximumAtRisk).ConfigureAwait(false);
        var bits = await Opening.RevealRealAsync(runtime, below, checkOutput).ConfigureAwait(false);
        var above = Enumerable.Range(0, bits.Length).Where(s => bits[s] < 0.5).Select(s => s + 1).ToList();
        // The bits were opened to the parties as a declared data check, so the stratum numbers in the party's log add nothing.
        if (above.Count > 0)
            throw new DataProblemException(ErrorMessages.RiskSetAboveMaximum, ErrorMessages.RiskSetAboveMaximumDetail(above, design.Strata), true);
    }

    /// <summary>
    /// z' V^-1 z for symmetric positive definite V, by V = L D L': chi2 = sum y_j^2 / D_j with L y = z. Every pivot D_j is at most
    /// V_jj, below <paramref name="maximumVariance"/> (a fourth of the events: each bin adds d a p (1 - p) &lt;= d / 4).
    /// </summary>
    private static async Task<Secret<T>> QuadraticFormAsync<T>(MpcRuntime<T> runtime, Secret<T>[,] v, Secret<T>[] z, double maximumVariance)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int m = z.Length;
        var l = new Secret<T>?[m, m];
        var pivots = new Secret<T>[m];
        var inverses = new Secret<T>[m];
        var y = new Secret<T>[m];
        for (int j = 0; j < m; j++)
        {
            // D_j = V_jj - sum_l L_jl^2 D_l and y_j = z_j - sum_l L_jl y_l.
            var pivot = v[j, j];
            var yj = z[j];
            for (int c = 0; c < j; c++)
            {
                var terms = await Multiplication.MultiplyAsync(runtime, Secret<T>.Concatenate([l[j, c]!, l[j, c]!]), Secret<T>.Concatenate([l[j, c]!, y[c]])).ConfigureAwait(false);
                pivot -= await Multiplication.MultiplyAsync(runtime, terms[0], pivots[c]).ConfigureAwait(false);
                yj -= terms[1];
            }
            pivots[j] = pivot;
            y[j] = yj;
            inverses[j] = await Reciprocal.ComputeBoundedAsync(runtime, pivot, maximumVariance, ReciprocalError).ConfigureAwait(false);
            for (int i = j + 1; i < m; i++)
            {
                // L_ij = (V_ij - sum_l L_il L_jl D_l) / D_j
                var numerator = v[i, j];
                for (int c = 0; c < j; c++)
                {
                    var product = await Multiplication.MultiplyAsync(runtime, l[i, c]!, l[j, c]!).ConfigureAwait(false);
                    numerator -= await Multiplication.MultiplyAsync(runtime, product, pivots[c]).ConfigureAwait(false);
                }
                l[i, j] = await Multiplication.MultiplyAsync(runtime, numerator, inverses[j]).ConfigureAwait(false);
            }
        }
        var ys = Secret<T>.Concatenate(y);
        var squares = await Multiplication.MultiplyAsync(runtime, ys, ys).ConfigureAwait(false);
        return (await Multiplication.MultiplyAsync(runtime, squares, Secret<T>.Concatenate(inverses)).ConfigureAwait(false)).Sum();
    }

    private static Secret<T> SumOverGroups<T>(Secret<T> cells, SurvivalDesign design)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        Secret<T>? total = null;
        for (int g = 0; g < design.Groups; g++)
        {
            var part = cells.Gather(Cells(design, g));
            total = total is null ? part : total + part;
        }
        return total!;
    }

    // The cells of one group, ordered by (stratum, bin).
    private static int[] Cells(SurvivalDesign design, int group)
    {
        var indices = new int[design.Strata * design.Bins];
        for (int s = 0; s < design.Strata; s++)
            for (int b = 0; b < design.Bins; b++)
                indices[s * design.Bins + b] = design.Index(s, group, b);
        return indices;
    }
}
