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
    /// <summary>(mean L1 over all k-sets, maximum cell deviation); above <paramref name="maxSets"/> sets, a seeded random sample of them.</summary>
    public static (double MeanL1, double MaxDeviation) Marginals(IReadOnlyList<double[]> real, IReadOnlyList<double[]> synthetic, int k, int maxSets = 20000, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(synthetic);
        int p = real[0].Length;
        if (k < 1 || k > Math.Min(p, 8)) throw new ArgumentOutOfRangeException(nameof(k), $"k must be between 1 and {Math.Min(p, 8)}.");
        var sets = Subsets(p, k, maxSets, seed);
        var realBits = Pack(real);
        var syntheticBits = Pack(synthetic);
        double sumL1 = 0, max = 0;
        var realCounts = new double[1 << k];
        var syntheticCounts = new double[1 << k];
        foreach (var set in sets)
        {
            Count(realBits, set, realCounts);
            Count(syntheticBits, set, syntheticCounts);
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

    /// <summary>Mean squared difference of the pairwise log odds ratios (0.5 added to each cell of every 2x2 table).</summary>
    public static double LogOddsRatioError(IReadOnlyList<double[]> real, IReadOnlyList<double[]> synthetic)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(synthetic);
        int p = real[0].Length;
        double sum = 0;
        int pairs = 0;
        for (int a = 0; a < p; a++)
            for (int b = a + 1; b < p; b++)
            {
                double d = LogOddsRatio(real, a, b) - LogOddsRatio(synthetic, a, b);
                sum += d * d;
                pairs++;
            }
        return pairs == 0 ? 0 : sum / pairs;
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

    // Rows as bit masks over variables (values above 0.5 are ones), for fast cell counting.
    internal static ulong[][] Pack(IReadOnlyList<double[]> rows) => Pack(rows, rows[0].Length);

    internal static ulong[][] Pack(IReadOnlyList<double[]> rows, int width)
    {
        int words = (width + 63) / 64;
        return rows.Select(r =>
        {
            var bits = new ulong[words];
            for (int j = 0; j < r.Length; j++)
                if (r[j] > 0.5) bits[j >> 6] |= 1UL << (j & 63);
            return bits;
        }).ToArray();
    }

    internal static void Count(ulong[][] rows, int[] set, double[] counts)
    {
        Array.Clear(counts);
        foreach (var bits in rows)
        {
            int cell = 0;
            for (int i = 0; i < set.Length; i++) cell |= (int)((bits[set[i] >> 6] >> (set[i] & 63)) & 1) << i;
            counts[cell]++;
        }
    }
}
