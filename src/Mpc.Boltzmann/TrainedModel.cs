namespace Mpc.Boltzmann;

/// <summary>The result of a training run: the RBM layers (one for an RBM, the stack of a DBN or the pre-trained layers of a DBM), the DBM when fine-tuned, and the monitoring series.</summary>
public sealed record TrainedModel(ModelKind Kind, IReadOnlyList<Rbm> Layers, Dbm? Dbm, IReadOnlyList<MonitoringRecord> Monitoring, double PooledRows)
{
    /// <summary>The model's parameters flattened (layer by layer: W, a, b; for a DBM: W_1..W_L, b_0..b_L), as revealed.</summary>
    public double[] Parameters()
    {
        if (Dbm is not null) return [.. Dbm.Weights.SelectMany(w => w), .. Dbm.Biases.SelectMany(b => b)];
        return [.. Layers.SelectMany(r => r.Weights.Concat(r.VisibleBias).Concat(r.HiddenBias))];
    }
}
