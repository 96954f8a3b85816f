namespace Mpc.Boltzmann;

/// <summary>
/// A deep Boltzmann machine: layer 0 is visible, layers 1..L hidden, weights W_l between layers
/// l-1 and l (row-major, n_{l-1} x n_l) and a bias per unit. Energy E = -sum_l b_l'h_l -
/// sum_l h_{l-1}' W_l h_l (Salakhutdinov and Hinton 2009). Hidden units are Bernoulli; visible
/// units (<see cref="Visible"/>) are Bernoulli, one-hot groups (one per categorical variable, softmax
/// within a group, as BoltzmannMachines.jl's categorical first layer), or Gaussian with unit variance
/// (the bias term -b_0'v becomes |v - b_0|^2 / 2, as its Gaussian-Bernoulli first layer), or binomial 0/1/2 (as its Binomial2BernoulliRBM).
/// </summary>
public sealed partial class Dbm
{
    public Dbm(IReadOnlyList<int> layerSizes, VisibleKind visible = VisibleKind.Bernoulli, IReadOnlyList<int>? categories = null)
    {
        ArgumentNullException.ThrowIfNull(layerSizes);
        if (layerSizes.Count < 2 || layerSizes.Any(n => n < 1)) throw new ArgumentException("A DBM needs a visible and at least one hidden layer, each with at least one unit.", nameof(layerSizes));
        if (visible == VisibleKind.Categorical && (categories is null || categories.Any(c => c < 2) || categories.Sum() != layerSizes[0]))
            throw new ArgumentException($"Categorical visibles need group sizes (each at least 2) that add up to the {layerSizes[0]} visible units.", nameof(categories));
        LayerSizes = [.. layerSizes];
        Visible = visible;
        Categories = visible == VisibleKind.Categorical ? [.. categories!] : [];
        Weights = Enumerable.Range(1, LayerSizes.Length - 1).Select(l => new double[LayerSizes[l - 1] * LayerSizes[l]]).ToArray();
        Biases = LayerSizes.Select(n => new double[n]).ToArray();
    }

    public int[] LayerSizes { get; }

    /// <summary>The distribution of the visible units given the first hidden layer.</summary>
    public VisibleKind Visible { get; }

    /// <summary>Sizes of the visible one-hot groups, in visible order (empty unless categorical).</summary>
    public int[] Categories { get; }

    /// <summary>Weights[l - 1] connects layer l - 1 (rows) to layer l (columns).</summary>
    public double[][] Weights { get; }

    public double[][] Biases { get; }

    public int LayerCount => LayerSizes.Length;

    /// <summary>Parameters in the order of gradients and statistics: W_1..W_L, then b_0..b_L.</summary>
    public int ParameterCount => Weights.Sum(w => w.Length) + LayerSizes.Sum();

    /// <summary>Builds the DBM from pre-trained RBMs (bottom first): weights as trained with doubled inputs; a layer shared by two RBMs gets the mean of their biases (as BoltzmannMachines.jl).</summary>
    public static Dbm FromPretrained(IReadOnlyList<Rbm> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var dbm = new Dbm([layers[0].Visible, .. layers.Select(r => r.Hidden)], layers[0].Kind, layers[0].Categories);
        for (int l = 0; l < layers.Count; l++)
        {
            if (l > 0 && layers[l].Kind != VisibleKind.Bernoulli)
                throw new ArgumentException("DBM hidden layers are Bernoulli; only the visible layer may be categorical or Gaussian.", nameof(layers));
            if (l > 0 && layers[l].Visible != layers[l - 1].Hidden) throw new ArgumentException($"RBM {l + 1} has {layers[l].Visible} visible units where RBM {l} has {layers[l - 1].Hidden} hidden units.", nameof(layers));
            layers[l].Weights.CopyTo(dbm.Weights[l], 0);
            dbm.Partitions[l] = layers[l].Partitioning;
        }
        layers[0].VisibleBias.CopyTo(dbm.Biases[0], 0);
        for (int l = 1; l <= layers.Count; l++)
            for (int j = 0; j < dbm.LayerSizes[l]; j++)
                dbm.Biases[l][j] = l < layers.Count ? (layers[l - 1].HiddenBias[j] + layers[l].VisibleBias[j]) / 2 : layers[l - 1].HiddenBias[j];
        return dbm;
    }

    public Dbm Clone()
    {
        var copy = new Dbm(LayerSizes, Visible, Categories);
        for (int l = 0; l < Weights.Length; l++) Weights[l].CopyTo(copy.Weights[l], 0);
        for (int l = 0; l < Biases.Length; l++) Biases[l].CopyTo(copy.Biases[l], 0);
        Partitions.CopyTo(copy.Partitions, 0);
        return copy;
    }

    /// <summary>A fresh state (one array per layer).</summary>
    public double[][] NewState() => LayerSizes.Select(n => new double[n]).ToArray();

