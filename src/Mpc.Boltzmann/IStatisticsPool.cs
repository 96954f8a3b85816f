namespace Mpc.Boltzmann;

/// <summary>
/// How a party's per-record statistics become pooled sums: in one place (clear text), by a secure
/// sum opened to the parties (no DP), or by a clipped, rounded sum with distributed Skellam noise.
/// The training code is the same for all three; only the pool differs.
/// </summary>
public interface IStatisticsPool
{
    /// <summary>Whether sums carry DP noise; training then draws Poisson subsamples with <see cref="SubsamplingRandom"/>.</summary>
    bool IsPrivate { get; }

    /// <summary>Randomness for this party's Poisson subsampling (a CSPRNG when private).</summary>
    Random SubsamplingRandom { get; }

    /// <summary>Rows over all parties: exact, or a noised count (released once).</summary>
    Task<double> TotalRowsAsync(int localRows);

    /// <summary>Declares every release the run will make, before the first one (DP: calibrates their noise together).</summary>
    void Plan(IReadOnlyList<StatisticsRelease> releases);

    /// <summary>
    /// The sum over all parties of their records' statistics (every record of length <paramref name="dimension"/>). With a finite
    /// <paramref name="recordBound"/> (public, the same at every party) every element of every record lies within it and the records
    /// are training rows' (at most the pooled row count of them), so a pool may send the sum in fewer bytes.
    /// </summary>
    Task<double[]> SumAsync(string release, IReadOnlyList<double[]> records, int dimension, double recordBound = double.PositiveInfinity);
}
