namespace Mpc.Runtime;

/// <summary>
/// A differentially private release: mechanism, sensitivities, total noise parameter, the
/// (epsilon, delta) it gives, and how many honest parties that guarantee assumes.
/// </summary>
public sealed record NoisedRelease(string Mechanism, double L1Sensitivity, double L2Sensitivity, double Mu, double Epsilon, double Delta, int HonestParties);