    /// <summary>A random state: every unit a fair bit, every visible group a uniform category, Gaussian visibles standard normal.</summary>
    public double[][] RandomState(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var state = NewState();
        for (int l = 0; l < LayerCount; l++)
        {
            if (l == 0 && Visible == VisibleKind.Binomial)
            {
                for (int i = 0; i < state[0].Length; i++) state[0][i] = random.Next(2) + random.Next(2);
                continue;
            }
            if (l == 0 && Visible == VisibleKind.Gaussian)
            {
                for (int i = 0; i < state[0].Length; i++) state[0][i] = Activation.Gaussian(random);
                continue;
            }
            if (l == 0 && Categories.Length > 0)
            {
                int start = 0;
                foreach (int size in Categories)
                {
                    state[0][start + random.Next(size)] = 1;
                    start += size;
                }
                continue;
            }
            for (int j = 0; j < state[l].Length; j++) state[l][j] = random.Next(2);
        }
        return state;
    }

    /// <summary>E[v | input] in place: sigmoid per unit, softmax within each categorical group, or the input itself (Gaussian).</summary>
    internal void VisibleMeans(Span<double> input)
    {
        switch (Visible)
        {
            case VisibleKind.Categorical:
                Rbm.GroupSoftmax(input, Categories);
                break;
            case VisibleKind.Bernoulli:
                for (int i = 0; i < input.Length; i++) input[i] = Activation.Sigmoid(input[i]);
                break;
            case VisibleKind.Binomial:
                for (int i = 0; i < input.Length; i++) input[i] = 2 * Activation.Sigmoid(input[i]);
                break;
        }
    }

    /// <summary>Draws v given its total input (overwritten with the means); units with a non-NaN clamp keep that value.</summary>
    internal void SampleVisible(Span<double> input, Span<double> v, Random random, ReadOnlySpan<double> clamp = default)
    {
        VisibleMeans(input);
        switch (Visible)
        {
            case VisibleKind.Categorical:
                Rbm.SampleGroups(input, v, Categories, random);
                break;
            case VisibleKind.Gaussian:
                for (int i = 0; i < v.Length; i++) v[i] = input[i] + Activation.Gaussian(random);
                break;
            case VisibleKind.Binomial:
                Rbm.SampleBinomial(input, v, random);
                break;
            default:
                for (int i = 0; i < v.Length; i++) v[i] = random.NextDouble() < input[i] ? 1 : 0;
                break;
        }
        if (clamp.IsEmpty) return;
        for (int i = 0; i < v.Length; i++)
            if (!double.IsNaN(clamp[i])) v[i] = clamp[i];
    }

    // The visible units' own energy term: b_0'v, or -|v - b_0|^2 / 2 for Gaussian visibles.
    internal double VisibleBiasTerm(ReadOnlySpan<double> v)
    {
        double value = 0;
        for (int i = 0; i < LayerSizes[0]; i++)
            value += Visible == VisibleKind.Gaussian ? -0.5 * (v[i] - Biases[0][i]) * (v[i] - Biases[0][i]) : Biases[0][i] * v[i] + Rbm.BinomialMultiplicity(Visible, v[i]);
        return value;
    }

    /// <summary>log sum_v exp(b_0'v) (Gaussian: the integral of exp(-|v - b_0|^2 / 2)): the visible layer's normaliser on its own (the beta = 0 model of AIS).</summary>
    internal double LogVisibleBiasNormaliser()
    {
        if (Visible == VisibleKind.Gaussian) return 0.5 * LayerSizes[0] * Math.Log(2 * Math.PI);
        if (Visible == VisibleKind.Binomial) return 2 * Biases[0].Sum(Activation.Softplus);
        if (Categories.Length == 0) return Biases[0].Sum(Activation.Softplus);
        double value = 0;
        int start = 0;
        foreach (int size in Categories)
        {
            value += Activation.LogSumExp(Biases[0].AsSpan(start, size));
            start += size;
        }
        return value;
    }
    /// <summary>Total input to layer l from its neighbours in <paramref name="state"/>, with weights and hidden biases scaled by beta (AIS temperature).</summary>
    internal void LayerInput(double[][] state, int l, Span<double> input, double beta = 1)
    {
        int n = LayerSizes[l];
        for (int j = 0; j < n; j++) input[j] = l == 0 ? Biases[0][j] : beta * Biases[l][j];
        if (l > 0)
        {
            // From below: sum_i h_{l-1,i} W_l[i, j].
            var below = state[l - 1];
            var w = Weights[l - 1];
            for (int i = 0; i < below.Length; i++)
            {
                double x = below[i] * beta;
                if (x == 0) continue;
                VectorKernels.AddScaled(input[..n], w.AsSpan(i * n, n), x);
            }
        }
        if (l < LayerCount - 1)
        {
            // From above: sum_k W_{l+1}[j, k] h_{l+1,k}.
            var above = state[l + 1];
            var w = Weights[l];
            int m = LayerSizes[l + 1];
            for (int j = 0; j < n; j++)
            {
                input[j] += beta * VectorKernels.Dot(w.AsSpan(j * m, m), above);
            }
        }
    }

