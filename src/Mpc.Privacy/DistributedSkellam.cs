using System.Numerics;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Privacy;

/// <summary>
/// Distributed Skellam noise on secret-shared integer sums (Agarwal, Kairouz, Liu 2021): each
/// party adds Skellam(mu / h) to its own integer contribution before the secure sum, so the sum
/// carries Skellam noise of parameter at least mu even if all but h parties remove theirs; only
/// the noised sum is opened, to the analyst.
/// </summary>
/// <remarks>
/// Collusion trade-off (dp.honest_parties = h): the guarantee holds as long as h parties are
/// honest, at the price of N/h times the necessary noise when all N are. h = 1 is the dishonest-
/// majority setting of the rest of the runtime and the most noise; h = N trusts everyone.
/// </remarks>
public static class DistributedSkellam
{
    /// <summary>The smallest Skellam parameter mu (to 0.1%) giving (epsilon, delta)-DP for the sensitivities, by the Skellam RDP bound.</summary>
    public static double Calibrate(double epsilon, double delta, double l1Sensitivity, double l2Sensitivity)
    {
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), "epsilon must be positive.");
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
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), "epsilon must be positive.");
        if (releases.Count == 0 || releases.Any(r => !(r.L1 > 0) || !(r.L2 > 0))) throw new ArgumentException("Every planned release needs positive L1 and L2 sensitivities.", nameof(releases));
        if (weights is not null && (weights.Count != releases.Count || weights.Any(w => !(w > 0) || double.IsInfinity(w))))
            throw new ArgumentException($"One positive weight is needed for each of the {releases.Count} planned releases.", nameof(weights));
        var orders = RdpAccountant.DefaultOrders;
        var before = spent ?? new double[orders.Count];
        if (RdpAccountant.ToEpsilon(before, orders, delta).Epsilon >= epsilon) throw new ArgumentException($"The releases already made spend the whole budget of epsilon {epsilon}.", nameof(spent));
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
            if (high > 1e15) throw new ParameterProblemException(ErrorMessages.EpsilonUnreachable(epsilon));
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
    /// Releases the element-wise sum over parties of integer contributions with distributed
    /// Skellam noise, as the declared DP output <paramref name="outputName"/>. The reveal policy
    /// checks the declaration, sensitivities and budget before any noise is drawn.
    /// </summary>
    public static async Task<NoisedRelease> ReleaseSumAsync<T>(MpcRuntime<T> runtime, double[] contribution, string outputName,
        double epsilon, double delta, double l1Sensitivity, double l2Sensitivity, int honestParties)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        double mu = Calibrate(epsilon, delta, l1Sensitivity, l2Sensitivity);
        var (sum, release) = await NoisedSumAsync(runtime, contribution, outputName, new NoisedRelease("distributed-skellam", l1Sensitivity, l2Sensitivity, mu, epsilon, delta, honestParties)).ConfigureAwait(false);
        await Opening.OutputAsync(runtime, sum, outputName).ConfigureAwait(false);
        return release;
    }

    /// <summary>
    /// Releases the noised element-wise sum to every party (a DP intermediate, for example a
    /// gradient the next iteration needs), with Skellam parameter <paramref name="mu"/> from
    /// <see cref="CalibrateSeries"/>; the release records its own (epsilon, delta) and the session's
    /// policy composes it with the others in RDP.
    /// </summary>
    public static async Task<(double[] Sum, NoisedRelease Release)> ReleaseSumToPartiesAsync<T>(MpcRuntime<T> runtime, double[] contribution, string outputName,
        double mu, double delta, double l1Sensitivity, double l2Sensitivity, int honestParties, double samplingRate = 1)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (!(mu > 0)) throw new ArgumentOutOfRangeException(nameof(mu), "The Skellam parameter must be positive.");
        var orders = RdpAccountant.DefaultOrders;
        double epsilon = RdpAccountant.ToEpsilon(RdpAccountant.SkellamRelease(mu, l1Sensitivity, l2Sensitivity, samplingRate, orders), orders, delta).Epsilon;
        var release = new NoisedRelease("distributed-skellam", l1Sensitivity, l2Sensitivity, mu, epsilon, delta, honestParties, samplingRate);
        var noised = Noised(runtime, contribution, outputName, release);
        // Every party learns the noised sum anyway: two message rounds through the leader, not a secure sum and a full-mesh opening.
        return (await Opening.RevealSumAcrossPartiesAsync(runtime, noised, 0, outputName).ConfigureAwait(false), release);
    }

    // Checks the release with the policy, then each party adds its share of the noise and the noised contributions are summed (still secret).
    private static async Task<(Secret<T> Sum, NoisedRelease Release)> NoisedSumAsync<T>(MpcRuntime<T> runtime, double[] contribution, string outputName, NoisedRelease release)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        (await Input.SumAcrossPartiesAsync(runtime, Noised(runtime, contribution, outputName, release), 1, 0).ConfigureAwait(false), release);

    // Checks the release with the policy, then adds this party's share of the noise to its integer contribution.
    private static double[] Noised<T>(MpcRuntime<T> runtime, double[] contribution, string outputName, NoisedRelease release)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(contribution);
        if (release.HonestParties < 1 || release.HonestParties > runtime.PartyCount) throw new ArgumentOutOfRangeException(nameof(release), $"dp.honest_parties must be between 1 and {runtime.PartyCount}.");
        if (contribution.Any(v => v != Math.Round(v))) throw new ArgumentException("Skellam noise is added to integer contributions; scale and round them first.", nameof(contribution));
        runtime.RevealPolicy.CheckNoisedRelease(outputName, release);
        return PartyNoised(new ExactNoiseSampler(runtime.LocalRandom), contribution, release.Mu, release.HonestParties);
    }

    /// <summary>
    /// One party's integer contribution plus its share of the noise, Skellam(mu / h) per value: the noise every party adds
    /// before the secure sum, and the clear-text simulation of the same mechanism (which calls this once per simulated party).
    /// </summary>
    public static double[] PartyNoised(ExactNoiseSampler sampler, double[] contribution, double mu, int honestParties)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentNullException.ThrowIfNull(contribution);
        if (!(mu > 0) || honestParties < 1) throw new ArgumentOutOfRangeException(nameof(mu), "Skellam noise needs mu > 0 and at least one honest party.");
        return [.. contribution.Select(v => v + sampler.Skellam(mu / honestParties))];
    }
}
