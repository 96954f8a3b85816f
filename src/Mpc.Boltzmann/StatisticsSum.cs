namespace Mpc.Boltzmann;

internal static class StatisticsSum
{
    /// <summary>The element-wise sum; with a finite <paramref name="recordBound"/>, every element must lie within it (the caller's promise, checked).</summary>
    public static double[] Of(IReadOnlyList<double[]> records, int dimension, double recordBound = double.PositiveInfinity)
    {
        var sum = new double[dimension];
        bool bounded = double.IsFinite(recordBound);
        foreach (var record in records)
        {
            if (record.Length != dimension) throw new ArgumentException($"A record has {record.Length} statistics where {dimension} are expected.", nameof(records));
            for (int k = 0; k < dimension; k++)
            {
                // Not `> bound`: a NaN would pass that and then wrap the narrow sum.
                if (bounded && !(Math.Abs(record[k]) <= recordBound)) throw new ArgumentOutOfRangeException(nameof(records), $"Statistic {k + 1} of a record lies beyond its release's bound {recordBound}.");
                sum[k] += record[k];
            }
        }
        return sum;
    }
}
