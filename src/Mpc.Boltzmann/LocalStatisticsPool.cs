namespace Mpc.Boltzmann;

/// <summary>All data in one place: sums are plain sums. The clear-text reference for pooled training.</summary>
public sealed class LocalStatisticsPool : IStatisticsPool
{
    public bool IsPrivate => false;

    public Random SubsamplingRandom { get; } = new(0);

    public Task<double> TotalRowsAsync(int localRows) => Task.FromResult((double)localRows);

    public void Plan(IReadOnlyList<StatisticsRelease> releases)
    {
    }

    public Task<double[]> SumAsync(string release, IReadOnlyList<double[]> records, int dimension, double recordBound = double.PositiveInfinity) => Task.FromResult(StatisticsSum.Of(records, dimension));
}
