using System.Numerics;
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
        double Epsilon(double mu) => RdpAccountant.ToEpsilon(RdpAccountant.Skellam(mu, l1Sensitivity, l2Sensitivity, RdpAccountant.DefaultOrders), RdpAccountant.DefaultOrders, delta).Epsilon;
        double low = 1e-6, high = 1;
        while (Epsilon(high) > epsilon) high *= 2;
        while (high - low > 1e-3 * high)
        {
            double middle = (low + high) / 2;
            if (Epsilon(middle) > epsilon) low = middle;
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
        ArgumentNullException.ThrowIfNull(contribution);
        if (honestParties < 1 || honestParties > runtime.PartyCount) throw new ArgumentOutOfRangeException(nameof(honestParties), $"dp.honest_parties must be between 1 and {runtime.PartyCount}.");
        if (contribution.Any(v => v != Math.Round(v))) throw new ArgumentException("Skellam noise is added to integer contributions; scale and round them first.", nameof(contribution));
        double mu = Calibrate(epsilon, delta, l1Sensitivity, l2Sensitivity);
        var release = new NoisedRelease("distributed-skellam", l1Sensitivity, l2Sensitivity, mu, epsilon, delta, honestParties);
        runtime.RevealPolicy.CheckNoisedRelease(outputName, release);
        var sampler = new ExactNoiseSampler(runtime.LocalRandom);
        var noised = contribution.Select(v => v + sampler.Skellam(mu / honestParties)).ToArray();
        var sum = await Input.SumAcrossPartiesAsync(runtime, noised, 1, 0).ConfigureAwait(false);
        await Opening.OutputAsync(runtime, sum, outputName).ConfigureAwait(false);
        return release;
    }
}
