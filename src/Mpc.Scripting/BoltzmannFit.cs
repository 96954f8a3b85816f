using Mpc.Boltzmann;

namespace Mpc.Scripting;

/// <summary>A pooled Boltzmann machine and what its training released: the epsilon spent (0 without DP) and the series of noised sums the parties saw.</summary>
public sealed record BoltzmannFit(TrainedModel Model, double Epsilon, double Delta, IReadOnlyList<double> NoisedSeries);
