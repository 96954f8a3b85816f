namespace Mpc.Boltzmann;

/// <summary>
/// One layer's training settings, as DataSHIELD's ds.bm.defineLayer: hidden units, epochs,
/// learning rate, (expected) pooled batch size, Gibbs steps, and contrastive divergence from the
/// data (CD-k) or persistent chains on the public model (PCD, the default for pooled training:
/// its model term needs no data).
/// </summary>
public sealed record LayerSettings(int Hidden, int Epochs = 30, double LearningRate = 0.05, int BatchSize = 10, int GibbsSteps = 1, bool Persistent = true, int Chains = 50)
{
    /// <summary>Makes this a partitioned layer (BoltzmannMachines.jl's PartitionedRBM); its sizes must cover the layer's visible and hidden units.</summary>
    public Partitioning? Partitions { get; init; }

    internal void Check(string layer)
    {
        if (Hidden < 1 || Epochs < 0 || !(LearningRate > 0) || BatchSize < 1 || GibbsSteps < 1 || Chains < 1)
            throw new ArgumentException($"{layer}: hidden units, batch size, Gibbs steps and chains must be positive, epochs not negative and the learning rate positive.");
    }
}
