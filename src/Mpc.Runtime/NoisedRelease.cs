namespace Mpc.Runtime;

/// <summary>
/// A differentially private release, whatever its mechanism: the mechanism's name, the sensitivities
/// of what it noises, its noise parameter (what the mechanism's RDP bound is a function of: for
/// distributed Skellam the total mu), the (epsilon, delta) it claims, how many honest parties that
/// guarantee assumes, and the Poisson sampling rate of the records it sums (1: every record; below 1
/// the RDP is amplified by subsampling). The party's policy recomputes the cost from the mechanism
/// and its noise, never from the claimed epsilon.
/// </summary>
public sealed record NoisedRelease(string Mechanism, double L1Sensitivity, double L2Sensitivity, double Noise, double Epsilon, double Delta, int HonestParties, double SamplingRate = 1);
