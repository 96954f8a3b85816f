using Mpc.Boltzmann;

namespace Mpc.Scripting;

/// <summary>
/// A pooled Boltzmann machine, how its visible units encode the columns, and what its training released: the epsilon spent
/// (0 without DP) and the series of noised sums the parties saw. <see cref="TrainingRows"/> and <see cref="HoldoutRows"/> are this party's own rows (never sent),
/// split by a public seed, for the secure evaluation, on the columns' own scale. <see cref="Standardisation"/> (Gaussian visibles)
/// holds the pooled means and SDs the model's visible units are in.
/// </summary>
public sealed record BoltzmannFit(TrainedModel Model, VisibleEncoding Encoding, double Epsilon, double Delta, IReadOnlyList<double> NoisedSeries,
    IReadOnlyList<double[]> TrainingRows, IReadOnlyList<double[]> HoldoutRows, Standardisation? Standardisation = null)
{
    /// <summary>Bins per axis of the latent density's grid (0: none asked for at training).</summary>
    public int LatentBins { get; init; }

    /// <summary>The epsilon of everything this run released so far (training, then a reserved release such as the latent density), composed in RDP; 0 without DP.</summary>
    public double EpsilonSpent => PrivatePool?.SpentEpsilon ?? Epsilon;

    // A DP run's pool, for releases reserved at training (the latent density); null without DP.
    internal PrivateStatisticsPool<UInt128>? PrivatePool { get; init; }
}
