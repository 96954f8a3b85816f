using Mpc.Privacy;

namespace Mpc.Boltzmann;

/// <summary>
/// The DP mechanism of pooled training, apart from where the noised sum is computed: calibration of
/// every planned release, per-record clipping, scaling and rounding, decoding and RDP accounting.
/// <see cref="PrivateStatisticsPool{T}"/> sums under MPC and <see cref="SimulatedPrivateStatisticsPool"/>
/// in the clear; both use this class, so their releases have the same scale and the same accounting.
/// </summary>
/// <remarks>
/// Sensitivity of a release (add or remove one record): L2 = B = sqrt(c^2 + d/4 + sqrt(2 ln(1/beta)) (c + sqrt(d)/2)),
/// c = 2^s C, beta = e^-1/2 (AKL21, section 4), and L1 = min(sqrt(d) B, B^2) (integer vectors).
/// s is the smallest with c &gt;= max(sqrt(d), 16), so rounding adds at most about 13% to B.
/// Budget: the row count first, sized as one twentieth of the budget's RDP, then all planned
/// releases together, amplified by the Poisson sampling rate of each.
/// </remarks>
public sealed class SkellamSumMechanism
{
    private readonly double _epsilon, _delta;
    private readonly Random _rounding;
    private readonly Dictionary<string, (StatisticsRelease Release, double Mu, double Scale, double L1, double L2)> _plan = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double[]> _reserved = new(StringComparer.Ordinal);
    private double[]? _spent;
    private bool _rowCounted;

