namespace Mpc.Boltzmann;

/// <summary>
/// The DP-SGD style default of DP training (reveal=dp-intermediates): an RBM with few parameters, small Poisson
/// batches and many steps, chosen on blocks-in-noise (issue 29; docs/experiments/boltzmann.md has the table and
/// the command). At 5,000 pooled rows it is q = 0.02 and 2,000 steps.
/// </summary>
public static class DpSchedule
{
    /// <summary>Ten hidden units: the clipped norm is shared by 560 coordinates rather than 1,325 at 25, so each carries more signal over the same noise.</summary>
    public const int Hidden = 10;

    /// <summary>Expected pooled batch (q = 100 / pooled rows): under tight accounting the noise on the mean gradient depends on the steps, hardly on q.</summary>
    public const int BatchSize = 100;

    /// <summary>Forty epochs (2,000 steps at 5,000 rows): half as many left the non-private model short of the blocks.</summary>
    public const int Epochs = 40;

    /// <summary>The exact mode's rate: faster rates made the noised runs swing between blocks.</summary>
    public const double LearningRate = 0.4;

    /// <summary>Per-record L2 clip: 5 kept the blocks at epsilon 1 where 10 lost them (double the noise); 2 and 3 shrank the gradient and learnt fewer block rows.</summary>
    public const double ClipNorm = 5;
}
