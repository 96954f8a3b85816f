namespace Mpc.Privacy;

/// <summary>
/// The release mechanisms a party accounts for, by the name a release record carries: a release of an
/// unknown mechanism has no RDP curve and must be refused.
/// </summary>
public static class ReleaseMechanisms
{
    /// <summary>Whether <paramref name="mechanism"/> is one this party can account for.</summary>
    public static bool IsKnown(string mechanism) => mechanism == SkellamMechanism.Name;

    /// <summary>
    /// The RDP curve on <paramref name="orders"/> of one release of <paramref name="mechanism"/> with total noise
    /// parameter <paramref name="noise"/>, the sensitivities and the Poisson sampling rate.
    /// </summary>
    public static double[] Curve(string mechanism, double noise, double l1Sensitivity, double l2Sensitivity, double samplingRate, IReadOnlyList<double> orders)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        if (!IsKnown(mechanism)) throw new ArgumentException(PrivacyErrors.UnknownMechanism(mechanism), nameof(mechanism));
        return RdpAccountant.SkellamRelease(noise, l1Sensitivity, l2Sensitivity, samplingRate, orders);
    }
}
