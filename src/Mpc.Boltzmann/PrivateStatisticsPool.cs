using System.Numerics;
using Mpc.Privacy.Protocols;
using Mpc.Runtime;

namespace Mpc.Boltzmann;

/// <summary>
/// Pooled sums with distributed Skellam noise (Agarwal, Kairouz, Liu 2021): each record's
/// statistics are clipped to L2 norm C, scaled by 2^s and rounded to integers by conditional
/// randomized rounding (redrawn until the rounded norm is within the bound B below, so B bounds
/// every record), summed with Skellam noise and opened to every party as a DP intermediate.
/// </summary>
/// <remarks>The mechanism (calibration, clipping, rounding, accounting) is <see cref="SkellamSumMechanism"/>, shared with the clear-text simulation.</remarks>
public sealed class PrivateStatisticsPool<T> : IStatisticsPool
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly MpcRuntime<T> _runtime;
    private readonly string _output;
    private readonly int _honestParties;
    private readonly SkellamSumMechanism _mechanism;

    public PrivateStatisticsPool(MpcRuntime<T> runtime, string output, double epsilon, double delta, int honestParties)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        _runtime = runtime;
        _output = output;
        _honestParties = honestParties;
        SubsamplingRandom = new CryptoRandom(runtime.LocalRandom);
        _mechanism = new SkellamSumMechanism(epsilon, delta, SubsamplingRandom);
    }

    public bool IsPrivate => true;

    public Random SubsamplingRandom { get; }

    /// <summary>The calibration and accounting of this pool's releases.</summary>
    public SkellamSumMechanism Mechanism => _mechanism;

    /// <summary>Every noised sum opened so far, in order (the DP intermediate's series, for the analyst).</summary>
    public List<double> Series { get; } = [];

    /// <summary>The (epsilon, delta) of everything released so far, composed in RDP.</summary>
    public double SpentEpsilon => _mechanism.SpentEpsilon;

    public double Delta => _mechanism.Delta;

    public async Task<double> TotalRowsAsync(int localRows)
    {
        _mechanism.AccountRowCount();
        var (sum, _) = await DistributedSkellam.ReleaseSumToPartiesAsync(_runtime, [localRows], _output, _mechanism.RowCountMu, Delta, 1, 1, _honestParties).ConfigureAwait(false);
        Series.Add(sum[0]);
        return Math.Max(1, sum[0]);
    }

    public void Plan(IReadOnlyList<StatisticsRelease> releases) => _mechanism.Plan(releases);

    /// <summary>Reserves a release outside the training schedule at a fixed share of the budget (see <see cref="SkellamSumMechanism.Reserve"/>); before training.</summary>
    public void Reserve(StatisticsRelease release, int shares) => _mechanism.Reserve(release, shares);

    public async Task<double[]> SumAsync(string release, IReadOnlyList<double[]> records, int dimension, double recordBound = double.PositiveInfinity)
    {
        var local = _mechanism.Encode(release, records, dimension);
        var plan = _mechanism.Planned(release);
        var (sum, _) = await DistributedSkellam.ReleaseSumToPartiesAsync(_runtime, local, _output, plan.Mu, Delta, plan.L1, plan.L2, _honestParties, plan.SamplingRate).ConfigureAwait(false);
        Series.AddRange(sum);
        return _mechanism.AccountAndDecode(release, sum);
    }
}
