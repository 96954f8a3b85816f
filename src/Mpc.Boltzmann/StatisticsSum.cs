namespace Mpc.Boltzmann;

internal static class StatisticsSum
{
    public static double[] Of(IReadOnlyList<double[]> records, int dimension)
    {
        var sum = new double[dimension];
        foreach (var record in records)
        {
            if (record.Length != dimension) throw new ArgumentException($"A record has {record.Length} statistics where {dimension} are expected.", nameof(records));
            for (int k = 0; k < dimension; k++) sum[k] += record[k];
        }
        return sum;
    }
}
