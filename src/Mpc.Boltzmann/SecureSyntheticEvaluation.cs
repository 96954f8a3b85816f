using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Boltzmann;

/// <summary>
/// The metrics of <see cref="SyntheticDataEvaluation"/> for public synthetic rows against the real rows
/// of all parties, computed under MPC so that only the metrics come out: 0/1 data, or one-hot rows whose groups are
/// categorical variables (marginals over their levels, log odds ratios of their dummies, distances on the one-hot units).
/// </summary>
/// <remarks>
/// Marginals: every party counts its rows in each cell of the chosen variable sets; the counts and the
/// row count N are summed as secrets. With M synthetic rows of which c fall in a cell, the cell's deviation
/// is |count M - c N| / (N M): absolute values and the maximum by comparisons, 1/N by the reciprocal
/// protocol; only the mean L1 and the maximum deviation of each order k are left as secrets to output.
/// Distances: see the partial file of the distance checks (a secure minimum over the parties per synthetic row).
/// </remarks>
public static partial class SecureSyntheticEvaluation
{
    // Cells of all orders' marginals together: each costs a comparison (its absolute deviation) and a share of the maxima.
    private const int MaximumCells = 1 << 20;

    /// <summary>
    /// [mean L1, maximum deviation] of the 1- to <paramref name="maxOrder"/>-way marginals (2 maxOrder secrets, at the
    /// runtime's fixed-point scale), over the same variable sets as <see cref="SyntheticDataEvaluation.Marginals"/> with
    /// <paramref name="maxSets"/>, <paramref name="seed"/> and one-hot <paramref name="groups"/> (null: every unit a 0/1 variable).
    /// Every party passes its own rows (at most <paramref name="maxRows"/> in all, which also bounds the comparisons) and the same synthetic rows.
    /// </summary>
    public static async Task<Secret<T>> MarginalsAsync<T>(MpcRuntime<T> runtime, IReadOnlyList<double[]> localRows, IReadOnlyList<double[]> synthetic,
        int maxOrder = 4, int maxSets = 200, int seed = 1, int maxRows = 10_000_000, IReadOnlyList<int>? groups = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        int width = CheckRows(localRows, synthetic, groups);
        int variables = groups?.Count ?? width;
        if (maxOrder < 1 || maxOrder > Math.Min(variables, 8)) throw new ArgumentOutOfRangeException(nameof(maxOrder), $"The marginal order must be between 1 and {Math.Min(variables, 8)}.");
        if (maxSets < 1) throw new ArgumentOutOfRangeException(nameof(maxSets), "Use at least one variable set.");
        if (maxRows < 1) throw new ArgumentOutOfRangeException(nameof(maxRows), "The row bound must be at least 1.");
        return await MarginalsCoreAsync(runtime, localRows, synthetic, width, maxOrder, maxSets, seed, maxRows, groups).ConfigureAwait(false);
    }

    /// <summary>
    /// Mean squared difference of the pairwise log odds ratios of the synthetic rows and of the real rows of all parties
    /// (0.5 added to every cell of every 2x2 table), as <see cref="SyntheticDataEvaluation.LogOddsRatioError"/> with the same
    /// <paramref name="groups"/>: one secret at the runtime's fixed-point scale. Every party passes its own rows (at most
    /// <paramref name="maxRows"/> in all) and the same synthetic rows.
    /// </summary>
    public static async Task<Secret<T>> LogOddsRatioErrorAsync<T>(MpcRuntime<T> runtime, IReadOnlyList<double[]> localRows, IReadOnlyList<double[]> synthetic,
        int maxRows = 1_000_000, IReadOnlyList<int>? groups = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        int width = CheckRows(localRows, synthetic, groups);
        var pairs = SyntheticDataEvaluation.DummyPairs(width, groups);
        if (pairs.Count == 0) throw new ArgumentException("Log odds ratios need at least two variables.", nameof(synthetic));
        if (maxRows < 1 || ProductBound(maxRows) >= Reciprocal.MaximumInput(runtime.Format))
            throw new ArgumentOutOfRangeException(nameof(maxRows), $"The row bound must be between 1 and {Math.Floor((Math.Sqrt(Reciprocal.MaximumInput(runtime.Format)) - 1) / 2)}.");
        return await LogOddsRatioErrorCoreAsync(runtime, localRows, synthetic, pairs, maxRows).ConfigureAwait(false);
    }

