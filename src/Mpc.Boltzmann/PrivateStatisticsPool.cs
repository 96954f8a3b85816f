using System.Numerics;
using Mpc.Privacy;
using Mpc.Runtime;

namespace Mpc.Boltzmann;

/// <summary>
/// Pooled sums with distributed Skellam noise (Agarwal, Kairouz, Liu 2021): each record's
/// statistics are clipped to L2 norm C, scaled by 2^s and rounded to integers by conditional
/// randomized rounding (redrawn until the rounded norm is within the bound B below, so B bounds
/// every record), summed with Skellam noise and opened to every party as a DP intermediate.
/// </summary>
/// <remarks>
/// Sensitivity of a release (add or remove one record): L2 = B = sqrt(c^2 + d/4 + sqrt(2 ln(1/beta)) (c + sqrt(d)/2)),
/// c = 2^s C, beta = e^-1/2 (AKL21, section 4), and L1 = min(sqrt(d) B, B^2) (integer vectors).
/// s is the smallest with c &gt;= max(sqrt(d), 16), so rounding adds at most about 13% to B.
/// Budget: the row count first, sized as one twentieth of the budget's RDP, then all planned
/// releases together (<see cref="DistributedSkellam.CalibrateSeries(double, double, IReadOnlyList{ValueTuple{double, double, double}}, double[], IReadOnlyList{double})"/>),
/// amplified by the Poisson sampling rate of each.
/// </remarks>
public sealed class PrivateStatisticsPool<T> : IStatisticsPool
    where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    private readonly MpcRuntime<T> _runtime;
    private readonly string _output;
    private readonly double _epsilon, _delta;
    private readonly int _honestParties;
    private readonly Dictionary<string, (StatisticsRelease Release, double Mu, double Scale, double L1, double L2)> _plan = new(StringComparer.Ordinal);
    private double[]? _spent;

    public PrivateStatisticsPool(MpcRuntime<T> runtime, string output, double epsilon, double delta, int honestParties)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentException.ThrowIfNullOrWhiteSpace(output);
        if (!(epsilon > 0) || !(delta > 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), "DP training needs epsilon > 0 and delta in (0, 1).");
        _runtime = runtime;
        _output = output;
        _epsilon = epsilon;
        _delta = delta;
        _honestParties = honestParties;
        SubsamplingRandom = new CryptoRandom(runtime.LocalRandom);
    }

    public bool IsPrivate => true;

    public Random SubsamplingRandom { get; }

    /// <summary>Every noised sum opened so far, in order (the DP intermediate's series, for the analyst).</summary>
    public List<double> Series { get; } = [];

    /// <summary>The (epsilon, delta) of everything released so far, composed in RDP.</summary>
    public double SpentEpsilon => _spent is null ? 0 : RdpAccountant.ToEpsilon(_spent, RdpAccountant.DefaultOrders, _delta).Epsilon;

    public double Delta => _delta;

    public async Task<double> TotalRowsAsync(int localRows)
    {
        if (_spent is not null) throw new InvalidOperationException("The row count is released once, first.");
        double mu = DistributedSkellam.CalibrateSeries(_epsilon, _delta, Enumerable.Repeat((1.0, 1.0), 20).ToList())[0];
        var (sum, _) = await DistributedSkellam.ReleaseSumToPartiesAsync(_runtime, [localRows], _output, mu, _delta, 1, 1, _honestParties).ConfigureAwait(false);
        _spent = RdpAccountant.Skellam(mu, 1, 1, RdpAccountant.DefaultOrders);
        Series.Add(sum[0]);
        return Math.Max(1, sum[0]);
    }

    public void Plan(IReadOnlyList<StatisticsRelease> releases)
    {
        ArgumentNullException.ThrowIfNull(releases);
        if (_spent is null) throw new InvalidOperationException("Release the row count before planning.");
        var sized = releases.Where(r => r.Count > 0).Select(r => (Release: r, Sensitivity: Sensitivity(r.Dimension, r.ClipNorm))).ToList();
        var flat = sized.SelectMany(r => Enumerable.Repeat((r.Sensitivity.L1, r.Sensitivity.L2, r.Release.SamplingRate), r.Release.Count)).ToList();
        var mu = DistributedSkellam.CalibrateSeries(_epsilon, _delta, flat, _spent);
        int index = 0;
        foreach (var (release, sensitivity) in sized)
        {
            _plan[release.Name] = (release, mu[index], sensitivity.Scale, sensitivity.L1, sensitivity.L2);
            index += release.Count;
        }
    }

    /// <summary>Scale 2^s, and the L1 and L2 sensitivities of a rounded per-record clipped sum (see remarks).</summary>
    public static (double Scale, double L1, double L2) Sensitivity(int dimension, double clipNorm)
    {
        double scale = Math.ScaleB(1, (int)Math.Ceiling(Math.Log2(Math.Max(Math.Sqrt(dimension), 16) / clipNorm)));
        double c = scale * clipNorm, d = dimension;
        double bound = Math.Sqrt(c * c + d / 4 + Math.Sqrt(2 * 0.5) * (c + Math.Sqrt(d) / 2));
        return (scale, Math.Min(Math.Sqrt(d) * bound, bound * bound), bound);
    }

    public async Task<double[]> SumAsync(string release, IReadOnlyList<double[]> records, int dimension)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (!_plan.TryGetValue(release, out var plan)) throw new InvalidOperationException($"The release '{release}' was not planned.");
        if (plan.Release.Dimension != dimension) throw new ArgumentException($"The release '{release}' was planned with {plan.Release.Dimension} statistics, not {dimension}.", nameof(dimension));
        var local = new double[dimension];
        var scaled = new double[dimension];
        var rounded = new double[dimension];
        foreach (var record in records)
        {
            double norm = Math.Sqrt(record.Sum(x => x * x));
            double factor = plan.Scale * Math.Min(1, plan.Release.ClipNorm / Math.Max(norm, double.Epsilon));
            for (int k = 0; k < dimension; k++) scaled[k] = record[k] * factor;
            RoundWithinBound(scaled, rounded, plan.L2);
            for (int k = 0; k < dimension; k++) local[k] += rounded[k];
        }
        var (sum, _) = await DistributedSkellam.ReleaseSumToPartiesAsync(_runtime, local, _output, plan.Mu, _delta, plan.L1, plan.L2, _honestParties, plan.Release.SamplingRate).ConfigureAwait(false);
        _spent = RdpAccountant.Compose(_spent!, RdpAccountant.SkellamRelease(plan.Mu, plan.L1, plan.L2, plan.Release.SamplingRate, RdpAccountant.DefaultOrders));
        Series.AddRange(sum);
        return sum.Select(v => v / plan.Scale).ToArray();
    }

    // Conditional randomized rounding: each coordinate up with probability its fraction, redrawn until the L2 norm is within the bound.
    private void RoundWithinBound(double[] values, double[] rounded, double bound)
    {
        for (int attempt = 0; ; attempt++)
        {
            double norm2 = 0;
            for (int k = 0; k < values.Length; k++)
            {
                double floor = Math.Floor(values[k]);
                rounded[k] = floor + (SubsamplingRandom.NextDouble() < values[k] - floor ? 1 : 0);
                norm2 += rounded[k] * rounded[k];
            }
            if (norm2 <= bound * bound) return;
            if (attempt > 1000) throw new InvalidOperationException("Randomized rounding did not meet its norm bound in 1000 draws.");
        }
    }
}
