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

    /// <summary>
    /// A model from its parameters as <see cref="Parameters"/> reveals them (an RBM's W, a, b; a DBM's W_1..W_L, b_0..b_L), for
    /// continued training or sampling; <paramref name="sizes"/> are the layer sizes, visible first. A DBN is not rebuilt.
    /// </summary>
    public static TrainedModel FromParameters(ModelKind kind, IReadOnlyList<int> sizes, VisibleKind visible, IReadOnlyList<int>? categories, IReadOnlyList<double> parameters)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(parameters);
        if (kind == ModelKind.Dbn || (kind == ModelKind.Rbm && sizes.Count != 2)) throw new ArgumentException("An RBM (two layer sizes) or a DBM can be rebuilt from its parameters.", nameof(kind));
        var dbm = new Dbm(sizes, visible, categories);
        if (parameters.Count != dbm.ParameterCount) throw new ArgumentException($"A model of layers {string.Join(",", sizes)} has {dbm.ParameterCount} parameters; {parameters.Count} were given.", nameof(parameters));
        // The DBM's layout is an RBM's too for two layers: W, then the visible and hidden biases.
        dbm.AddToParameters([.. parameters]);
        var layers = LayersOf(dbm);
        return new TrainedModel(kind, layers, kind == ModelKind.Dbm ? dbm : null, [], 0);
    }

    // A DBM's weights as RBMs (layer l: W_l, biases b_(l-1) and b_l), the shape sampling and continued training read.
    internal static List<Rbm> LayersOf(Dbm dbm)
    {
        var layers = new List<Rbm>();
        for (int l = 1; l < dbm.LayerCount; l++)
        {
            var rbm = new Rbm(dbm.LayerSizes[l - 1], dbm.LayerSizes[l], l == 1 ? dbm.Visible : VisibleKind.Bernoulli, l == 1 && dbm.Visible == VisibleKind.Categorical ? dbm.Categories : null);
            dbm.Weights[l - 1].CopyTo(rbm.Weights, 0);
            dbm.Biases[l - 1].CopyTo(rbm.VisibleBias, 0);
            dbm.Biases[l].CopyTo(rbm.HiddenBias, 0);
            rbm.Partitioning = dbm.Partitions[l - 1];
            layers.Add(rbm);
        }
        return layers;
    }
}