    private static async Task<Secret<T>> MarginalsCoreAsync<T>(MpcRuntime<T> runtime, IReadOnlyList<double[]> localRows, IReadOnlyList<double[]> synthetic,
        int width, int maxOrder, int maxSets, int seed, int maxRows, IReadOnlyList<int>? variables)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var levels = SyntheticDataEvaluation.Levels(width, variables);
        var realCodes = SyntheticDataEvaluation.Codes(localRows, variables);
        var syntheticCodes = SyntheticDataEvaluation.Codes(synthetic, variables);
        var local = new List<double>();
        var syntheticCounts = new List<long>();
        var groups = new List<(int Start, int Cells, int Sets)>();
        for (int k = 1; k <= maxOrder; k++)
        {
            var sets = SyntheticDataEvaluation.Subsets(levels.Length, k, maxSets, seed);
            long cellsOfOrder = sets.Sum(set => (long)SyntheticDataEvaluation.Cells(set, levels));
            if (local.Count + cellsOfOrder > MaximumCells)
                throw new ArgumentException($"The {k}-way marginals of {sets.Count} variable sets have {cellsOfOrder} cells, more than the {MaximumCells} the secure evaluation compares; lower the order or the number of sets.");
            groups.Add((local.Count, (int)cellsOfOrder, sets.Count));
            foreach (var set in sets)
            {
                local.AddRange(SyntheticDataEvaluation.Count(realCodes, set, levels));
                syntheticCounts.AddRange(SyntheticDataEvaluation.Count(syntheticCodes, set, levels).Select(c => (long)c));
            }
        }
        int cells = local.Count;
        local.Add(localRows.Count);
        var pooled = await Input.SumAcrossPartiesAsync(runtime, [.. local], 1, 0).ConfigureAwait(false);
        var rows = pooled[cells];
        // count M - c N for every cell: integers, exact in the ring.
        var deviation = pooled.Slice(0, cells) * synthetic.Count - Repeat(rows, cells).MultiplyPublic([.. syntheticCounts]);
        // |count M - c N| <= maxRows M for every cell (count <= N <= maxRows, c <= M): the signs of deviations and of differences of them take its bits.
        double bound = (double)maxRows * synthetic.Count;
        var negative = await SignsAsync(runtime, deviation, bound).ConfigureAwait(false);
        var absolute = deviation - 2 * await Multiplication.MultiplyAsync(runtime, negative, deviation).ConfigureAwait(false);
        var maxima = await GroupMaximaAsync(runtime, absolute, groups.Select(g => (g.Start, g.Cells)).ToList(), bound).ConfigureAwait(false);
        var numerators = Secret<T>.Concatenate(groups.SelectMany((g, k) => new[] { absolute.Slice(g.Start, g.Cells).Sum(), maxima[k] }).ToList());
        var reciprocal = await Reciprocal.ComputeAsync(runtime, rows, 1, maxRows).ConfigureAwait(false);
        var perRow = await Multiplication.MultiplyAsync(runtime, numerators, Repeat(reciprocal, numerators.Length)).ConfigureAwait(false);
        var factors = groups.SelectMany(g => new[] { 1.0 / ((double)synthetic.Count * g.Sets), 1.0 / synthetic.Count }).ToArray();
        return await Multiplication.MultiplyPublicAsync(runtime, perRow, factors).ConfigureAwait(false);
    }

    // The largest product of two odd cell counts 2n + 1 with n at most maxRows.
    private static double ProductBound(int maxRows) => (2.0 * maxRows + 1) * (2.0 * maxRows + 1);

    private static async Task<Secret<T>> LogOddsRatioErrorCoreAsync<T>(MpcRuntime<T> runtime, IReadOnlyList<double[]> localRows, IReadOnlyList<double[]> synthetic,
        IReadOnlyList<(int A, int B)> unitPairs, int maxRows)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        // Every party counts the four cells (11, 10, 01, 00) of each pair's 2x2 table in its rows; the counts are summed as secrets.
        int pairs = unitPairs.Count;
        var local = new double[4 * pairs];
        var syntheticLor = new double[pairs];
        for (int p = 0; p < pairs; p++)
        {
            var (a, b) = unitPairs[p];
            foreach (var row in localRows) local[4 * p + (row[a] == 1 ? 0 : 2) + (row[b] == 1 ? 0 : 1)]++;
            syntheticLor[p] = SyntheticDataEvaluation.LogOddsRatio(synthetic, a, b);
        }
        var pooled = await Input.SumAcrossPartiesAsync(runtime, local, 1, 0).ConfigureAwait(false);
        // ln(n + 0.5) - ln(m + 0.5) = ln(2n + 1) - ln(2m + 1): odd integers, exact in the ring. Their products
        // (2 n11 + 1)(2 n00 + 1) and (2 n10 + 1)(2 n01 + 1) are exact too, so each pair needs two logarithms, not four.
        var odd = pooled * 2 + 1;
        int[] Cell(int offset) => [.. Enumerable.Range(0, pairs).Select(q => 4 * q + offset)];
        var products = await Multiplication.MultiplyAsync(runtime,
            Secret<T>.Concatenate([odd.Gather(Cell(0)), odd.Gather(Cell(1))]), Secret<T>.Concatenate([odd.Gather(Cell(3)), odd.Gather(Cell(2))])).ConfigureAwait(false);
        var logs = await Logarithm.ComputeAsync(runtime, products, 1, ProductBound(maxRows)).ConfigureAwait(false);
        var realLor = logs.Slice(0, pairs) - logs.Slice(pairs, pairs);
        var difference = realLor.AddPublic(syntheticLor.Select(v => -v).ToArray());
        var squares = await Multiplication.DotAsync(runtime, difference, difference).ConfigureAwait(false);
        return await Multiplication.MultiplyPublicAsync(runtime, squares, new[] { 1.0 / pairs }).ConfigureAwait(false);
    }

    // Continuous rows: the synthetic rows' width everywhere, finite values.
    private static void CheckContinuousRows(IReadOnlyList<double[]> localRows, IReadOnlyList<double[]> synthetic) =>
        CheckEveryRow(localRows, synthetic, (row, name, number) =>
        {
            int bad = Array.FindIndex(row, v => !double.IsFinite(v));
            if (bad >= 0) throw new ArgumentException($"The {name} row {number} has a non-finite value ({row[bad]}) in column {bad + 1}.");
        });

    // Every real and synthetic row has the synthetic rows' width and passes the check (row, "real" or "synthetic", 1-based number); returns the width.
    private static int CheckEveryRow(IReadOnlyList<double[]> localRows, IReadOnlyList<double[]> synthetic, Action<double[], string, int> check)
    {
        ArgumentNullException.ThrowIfNull(localRows);
        ArgumentNullException.ThrowIfNull(synthetic);
        if (synthetic.Count == 0) throw new ArgumentException("Give at least one synthetic row.", nameof(synthetic));
        int width = synthetic[0].Length;
        foreach (var (rows, name) in new[] { (localRows, "real"), (synthetic, "synthetic") })
            for (int i = 0; i < rows.Count; i++)
            {
                if (rows[i].Length != width) throw new ArgumentException($"The {name} row {i + 1} has {rows[i].Length} values where the synthetic rows have {width}.");
                check(rows[i], name, i + 1);
            }
        return width;
    }

    private static Secret<T> Repeat<T>(Secret<T> value, int count)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => Secret<T>.Concatenate(Enumerable.Repeat(value, count).ToList());

    // The maximum of each group of values in [0, bound], all groups halved together per round (ceil(log2 size) comparison batches).
    private static async Task<List<Secret<T>>> GroupMaximaAsync<T>(MpcRuntime<T> runtime, Secret<T> values, IReadOnlyList<(int Start, int Count)> groups, double bound)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var current = groups.Select(g => values.Slice(g.Start, g.Count)).ToList();
        while (current.Any(c => c.Length > 1))
        {
            var halves = current.Select(c => c.Length / 2).ToList();
            var left = Secret<T>.Concatenate(current.Where(c => c.Length > 1).Select(c => c.Slice(0, c.Length / 2)).ToList());
            var right = Secret<T>.Concatenate(current.Where(c => c.Length > 1).Select(c => c.Slice(c.Length / 2, c.Length / 2)).ToList());
            var less = await SignsAsync(runtime, left - right, bound).ConfigureAwait(false);
            var maxima = await Comparison.SelectAsync(runtime, less, right, left).ConfigureAwait(false);
            int offset = 0;
            for (int g = 0; g < current.Count; g++)
            {
                var c = current[g];
                if (c.Length <= 1) continue;
                int h = halves[g];
                var merged = maxima.Slice(offset, h);
                offset += h;
                current[g] = c.Length % 2 == 1 ? Secret<T>.Concatenate([merged, c.Slice(c.Length - 1, 1)]) : merged;
            }
        }
        return current;
    }

    // 0/1 rows of the synthetic rows' width; with one-hot groups, exactly one unit of every group set.
    private static int CheckRows(IReadOnlyList<double[]> localRows, IReadOnlyList<double[]> synthetic, IReadOnlyList<int>? groups) =>
        CheckEveryRow(localRows, synthetic, (row, name, number) =>
        {
            if (row.Any(v => v is not (0 or 1))) throw new ArgumentException($"The {name} row {number} is not binary: the secure evaluation needs 0/1 values.");
            if (groups is null) return;
            SyntheticDataEvaluation.Levels(row.Length, groups);
            for (int g = 0, start = 0; g < groups.Count; start += groups[g], g++)
                if (row.AsSpan(start, groups[g]).Count(1.0) != 1)
                    throw new ArgumentException($"The {name} row {number} does not set exactly one unit of one-hot group {g + 1} (units {start + 1} to {start + groups[g]}).");
        });
}
