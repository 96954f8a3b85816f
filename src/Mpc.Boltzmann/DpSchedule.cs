namespace Mpc.Boltzmann;

/// <summary>
/// The DP-SGD style default of DP training (reveal=dp-intermediates), found on blocks-in-noise (issue 29:
/// docs/experiments/boltzmann.md has the table): an RBM with few parameters, small Poisson batches, many steps.
/// </summary>
public static class DpSchedule
{
    /// <summary>Few hidden units: the clipped gradient's norm is shared by fewer coordinates, so each carries more signal over the same noise.</summary>
    public const int Hidden = 10;

    /// <summary>Expected pooled batch (q = this over the pooled rows).</summary>
    public const int BatchSize = 100;

    public const int Epochs = 30;

    public const double LearningRate = 0.1;

    public const double ClipNorm = 5;

    public const double LearningRateDecay = 0.1;
}