    /// <summary>
    /// Mean-field posterior q(h | v) = prod sigmoid(...) (Salakhutdinov and Hinton): initialised by
    /// an up-pass with doubled inputs below the top layer, then <paramref name="iterations"/> fixed-point sweeps.
    /// </summary>
    public double[][] MeanField(ReadOnlySpan<double> v, int iterations = 10)
    {
        var state = NewState();
        v.CopyTo(state[0]);
        Span<double> input = stackalloc double[LayerSizes.Max()];
        for (int l = 1; l < LayerCount; l++)
        {
            int n = LayerSizes[l];
            var w = Weights[l - 1];
            for (int j = 0; j < n; j++) input[j] = Biases[l][j];
            for (int i = 0; i < LayerSizes[l - 1]; i++)
            {
                double x = state[l - 1][i];
                if (x == 0) continue;
                VectorKernels.AddScaled(input[..n], w.AsSpan(i * n, n), x);
            }
            double factor = l < LayerCount - 1 ? 2 : 1;
            for (int j = 0; j < n; j++) state[l][j] = Activation.Sigmoid(factor * input[j]);
        }
        for (int sweep = 0; sweep < iterations; sweep++)
        {
            for (int l = 1; l < LayerCount; l++)
            {
                LayerInput(state, l, input[..LayerSizes[l]]);
                for (int j = 0; j < LayerSizes[l]; j++) state[l][j] = Activation.Sigmoid(input[j]);
            }
        }
        return state;
    }

    /// <summary>
    /// One Gibbs sweep at temperature beta: odd layers given even, then even layers (the visible
    /// layer included) given odd. Visible units with a non-NaN entry in <paramref name="clamp"/> keep that value.
    /// </summary>
    public void GibbsSweep(double[][] state, Random random, double beta = 1, ReadOnlySpan<double> clamp = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(random);
        Span<double> input = stackalloc double[LayerSizes.Max()];
        for (int parity = 1; parity >= 0; parity--)
        {
            for (int l = parity; l < LayerCount; l += 2)
            {
                int n = LayerSizes[l];
                LayerInput(state, l, input[..n], beta);
                if (l == 0)
                {
                    SampleVisible(input[..n], state[0], random, clamp);
                    continue;
                }
                for (int j = 0; j < n; j++) state[l][j] = random.NextDouble() < Activation.Sigmoid(input[j]) ? 1 : 0;
            }
        }
    }

    /// <summary>
    /// log p*_beta of the even layers with the odd layers summed out: sum over even layers of their
    /// (scaled) bias terms plus, per odd unit, softplus of its scaled input.
    /// </summary>
    internal double LogUnnormalisedEven(double[][] state, double beta = 1)
    {
        double value = VisibleBiasTerm(state[0]);
        for (int l = 2; l < LayerCount; l += 2)
            for (int j = 0; j < LayerSizes[l]; j++) value += beta * Biases[l][j] * state[l][j];
        Span<double> input = stackalloc double[LayerSizes.Max()];
        for (int l = 1; l < LayerCount; l += 2)
        {
            LayerInput(state, l, input[..LayerSizes[l]], beta);
            for (int j = 0; j < LayerSizes[l]; j++) value += Activation.Softplus(input[j]);
        }
        return value;
    }

    /// <summary>Adds one state's sufficient statistics (h_{l-1} h_l' per layer, then every layer's units) into <paramref name="into"/>.</summary>
    public void AccumulateStatistics(double[][] state, Span<double> into, double weight = 1)
    {
        ArgumentNullException.ThrowIfNull(state);
        int offset = 0;
        for (int l = 1; l < LayerCount; l++)
        {
            int n = LayerSizes[l];
            for (int i = 0; i < LayerSizes[l - 1]; i++)
            {
                double x = state[l - 1][i] * weight;
                if (x != 0)
                {
                    VectorKernels.AddScaled(into.Slice(offset + i * n, n), state[l], x);
                }
            }
            offset += LayerSizes[l - 1] * n;
        }
        for (int l = 0; l < LayerCount; l++)
            for (int j = 0; j < LayerSizes[l]; j++) into[offset++] += weight * state[l][j];
    }

    /// <summary>Adds <paramref name="step"/> (layout of <see cref="AccumulateStatistics"/>) to the parameters.</summary>
    public void AddToParameters(ReadOnlySpan<double> step)
    {
        int offset = 0;
        foreach (var w in Weights)
        {
            VectorKernels.AddScaled(w, step.Slice(offset, w.Length), 1);
            offset += w.Length;
        }
        foreach (var b in Biases)
            for (int k = 0; k < b.Length; k++) b[k] += step[offset++];
    }
}
