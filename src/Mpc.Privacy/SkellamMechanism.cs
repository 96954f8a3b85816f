using Mpc.Core;

namespace Mpc.Privacy;

/// <summary>
/// The mathematics of distributed Skellam noise (Agarwal, Kairouz, Liu 2021), with no runtime: the
/// smallest noise parameter mu for a budget, alone or for a planned series of releases composed in
/// RDP, and one party's noised contribution. The MPC protocol that releases the noised sum is
/// <c>Mpc.Privacy.Protocols.DistributedSkellam</c>.
/// </summary>
public static class SkellamMechanism
{
    /// <summary>The mechanism's name in release records, transcripts and the ledger.</summary>
    public const string Name = "distributed-skellam";

    /// <summary>The smallest Skellam parameter mu (to 0.1%) giving (epsilon, delta)-DP for the sensitivities, by the Skellam RDP bound.</summary>
    public static double Calibrate(double epsilon, double delta, double l1Sensitivity, double l2Sensitivity)
    {
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), PrivacyErrors.EpsilonNotPositive);
        return SmallestWithin(epsilon, 1e-6, mu => RdpAccountant.ToEpsilon(RdpAccountant.Skellam(mu, l1Sensitivity, l2Sensitivity, RdpAccountant.DefaultOrders), RdpAccountant.DefaultOrders, delta).Epsilon);
    }

    /// <summary>
    /// Skellam parameters for a planned series of releases that together give (epsilon, delta)-DP,
    /// composed in RDP: release r gets mu_r = kappa * L2_r^2, so each release pays the same
    /// leading RDP term, and kappa is the smallest (to 0.1%) that keeps the composition within epsilon.
    /// </summary>
    public static double[] CalibrateSeries(double epsilon, double delta, IReadOnlyList<(double L1, double L2)> releases)
    {
        ArgumentNullException.ThrowIfNull(releases);
        return CalibrateSeries(epsilon, delta, releases.Select(r => (r.L1, r.L2, 1.0)).ToList(), null);
    }

    /// <summary>
    /// As <see cref="CalibrateSeries(double, double, IReadOnlyList{ValueTuple{double, double}})"/>, for releases on Poisson
    /// subsamples (rate q, RDP amplified by <see cref="RdpAccountant.SkellamRelease"/>) and after releases already made
    /// (<paramref name="spent"/>, an RDP curve on <see cref="RdpAccountant.DefaultOrders"/>), which count against epsilon.
    /// With <paramref name="weights"/>, release r gets mu_r = kappa * L2_r^2 / w_r: a release that needs less precision
    /// (a row count beside gradients) takes a smaller share of the budget.
    /// </summary>
    public static double[] CalibrateSeries(double epsilon, double delta, IReadOnlyList<(double L1, double L2, double SamplingRate)> releases, double[]? spent,
        IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(releases);
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), PrivacyErrors.EpsilonNotPositive);
        if (releases.Count == 0 || releases.Any(r => !(r.L1 > 0) || !(r.L2 > 0))) throw new ArgumentException(PrivacyErrors.SensitivitiesNotPositive, nameof(releases));
        if (weights is not null && (weights.Count != releases.Count || weights.Any(w => !(w > 0) || double.IsInfinity(w))))
            throw new ArgumentException(PrivacyErrors.WeightsMismatch(releases.Count), nameof(weights));
        var orders = RdpAccountant.DefaultOrders;
        var before = spent ?? new double[orders.Count];
        if (RdpAccountant.ToEpsilon(before, orders, delta).Epsilon >= epsilon) throw new ArgumentException(PrivacyErrors.BudgetAlreadySpent(epsilon), nameof(spent));
        // Releases with the same sensitivities and rate share one curve (a training run plans thousands of identical steps).
        var weighted = releases.Select((r, i) => (r.L1, r.L2, r.SamplingRate, Weight: weights?[i] ?? 1)).ToList();
        var groups = weighted.GroupBy(r => r).Select(g => (Release: g.Key, Count: g.Count())).ToList();
        double kappa = SmallestWithin(epsilon, 1e-9, k =>
        {
            var total = (double[])before.Clone();
            foreach (var (r, count) in groups)
            {
                var curve = RdpAccountant.SkellamRelease(k * r.L2 * r.L2 / r.Weight, r.L1, r.L2, r.SamplingRate, orders);
                for (int i = 0; i < total.Length; i++) total[i] += count * curve[i];
            }
            return RdpAccountant.ToEpsilon(total, orders, delta).Epsilon;
        });
        return weighted.Select(r => kappa * r.L2 * r.L2 / r.Weight).ToArray();
    }

    // The smallest noise scale (to 0.1%, by bisection above `low`) whose epsilon, decreasing in the scale, is within the budget.
    private static double SmallestWithin(double epsilon, double low, Func<double, double> epsilonOf)
    {
        double high = 1;
        while (epsilonOf(high) > epsilon)
        {
            high *= 2;
            // Below the RDP conversion's floor (about 0.1 at delta 1e-5) no amount of noise reaches epsilon; stop instead of looping forever.
            if (high > 1e15) throw new ParameterProblemException(PrivacyErrors.EpsilonUnreachable(epsilon));
        }
        while (high - low > 1e-3 * high)
        {
            double middle = (low + high) / 2;
            if (epsilonOf(middle) > epsilon) low = middle;
            else high = middle;
        }
        return high;
    }

    /// <summary>
    /// One party's integer contribution plus its share of the noise, Skellam(mu / h) per value: the noise every party adds
    /// before the secure sum, and the clear-text simulation of the same mechanism (which calls this once per simulated party).
    /// </summary>
    public static double[] PartyNoised(ExactNoiseSampler sampler, double[] contribution, double mu, int honestParties)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(contribution);
        if (!(mu > 0) || honestParties < 1) throw new ArgumentOutOfRangeException(nameof(mu), PrivacyErrors.SkellamNoiseArguments);
        return [.. contribution.Select(v => v + sampler.Skellam(mu / honestParties))];
    }
}
