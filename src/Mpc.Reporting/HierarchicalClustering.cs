namespace Mpc.Reporting;

/// <summary>
/// Average-linkage (UPGMA) agglomerative clustering and its leaf order, as R's <c>hclust(d, method = "average")$order</c>:
/// the merges of hclust.f (the closest pair first, a merged cluster named by its smaller index) and the ordering of hcass2
/// (a singleton before a cluster, the earlier cluster first, the last merge expanded in place).
/// </summary>
public static class HierarchicalClustering
{
    /// <summary>The leaves (0-based) in dendrogram order for a symmetric matrix of distances.</summary>
    public static int[] AverageLinkageOrder(double[,] distances)
    {
        ArgumentNullException.ThrowIfNull(distances);
        int n = distances.GetLength(0);
        if (n != distances.GetLength(1)) throw new ArgumentException($"The distances form a {n} x {distances.GetLength(1)} matrix; it must be square.", nameof(distances));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                if (!double.IsFinite(distances[i, j]) || distances[i, j] != distances[j, i])
                    throw new ArgumentException($"Distances must be finite and symmetric; ({i + 1}, {j + 1}) is not.", nameof(distances));
        return n < 2 ? [.. Enumerable.Range(0, n)] : Order(Merges(distances), n);
    }

    // hclust.f's sequence of merges (i < j, 0-based cluster names): repeatedly the closest pair of live clusters, the first in scan order on ties.
    private static (int I, int J)[] Merges(double[,] distances)
    {
        int n = distances.GetLength(0);
        var d = (double[,])distances.Clone();
        var size = Enumerable.Repeat(1, n).ToArray();
        var live = Enumerable.Repeat(true, n).ToArray();
        var merges = new (int, int)[n - 1];
        for (int step = 0; step < n - 1; step++)
        {
            int bi = -1, bj = -1;
            double best = double.PositiveInfinity;
            for (int i = 0; i < n; i++)
            {
                if (!live[i]) continue;
                for (int j = i + 1; j < n; j++)
                    if (live[j] && d[i, j] < best) (best, bi, bj) = (d[i, j], i, j);
            }
            // Lance-Williams for the average: the size-weighted mean of the two clusters' distances.
            for (int k = 0; k < n; k++)
            {
                if (!live[k] || k == bi || k == bj) continue;
                double merged = (size[bi] * d[bi, k] + size[bj] * d[bj, k]) / (size[bi] + size[bj]);
                d[bi, k] = d[k, bi] = merged;
            }
            size[bi] += size[bj];
            live[bj] = false;
            merges[step] = (bi, bj);
        }
        return merges;
    }

    // hcass2: merge rows in R's sign convention (-leaf, +step), oriented, then the last merge expanded into the leaf order.
    private static int[] Order((int I, int J)[] merges, int n)
    {
        var a = new int[n - 1];
        var b = new int[n - 1];
        for (int s = 0; s < n - 1; s++) (a[s], b[s]) = (-(merges[s].I + 1), -(merges[s].J + 1));
        // A cluster named by its smallest leaf k is, after step s merged it, the step s + 1 (positive).
        for (int s = 0; s < n - 2; s++)
        {
            int k = merges[s].I;
            for (int t = s + 1; t < n - 1; t++)
            {
                if (merges[t].I == k) a[t] = s + 1;
                if (merges[t].J == k) b[t] = s + 1;
            }
        }
        for (int s = 0; s < n - 1; s++)
        {
            if (a[s] > 0 && b[s] < 0) (a[s], b[s]) = (b[s], a[s]);
            else if (a[s] > 0 && b[s] > 0) (a[s], b[s]) = (Math.Min(a[s], b[s]), Math.Max(a[s], b[s]));
        }
        var order = new List<int> { a[n - 2], b[n - 2] };
        for (int s = n - 2; s >= 1; s--)
        {
            int at = order.IndexOf(s);
            order[at] = a[s - 1];
            order.Insert(at + 1, b[s - 1]);
        }
        return [.. order.Select(leaf => -leaf - 1)];
    }
}
