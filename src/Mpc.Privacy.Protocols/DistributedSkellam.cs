using System.Numerics;
using Mpc.Core;
using Mpc.Privacy;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Privacy.Protocols;

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
        double mu = SkellamMechanism.Calibrate(epsilon, delta, l1Sensitivity, l2Sensitivity);
        var (sum, release) = await NoisedSumAsync(runtime, contribution, outputName, new NoisedRelease(SkellamMechanism.Name, l1Sensitivity, l2Sensitivity, mu, epsilon, delta, honestParties)).ConfigureAwait(false);
        await Opening.OutputAsync(runtime, sum, outputName).ConfigureAwait(false);
        return release;
    }

    /// <summary>
    /// Releases the noised element-wise sum to every party (a DP intermediate, for example a
    /// gradient the next iteration needs), with Skellam parameter <paramref name="mu"/> from
    /// <see cref="SkellamMechanism.CalibrateSeries(double, double, IReadOnlyList{ValueTuple{double, double, double}}, double[], IReadOnlyList{double})"/>; the release records its own (epsilon, delta) and the session's
    /// policy composes it with the others in RDP.
    /// </summary>
    public static async Task<(double[] Sum, NoisedRelease Release)> ReleaseSumToPartiesAsync<T>(MpcRuntime<T> runtime, double[] contribution, string outputName,
        double mu, double delta, double l1Sensitivity, double l2Sensitivity, int honestParties, double samplingRate = 1)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        if (!(mu > 0)) throw new ArgumentOutOfRangeException(nameof(mu), PrivacyErrors.SkellamParameterNotPositive);
        var orders = RdpAccountant.DefaultOrders;
        double epsilon = RdpAccountant.ToEpsilon(RdpAccountant.SkellamRelease(mu, l1Sensitivity, l2Sensitivity, samplingRate, orders), orders, delta).Epsilon;
        var release = new NoisedRelease(SkellamMechanism.Name, l1Sensitivity, l2Sensitivity, mu, epsilon, delta, honestParties, samplingRate);
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
        if (release.HonestParties < 1 || release.HonestParties > runtime.PartyCount) throw new ArgumentOutOfRangeException(nameof(release), PrivacyErrors.HonestPartiesOutOfRange(runtime.PartyCount));
        if (contribution.Any(v => v != Math.Round(v))) throw new ArgumentException(PrivacyErrors.ContributionNotInteger, nameof(contribution));
        runtime.RevealPolicy.CheckNoisedRelease(outputName, release);
        return SkellamMechanism.PartyNoised(new ExactNoiseSampler(runtime.LocalRandom), contribution, release.Noise, release.HonestParties);
    }
}
