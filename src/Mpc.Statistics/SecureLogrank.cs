using System.Numerics;
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
/// Then, for every stratum and time bin at once: 1/n and 1/(n-1) by the reciprocal of bounded counts
/// (<see cref="Reciprocal.ComputeIntegerAsync"/>, 25 low bits; n = 0 and n = 1 give 0, which reproduces survdiff's handling
/// of empty risk sets and of a single person at risk), p_g = n_g / n and a = (n - d) / (n - 1) (integers times fixed point,
/// no truncation), E_g = sum d p_g for groups 1..K-1 (group 0's is the total less theirs), V_gh = sum d (a p_g (delta_gh - p_h))
/// with both fixed-point products bounded by 1 (statistically masked truncations); finally chi2 = z' V^-1 z for z = O - E
/// without the first group, by an LDL' factorisation with one secure reciprocal per pivot.
/// Nothing is opened but what the caller outputs. Error: the reciprocals' relative error, 1e-8 plus n N 2^-41 from their last
/// truncation (1.4e-7 at n = 2^16 with N = 3), moves chi2 by about 2 E_g / (O_g - E_g) + 1 times it (lung: 10x; measured
/// within 1e-6 of survdiff on lung and aml); pooled at-risk counts must stay below 2^24.
/// </remarks>
public static class SecureLogrank
{
    /// <summary>Largest pooled at-risk count the reciprocal is set up for.</summary>
    public const double MaximumAtRisk = 1 << 24;

    // n and n - 1 lie in [-1, 2^24): 25 bits read in two's complement.
    private const int AtRiskBits = 25;

    // Relative error of the reciprocals (3 Goldschmidt steps give 2.9e-9): chi2 moves by about 2 E/(O - E) times it.
    private const double ReciprocalError = 1e-8;

    public static async Task<SecureLogrankResult<T>> TestAsync<T>(MpcRuntime<T> runtime, SurvivalCounts local)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(local);
        var design = local.Design;
        int S = design.Strata, K = design.Groups, B = design.Bins, cells = S * K * B, slices = S * B;

        double[] vector = [.. local.Events, .. local.AtRisk, .. local.GroupSizes, local.Dropped];
        var pooled = await Input.SumAcrossPartiesAsync(runtime, vector, 1, 0).ConfigureAwait(false);
        var events = pooled.Slice(0, cells);
        var atRisk = pooled.Slice(cells, cells);
        var groupSizes = pooled.Slice(2 * cells, K);
        var dropped = pooled.Slice(2 * cells + K, 1);

        // Groups 1..K-1 only: group 0's expected events are the total events less the others' (the p_g sum to 1).
        int m = K - 1, pairCount = m * (m + 1) / 2;
        // Every triple of the steps below (the reciprocals', then m + 1, 2 x pairs and m + pairs products a slice) and the
        // reciprocals' AND triples and daBits are made from here on, while the first steps run.
        (runtime.Preprocessing as IPreprocessingForecast)?.Forecast(
            Reciprocal.IntegerTriples(2 * slices, ReciprocalError) + checked(slices * (2 * m + 3 * pairCount + 1)),
            Reciprocal.IntegerBinaryWords(2 * slices, AtRiskBits), Reciprocal.IntegerDaBits(2 * slices, AtRiskBits));

        // Totals over groups per (stratum, bin), and their broadcast back over groups.
        var n = SumOverGroups(atRisk, design);
        var d = SumOverGroups(events, design);
        // 1/n and 1/(n - 1) from one batch of integer reciprocals (n = 0 and n = 1 give 1/n = 0 and 1/(n - 1) = 0; n - 1 = -1 gives
        // a tiny value): only products by n_g, d and n - d follow, which are 0 wherever these differ from survdiff's conventions.
        var reciprocals = await Reciprocal.ComputeIntegerAsync(runtime, Secret<T>.Concatenate([n, n - 1.0]), AtRiskBits, ReciprocalError).ConfigureAwait(false);
        var inverseN = reciprocals.Slice(0, slices);
        var inverseNMinusOne = reciprocals.Slice(slices, slices);

