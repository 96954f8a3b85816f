namespace Mpc.Boltzmann;

/// <summary>
/// Utility and privacy metrics of synthetic binary data against real data.
/// Marginals (Virtual Data Lab's definitions): for every set of k variables, the L1 distance
/// sum over cells |p_real - p_synthetic| of their joint distribution; reported are the mean over
/// sets and the maximum deviation (the largest |p_real - p_synthetic| of any cell of any set).
/// Log odds ratios (as the dist-gen-comp study): the mean squared difference of the pairwise log
/// odds ratios, with 0.5 added to every cell. DCR and NNDR: each synthetic row's distance to its
/// closest real row, and the ratio of its nearest to second-nearest distance.
/// </summary>
public static class SyntheticDataEvaluation
{
    /// <summary>
    /// (mean L1 over all k-sets, maximum cell deviation); above <paramref name="maxSets"/> sets, a seeded random sample of them.
    /// Without <paramref name="groups"/> every value is a 0/1 variable; with them the rows are one-hot and each group of
    /// units (sizes in order) is one categorical variable whose level is the unit set to 1, so a k-set's cells are its level combinations.
    /// </summary>
    public static (double MeanL1, double MaxDeviation) Marginals(IReadOnlyList<double[]> real, IReadOnlyList<double[]> synthetic, int k, int maxSets = 20000, int seed = 1,
        IReadOnlyList<int>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(synthetic);
        var levels = Levels(real[0].Length, groups);
        int p = levels.Length;
        if (k < 1 || k > Math.Min(p, 8)) throw new ArgumentOutOfRangeException(nameof(k), $"k must be between 1 and {Math.Min(p, 8)}.");
        var sets = Subsets(p, k, maxSets, seed);
        var realCodes = Codes(real, groups);
        var syntheticCodes = Codes(synthetic, groups);
        double sumL1 = 0, max = 0;
        foreach (var set in sets)
        {
            var realCounts = Count(realCodes, set, levels);
            var syntheticCounts = Count(syntheticCodes, set, levels);
            double l1 = 0;
            for (int c = 0; c < realCounts.Length; c++)
            {
                double d = Math.Abs(realCounts[c] / real.Count - syntheticCounts[c] / synthetic.Count);
                l1 += d;
                max = Math.Max(max, d);
            }
            sumL1 += l1;
        }
        return (sumL1 / sets.Count, max);
    }

    /// <summary>
    /// Mean squared difference of the pairwise log odds ratios (0.5 added to each cell of every 2x2 table). With one-hot
    /// <paramref name="groups"/>, the pairs are those of the dummy variables (every unit but its group's first, the
    /// reference level) from different groups; without, every pair of 0/1 variables.
    /// </summary>
    public static double LogOddsRatioError(IReadOnlyList<double[]> real, IReadOnlyList<double[]> synthetic, IReadOnlyList<int>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(synthetic);
        var pairs = DummyPairs(real[0].Length, groups);
        double sum = 0;
        foreach (var (a, b) in pairs)
        {
            double d = LogOddsRatio(real, a, b) - LogOddsRatio(synthetic, a, b);
            sum += d * d;
        }
        return pairs.Count == 0 ? 0 : sum / pairs.Count;
    }

    /// <summary>The unit pairs whose log odds ratios <see cref="LogOddsRatioError"/> compares, in order.</summary>
    internal static List<(int A, int B)> DummyPairs(int width, IReadOnlyList<int>? groups)
    {
        var group = new List<(int Unit, int Group)>();
        if (groups is null) group.AddRange(Enumerable.Range(0, width).Select(u => (u, u)));
        else
        {
            CheckGroups(width, groups);
            for (int g = 0, start = 0; g < groups.Count; start += groups[g], g++)
                for (int u = start + 1; u < start + groups[g]; u++) group.Add((u, g));
        }
        var pairs = new List<(int, int)>();
        for (int i = 0; i < group.Count; i++)
            for (int j = i + 1; j < group.Count; j++)
                if (group[i].Group != group[j].Group) pairs.Add((group[i].Unit, group[j].Unit));
        return pairs;
    }

    /// <summary>The log odds ratio of variables a and b in the rows, with 0.5 added to each cell of the 2x2 table.</summary>
    public static double LogOddsRatio(IReadOnlyList<double[]> rows, int a, int b)
    {
        double n11 = 0.5, n10 = 0.5, n01 = 0.5, n00 = 0.5;
        foreach (var r in rows)
        {
            if (r[a] > 0.5) { if (r[b] > 0.5) n11++; else n10++; }
            else { if (r[b] > 0.5) n01++; else n00++; }
        }
        return Math.Log(n11 * n00 / (n10 * n01));
    }

