namespace Mpc.Runtime;

/// <summary>
/// A differentially private release: mechanism, sensitivities, total noise parameter, the
/// (epsilon, delta) it gives, how many honest parties that guarantee assumes, and the Poisson
/// sampling rate of the records it sums (1: every record; below 1 the RDP is amplified by subsampling).
/// </summary>
public sealed record NoisedRelease(string Mechanism, double L1Sensitivity, double L2Sensitivity, double Mu, double Epsilon, double Delta, int HonestParties, double SamplingRate = 1);