        var rest = Enumerable.Range(1, m).ToArray();
        var restCells = Secret<T>.Concatenate(rest.Select(g => atRisk.Gather(Cells(design, g))).ToList());
        var dRest = Secret<T>.Concatenate(rest.Select(_ => d).ToList());

        // Integer times fixed point needs no truncation: p_g = n_g / n and a = (n - d) / (n - 1), in one round.
        var first = await Multiplication.MultiplyAsync(runtime,
            Secret<T>.Concatenate([restCells, n - d]),
            Secret<T>.Concatenate([Secret<T>.Concatenate(rest.Select(_ => inverseN).ToList()), inverseNMinusOne])).ConfigureAwait(false);
        var share = first.Slice(0, m * slices);
        var survivorsRatio = first.Slice(m * slices, slices);

        // V_gh over groups 1..K-1 (upper triangle): d a p_g (delta_gh - p_h), with p_g (delta_gh - p_h) and then a times it bounded
        // by 1, so their truncations are statistically masked; d times the result is exact.
        var pairs = new List<(int G, int H)>();
        for (int g = 1; g < K; g++)
            for (int h = g; h < K; h++)
                pairs.Add((g, h));
        var left = new List<Secret<T>>();
        var right = new List<Secret<T>>();
        foreach (var (g, h) in pairs)
        {
            var pg = share.Slice((g - 1) * slices, slices);
            var ph = share.Slice((h - 1) * slices, slices);
            left.Add(pg);
            right.Add(g == h ? 1.0 - ph : -ph);
        }
        int f = runtime.Format.FractionalBits;
        var covarianceTerms = await Multiplication.MultiplyBoundedAsync(runtime, Secret<T>.Concatenate(left), Secret<T>.Concatenate(right), 1, f).ConfigureAwait(false);
        var ratios = Secret<T>.Concatenate(pairs.Select(_ => survivorsRatio).ToList());
        var scaledTerms = await Multiplication.MultiplyBoundedAsync(runtime, covarianceTerms, ratios, 1, f).ConfigureAwait(false);

        // E contributions d p_g and the variance terms d (a p_g (delta_gh - p_h)), in one round.
        var last = await Multiplication.MultiplyAsync(runtime,
            Secret<T>.Concatenate([dRest, Secret<T>.Concatenate(pairs.Select(_ => d).ToList())]),
            Secret<T>.Concatenate([share, scaledTerms])).ConfigureAwait(false);
        var expectedCells = last.Slice(0, m * slices);
        var weighted = last.Slice(m * slices, pairs.Count * slices);
        var variance = new Secret<T>[m, m];
        for (int p = 0; p < pairs.Count; p++)
        {
            var (g, h) = pairs[p];
            variance[g - 1, h - 1] = variance[h - 1, g - 1] = weighted.Slice(p * slices, slices).Sum();
        }

        var observed = Secret<T>.Concatenate(Enumerable.Range(0, K).Select(g => events.Gather(Cells(design, g)).Sum()).ToList());
        var expectedRest = Enumerable.Range(0, m).Select(g => expectedCells.Slice(g * slices, slices).Sum()).ToList();
        var totalEvents = d.Sum().Upscale(f);
        var expected = Secret<T>.Concatenate([expectedRest.Aggregate(totalEvents, (left, e) => left - e), .. expectedRest]);
        var z = Enumerable.Range(1, m).Select(g => observed[g] - expected[g]).ToArray();
        var chiSquare = await QuadraticFormAsync(runtime, variance, z).ConfigureAwait(false);
        return new SecureLogrankResult<T>(chiSquare, groupSizes, observed, expected, dropped);
    }

    /// <summary>z' V^-1 z for symmetric positive definite V, by V = L D L': chi2 = sum y_j^2 / D_j with L y = z.</summary>
    private static async Task<Secret<T>> QuadraticFormAsync<T>(MpcRuntime<T> runtime, Secret<T>[,] v, Secret<T>[] z)
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
            inverses[j] = await Reciprocal.ComputeAsync(runtime, pivot).ConfigureAwait(false);
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