    /// <summary>For each synthetic row: Euclidean distance to the closest reference row, and nearest / second-nearest distance ratio (1 when both are 0).</summary>
    public static (double[] Dcr, double[] Nndr) DistancesToClosestRecords(IReadOnlyList<double[]> synthetic, IReadOnlyList<double[]> reference)
    {
        ArgumentNullException.ThrowIfNull(synthetic);
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Count < 2) throw new ArgumentException("DCR and NNDR need at least two reference rows.", nameof(reference));
        var dcr = new double[synthetic.Count];
        var nndr = new double[synthetic.Count];
        for (int s = 0; s < synthetic.Count; s++)
        {
            double first = double.PositiveInfinity, second = double.PositiveInfinity;
            foreach (var r in reference)
            {
                double d = 0;
                for (int j = 0; j < r.Length; j++) d += (synthetic[s][j] - r[j]) * (synthetic[s][j] - r[j]);
                if (d < first) { second = first; first = d; }
                else if (d < second) second = d;
            }
            dcr[s] = Math.Sqrt(first);
            nndr[s] = second == 0 ? 1 : Math.Sqrt(first) / Math.Sqrt(second);
        }
        return (dcr, nndr);
    }

    /// <summary>
    /// Cut points that score continuous columns as categorical ones: per column, the quantiles j / bins (j = 1 .. bins-1)
    /// of the reference rows. The secure evaluation takes them from the synthetic rows, which are public, and codes the
    /// real rows with the same cuts (<see cref="BinOneHot"/>).
    /// </summary>
    public static double[][] QuantileCuts(IReadOnlyList<double[]> reference, int bins)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Count == 0) throw new ArgumentException("Cut points need at least one reference row.", nameof(reference));
        if (bins < 2) throw new ArgumentOutOfRangeException(nameof(bins), "Use at least two bins.");
        int width = reference[0].Length;
        for (int r = 0; r < reference.Count; r++)
        {
            if (reference[r].Length != width) throw new ArgumentException($"Reference row {r + 1} has {reference[r].Length} values where the first has {width}.", nameof(reference));
            int bad = Array.FindIndex(reference[r], v => !double.IsFinite(v));
            // A NaN cut would put every value in the first bin and score nothing.
            if (bad >= 0) throw new ArgumentException($"Reference row {r + 1}, column {bad + 1}: {reference[r][bad]} cannot cut bins; cut points need finite values.", nameof(reference));
        }
        var probabilities = Enumerable.Range(1, bins - 1).Select(j => (double)j / bins).ToArray();
        return [.. Enumerable.Range(0, width).Select(c => Quantiles([.. reference.Select(r => r[c])], probabilities))];
    }

    /// <summary>A row as one-hot bin codes, cuts.Length + 1 units per column: bin b holds values in [cut b-1, cut b), the last everything from the last cut up.</summary>
    public static double[] BinOneHot(IReadOnlyList<double> row, double[][] cuts)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(cuts);
        if (row.Count != cuts.Length) throw new ArgumentException($"A row of {row.Count} values does not match cut points for {cuts.Length} columns.", nameof(row));
        int bins = cuts.Length == 0 ? 0 : cuts[0].Length + 1;
        var coded = new double[row.Count * bins];
        for (int c = 0; c < row.Count; c++) coded[c * bins + cuts[c].Count(cut => row[c] >= cut)] = 1;
        return coded;
    }

    /// <summary>Quantiles (type 7, as R's default) of a sample.</summary>
    public static double[] Quantiles(IReadOnlyList<double> values, IReadOnlyList<double> probabilities)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(probabilities);
        var sorted = values.Order().ToArray();
        return probabilities.Select(prob =>
        {
            double h = (sorted.Length - 1) * prob;
            int lo = (int)Math.Floor(h);
            return lo + 1 < sorted.Length ? sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]) : sorted[lo];
        }).ToArray();
    }

    internal static List<int[]> Subsets(int p, int k, int maxSets, int seed)
    {
        double total = 1;
        for (int i = 0; i < k; i++) total = total * (p - i) / (i + 1);
        var sets = new List<int[]>();
        if (total <= maxSets)
        {
            var current = Enumerable.Range(0, k).ToArray();
            while (true)
            {
                sets.Add((int[])current.Clone());
                int i = k - 1;
                while (i >= 0 && current[i] == p - k + i) i--;
                if (i < 0) break;
                current[i]++;
                for (int j = i + 1; j < k; j++) current[j] = current[j - 1] + 1;
            }
            return sets;
        }
        var random = new Random(seed);
        var seen = new HashSet<string>();
        while (sets.Count < maxSets)
        {
            var set = Enumerable.Range(0, p).OrderBy(_ => random.Next()).Take(k).Order().ToArray();
            if (seen.Add(string.Join(",", set))) sets.Add(set);
        }
        return sets;
    }

    // Each variable's number of levels: 2 for every 0/1 unit, or the one-hot groups' sizes.
    internal static int[] Levels(int width, IReadOnlyList<int>? groups)
    {
        if (groups is null) return [.. Enumerable.Repeat(2, width)];
        CheckGroups(width, groups);
        return [.. groups];
    }

    private static void CheckGroups(int width, IReadOnlyList<int> groups)
    {
        if (groups.Any(g => g < 2) || groups.Sum() != width)
            throw new ArgumentException($"One-hot groups ({string.Join(", ", groups)}) must have at least 2 units each and cover the {width} units of a row.", nameof(groups));
    }

    // Each row's level of every variable: the 0/1 value (above 0.5 is 1), or the index of the unit set within its one-hot group.
    internal static byte[][] Codes(IReadOnlyList<double[]> rows, IReadOnlyList<int>? groups) => rows.Select(r =>
    {
        if (groups is null) return r.Select(v => v > 0.5 ? (byte)1 : (byte)0).ToArray();
        var codes = new byte[groups.Count];
        for (int g = 0, start = 0; g < groups.Count; start += groups[g], g++)
            codes[g] = (byte)Math.Max(0, r.AsSpan(start, groups[g]).IndexOf(1.0));
        return codes;
    }).ToArray();

    // Cell counts of a variable set: cell = sum over i of level(set[i]) times the product of the levels of set[..i].
    internal static double[] Count(byte[][] codes, int[] set, int[] levels)
    {
        var counts = new double[Cells(set, levels)];
        foreach (var row in codes)
        {
            int cell = 0;
            for (int i = set.Length - 1; i >= 0; i--) cell = cell * levels[set[i]] + row[set[i]];
            counts[cell]++;
        }
        return counts;
    }

    internal static int Cells(int[] set, int[] levels) => set.Aggregate(1, (product, v) => checked(product * levels[v]));
}