    public SkellamSumMechanism(double epsilon, double delta, Random rounding)
    {
        ArgumentNullException.ThrowIfNull(rounding);
        if (!(epsilon > 0) || !(delta > 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(epsilon), "DP training needs epsilon > 0 and delta in (0, 1).");
        _epsilon = epsilon;
        _delta = delta;
        _rounding = rounding;
    }

    public double Delta => _delta;

    /// <summary>The (epsilon, delta) of everything accounted so far, composed in RDP.</summary>
    public double SpentEpsilon => _spent is null ? 0 : RdpAccountant.ToEpsilon(_spent, RdpAccountant.DefaultOrders, _delta).Epsilon;

    /// <summary>The Skellam parameter of the row count (sensitivity 1), released once before the plan.</summary>
    public double RowCountMu => SkellamMechanism.CalibrateSeries(_epsilon, _delta, Enumerable.Repeat((1.0, 1.0), 20).ToList())[0];

    /// <summary>Accounts the row count's release; call once, before <see cref="Plan"/> (after a reserved release made before training, such as a DP standardisation).</summary>
    public void AccountRowCount()
    {
        if (_rowCounted) throw new InvalidOperationException("The row count is released once, before the plan.");
        _rowCounted = true;
        var curve = RdpAccountant.Skellam(RowCountMu, 1, 1, RdpAccountant.DefaultOrders);
        _spent = _spent is null ? curve : RdpAccountant.Compose(_spent, curve);
    }

    public void Plan(IReadOnlyList<StatisticsRelease> releases)
    {
        ArgumentNullException.ThrowIfNull(releases);
        if (!_rowCounted || _spent is null) throw new InvalidOperationException("Release the row count before planning.");
        var sized = releases.Where(r => r.Count > 0).Select(r => (Release: r, Sensitivity: Sensitivity(r.Dimension, r.ClipNorm))).ToList();
        var flat = sized.SelectMany(r => Enumerable.Repeat((r.Sensitivity.L1, r.Sensitivity.L2, r.Release.SamplingRate), r.Release.Count)).ToList();
        // A run with nothing to release (no epochs left) spends nothing beyond the row count and its reservations.
        if (flat.Count == 0) return;
        // Reserved releases still to come count against the budget as if made already.
        var mu = SkellamMechanism.CalibrateSeries(_epsilon, _delta, flat, RdpAccountant.Compose([_spent, .. _reserved.Values]));
        int index = 0;
        foreach (var (release, sensitivity) in sized)
        {
            _plan[release.Name] = (release, mu[index], sensitivity.Scale, sensitivity.L1, sensitivity.L2);
            index += release.Count;
        }
    }

    /// <summary>
    /// Reserves one release outside the training schedule (a histogram after training) at a fixed share of the budget: its
    /// Skellam parameter is the one of <paramref name="shares"/> equal releases that together spend the whole budget, as the row
    /// count's is (one twentieth). Call before <see cref="Plan"/>, whose releases are calibrated into what is left; it is accounted
    /// when made, through <see cref="AccountAndDecode"/>.
    /// </summary>
    public void Reserve(StatisticsRelease release, int shares)
    {
        ArgumentNullException.ThrowIfNull(release);
        if (release.Count != 1) throw new ArgumentException("A reserved release is made once.", nameof(release));
        if (shares < 2) throw new ArgumentOutOfRangeException(nameof(shares), "A reserved release takes a share of the budget, at most half.");
        if (_plan.ContainsKey(release.Name)) throw new InvalidOperationException($"The release '{release.Name}' is planned already.");
        var (scale, l1, l2) = Sensitivity(release.Dimension, release.ClipNorm);
        double mu = SkellamMechanism.CalibrateSeries(_epsilon, _delta, Enumerable.Repeat((l1, l2, release.SamplingRate), shares).ToList(), null)[0];
        _plan[release.Name] = (release, mu, scale, l1, l2);
        _reserved[release.Name] = RdpAccountant.SkellamRelease(mu, l1, l2, release.SamplingRate, RdpAccountant.DefaultOrders);
    }

    /// <summary>The planned release's Skellam parameter, scale 2^s, sensitivities and sampling rate.</summary>
    public (double Mu, double Scale, double L1, double L2, double SamplingRate) Planned(string release) =>
        _plan.TryGetValue(release, out var plan) ? (plan.Mu, plan.Scale, plan.L1, plan.L2, plan.Release.SamplingRate)
        : throw new InvalidOperationException($"The release '{release}' was not planned.");

    /// <summary>Scale 2^s, and the L1 and L2 sensitivities of a rounded per-record clipped sum (see remarks).</summary>
    public static (double Scale, double L1, double L2) Sensitivity(int dimension, double clipNorm)
    {
        double scale = Math.ScaleB(1, (int)Math.Ceiling(Math.Log2(Math.Max(Math.Sqrt(dimension), 16) / clipNorm)));
        double c = scale * clipNorm, d = dimension;
        double bound = Math.Sqrt(c * c + d / 4 + Math.Sqrt(2 * 0.5) * (c + Math.Sqrt(d) / 2));
        return (scale, Math.Min(Math.Sqrt(d) * bound, bound * bound), bound);
    }

    /// <summary>This holder's integer contribution: each record clipped to the planned norm, scaled and rounded within the bound, summed.</summary>
    public double[] Encode(string release, IReadOnlyList<double[]> records, int dimension)
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
        return local;
    }

    /// <summary>Accounts one release of the planned group (call once per noised sum opened) and returns the sum in the records' units.</summary>
    public double[] AccountAndDecode(string release, double[] noisedSum)
    {
        ArgumentNullException.ThrowIfNull(noisedSum);
        var (mu, scale, l1, l2, q) = Planned(release);
        if (_reserved.Remove(release) && _spent is null) _spent = new double[RdpAccountant.DefaultOrders.Count];
        _spent = RdpAccountant.Compose(_spent!, RdpAccountant.SkellamRelease(mu, l1, l2, q, RdpAccountant.DefaultOrders));
        return noisedSum.Select(v => v / scale).ToArray();
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
                rounded[k] = floor + (_rounding.NextDouble() < values[k] - floor ? 1 : 0);
                norm2 += rounded[k] * rounded[k];
            }
            if (norm2 <= bound * bound) return;
            if (attempt > 1000) throw new InvalidOperationException("Randomized rounding did not meet its norm bound in 1000 draws.");
        }
    }
}
