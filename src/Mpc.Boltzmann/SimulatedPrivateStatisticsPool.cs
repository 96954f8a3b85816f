using Mpc.Core;
using Mpc.Privacy;

namespace Mpc.Boltzmann;

/// <summary>
/// The DP pool of <see cref="PrivateStatisticsPool{T}"/> computed in the clear, for experiments too large to run
/// under MPC: the same mechanism (<see cref="SkellamSumMechanism"/>: calibration, clipping, rounding, accounting)
/// and the same noise (<see cref="SkellamMechanism.PartyNoised"/> once per simulated party, each Skellam(mu / h)),
/// so a release has the distribution the MPC pool's release has; only the secure sum is replaced by a plain one.
/// </summary>
public sealed class SimulatedPrivateStatisticsPool : IStatisticsPool
{
    private readonly int _parties, _honestParties;
    private readonly ExactNoiseSampler _sampler;

    public SimulatedPrivateStatisticsPool(double epsilon, double delta, int parties, int honestParties, AesCtrRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (parties < 1 || honestParties < 1 || honestParties > parties) throw new ArgumentOutOfRangeException(nameof(honestParties), $"honest parties must be between 1 and the {parties} parties.");
        _parties = parties;
        _honestParties = honestParties;
        _sampler = new ExactNoiseSampler(random);
        SubsamplingRandom = new CryptoRandom(random);
        Mechanism = new SkellamSumMechanism(epsilon, delta, SubsamplingRandom);
    }

    public bool IsPrivate => true;

    public Random SubsamplingRandom { get; }

    public SkellamSumMechanism Mechanism { get; }

    /// <summary>Every noised sum released so far, in order, as the MPC pool's series.</summary>
    public List<double> Series { get; } = [];

    public Task<double> TotalRowsAsync(int localRows)
    {
        Mechanism.AccountRowCount();
        double sum = Noised([localRows], Mechanism.RowCountMu)[0];
        Series.Add(sum);
        return Task.FromResult(Math.Max(1, sum));
    }

    public void Plan(IReadOnlyList<StatisticsRelease> releases) => Mechanism.Plan(releases);

    public Task<double[]> SumAsync(string release, IReadOnlyList<double[]> records, int dimension, double recordBound = double.PositiveInfinity)
    {
        var sum = Noised(Mechanism.Encode(release, records, dimension), Mechanism.Planned(release).Mu);
        Series.AddRange(sum);
        return Task.FromResult(Mechanism.AccountAndDecode(release, sum));
    }

    // The first simulated party holds all rows; every party adds its share of the noise.
    private double[] Noised(double[] contribution, double mu)
    {
        var sum = SkellamMechanism.PartyNoised(_sampler, contribution, mu, _honestParties);
        for (int p = 1; p < _parties; p++)
        {
            var noise = SkellamMechanism.PartyNoised(_sampler, new double[contribution.Length], mu, _honestParties);
            for (int k = 0; k < sum.Length; k++) sum[k] += noise[k];
        }
        return sum;
    }
}
