namespace Mpc.Boltzmann;

/// <summary>
/// A restricted Boltzmann machine: visible units v (Bernoulli, unit-variance Gaussian or one-hot
/// categorical groups), Bernoulli hidden units h, energy E(v, h) = -a'v - b'h - v'Wh (Gaussian
/// visibles: + |v - a|^2 / 2 in place of -a'v). Weights are row-major, W[i * Hidden + j].
/// </summary>
public sealed partial class Rbm
{
    public Rbm(int visible, int hidden, VisibleKind kind = VisibleKind.Bernoulli, IReadOnlyList<int>? categories = null)
    {
        if (visible < 1 || hidden < 1) throw new ArgumentOutOfRangeException(nameof(visible), "An RBM needs at least one visible and one hidden unit.");
        if (kind == VisibleKind.Categorical)
        {
            if (categories is null || categories.Any(c => c < 2) || categories.Sum() != visible)
                throw new ArgumentException($"Categorical visibles need group sizes (each at least 2) that add up to the {visible} visible units.", nameof(categories));
        }
        Visible = visible;
        Hidden = hidden;
        Kind = kind;
        Categories = kind == VisibleKind.Categorical ? [.. categories!] : [];
        Weights = new double[visible * hidden];
        VisibleBias = new double[visible];
        HiddenBias = new double[hidden];
    }

    public int Visible { get; }

    public int Hidden { get; }

    public VisibleKind Kind { get; }

    /// <summary>Sizes of the one-hot groups of a categorical RBM, in visible order (empty otherwise).</summary>
    public int[] Categories { get; }

    public double[] Weights { get; }

    public double[] VisibleBias { get; }

    public double[] HiddenBias { get; }

    /// <summary>Parameters in the order of gradients and statistics: W (row-major), a, b.</summary>
    public int ParameterCount => Visible * Hidden + Visible + Hidden;

    /// <summary>Small random weights (N(0, 0.01^2), as BoltzmannMachines.jl) and zero biases; pooled training without DP then sets the visible biases from the pooled means.</summary>
    public static Rbm CreateRandom(int visible, int hidden, Random random, VisibleKind kind = VisibleKind.Bernoulli, IReadOnlyList<int>? categories = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        var rbm = new Rbm(visible, hidden, kind, categories);
        for (int k = 0; k < rbm.Weights.Length; k++) rbm.Weights[k] = 0.01 * Activation.Gaussian(random);
        return rbm;
    }

    public Rbm Clone()
    {
        var copy = new Rbm(Visible, Hidden, Kind, Kind == VisibleKind.Categorical ? Categories : null);
        Weights.CopyTo(copy.Weights, 0);
        VisibleBias.CopyTo(copy.VisibleBias, 0);
        HiddenBias.CopyTo(copy.HiddenBias, 0);
        copy.Partitioning = Partitioning;
        return copy;
    }

    /// <summary>p(h_j = 1 | v) = sigmoid(factor (b_j + sum_i v_i W_ij)); factor 2 is the doubled input of DBM pre-training.</summary>
    public void HiddenProbabilities(ReadOnlySpan<double> v, Span<double> p, double factor = 1)
    {
        for (int j = 0; j < Hidden; j++) p[j] = HiddenBias[j];
        for (int i = 0; i < Visible; i++)
        {
            double vi = v[i];
            if (vi == 0) continue;
            VectorKernels.AddScaled(p[..Hidden], Weights.AsSpan(i * Hidden, Hidden), vi);
        }
        for (int j = 0; j < Hidden; j++) p[j] = Activation.Sigmoid(factor * p[j]);
    }

    /// <summary>E[v | h]: sigmoid, identity or group softmax of factor (a + W h).</summary>
    public void VisibleMeans(ReadOnlySpan<double> h, Span<double> means, double factor = 1)
    {
        for (int i = 0; i < Visible; i++)
        {
            means[i] = factor * (VisibleBias[i] + VectorKernels.Dot(Weights.AsSpan(i * Hidden, Hidden), h[..Hidden]));
        }
        switch (Kind)
        {
            case VisibleKind.Bernoulli:
                for (int i = 0; i < Visible; i++) means[i] = Activation.Sigmoid(means[i]);
                break;
            case VisibleKind.Categorical:
                GroupSoftmax(means, Categories);
                break;
            case VisibleKind.Binomial:
                for (int i = 0; i < Visible; i++) means[i] = 2 * Activation.Sigmoid(means[i]);
                break;
        }
    }

    /// <summary>Draws v given its conditional means (Bernoulli, Gaussian with unit variance, or one category per group).</summary>
    public void SampleVisible(ReadOnlySpan<double> means, Span<double> v, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        switch (Kind)
        {
            case VisibleKind.Bernoulli:
                for (int i = 0; i < Visible; i++) v[i] = random.NextDouble() < means[i] ? 1 : 0;
                break;
            case VisibleKind.Gaussian:
                for (int i = 0; i < Visible; i++) v[i] = means[i] + Activation.Gaussian(random);
                break;
            case VisibleKind.Binomial:
                SampleBinomial(means, v, random);
                break;
            default:
                SampleGroups(means, v, Categories, random);
                break;
        }
    }

    // Softmax within each one-hot group, in place.
    internal static void GroupSoftmax(Span<double> x, ReadOnlySpan<int> groups)
    {
        int start = 0;
        foreach (int size in groups)
        {
            var group = x.Slice(start, size);
            double normaliser = Activation.LogSumExp(group);
            for (int c = 0; c < size; c++) group[c] = Math.Exp(group[c] - normaliser);
            start += size;
        }
    }

    // One category per group from the group's probabilities, written one-hot.
    internal static void SampleGroups(ReadOnlySpan<double> probabilities, Span<double> v, ReadOnlySpan<int> groups, Random random)
    {
        int start = 0;
        foreach (int size in groups)
        {
            double u = random.NextDouble(), cumulative = 0;
            int chosen = size - 1;
            for (int c = 0; c < size; c++)
            {
                cumulative += probabilities[start + c];
                if (u < cumulative) { chosen = c; break; }
            }
            for (int c = 0; c < size; c++) v[start + c] = c == chosen ? 1 : 0;
            start += size;
        }
    }

    internal static void SampleBernoulli(ReadOnlySpan<double> p, Span<double> h, Random random)
    {
        for (int j = 0; j < p.Length; j++) h[j] = random.NextDouble() < p[j] ? 1 : 0;
    }

    /// <summary>The unnormalised log marginal log p*(v) = -F(v): a'v (or -|v - a|^2 / 2) + sum_j softplus(b_j + W_j'v).</summary>
    public double LogUnnormalisedProbability(ReadOnlySpan<double> v) => LogUnnormalised(v, 1);

    // log p*_beta(v) of the tempered model with weights and hidden biases scaled by beta (beta = 0: hidden units uniform).
    internal double LogUnnormalised(ReadOnlySpan<double> v, double beta)
    {
        double value = 0;
        for (int i = 0; i < Visible; i++)
            value += Kind == VisibleKind.Gaussian ? -0.5 * (v[i] - VisibleBias[i]) * (v[i] - VisibleBias[i]) : VisibleBias[i] * v[i] + BinomialMultiplicity(Kind, v[i]);
        Span<double> input = Hidden <= 512 ? stackalloc double[Hidden] : new double[Hidden];
        for (int j = 0; j < Hidden; j++) input[j] = HiddenBias[j];
        for (int i = 0; i < Visible; i++)
        {
            if (v[i] == 0) continue;
            VectorKernels.AddScaled(input, Weights.AsSpan(i * Hidden, Hidden), v[i]);
        }
        for (int j = 0; j < Hidden; j++) value += Activation.Softplus(beta * input[j]);
        return value;
    }

    /// <summary>log of the visible normaliser sum_v exp(a'v + v'x) for a given input x = W h (Gaussian: the integral).</summary>
    internal double LogVisibleNormaliser(ReadOnlySpan<double> weightedHidden)
    {
        double value = 0;
        switch (Kind)
        {
            case VisibleKind.Bernoulli:
                for (int i = 0; i < Visible; i++) value += Activation.Softplus(VisibleBias[i] + weightedHidden[i]);
                break;
            case VisibleKind.Gaussian:
                // Integral of exp(-|v - a|^2 / 2 + v'x) = (2 pi)^(n/2) exp(a'x + |x|^2 / 2).
                for (int i = 0; i < Visible; i++) value += 0.5 * Math.Log(2 * Math.PI) + VisibleBias[i] * weightedHidden[i] + 0.5 * weightedHidden[i] * weightedHidden[i];
                break;
            case VisibleKind.Binomial:
                // sum over v in {0, 1, 2} of C(2, v) exp(v t) = (1 + e^t)^2.
                for (int i = 0; i < Visible; i++) value += 2 * Activation.Softplus(VisibleBias[i] + weightedHidden[i]);
                break;
            default:
                int start = 0;
                Span<double> group = stackalloc double[Categories.Length == 0 ? 1 : Categories.Max()];
                foreach (int size in Categories)
                {
                    for (int c = 0; c < size; c++) group[c] = VisibleBias[start + c] + weightedHidden[start + c];
                    value += Activation.LogSumExp(group[..size]);
                    start += size;
                }
                break;
        }
        return value;
    }

    /// <summary>Exact log Z by enumerating the hidden states (the visibles are summed or integrated out analytically); up to 24 hidden units.</summary>
    public double ExactLogPartition()
    {
        if (Hidden > 24) throw new InvalidOperationException($"Exact log Z enumerates 2^{Hidden} hidden states; use annealed importance sampling above 24 hidden units.");
        var h = new double[Hidden];
        var x = new double[Visible];
        double logZ = double.NegativeInfinity;
        for (long state = 0; state < 1L << Hidden; state++)
        {
            double term = 0;
            for (int j = 0; j < Hidden; j++)
            {
                h[j] = (state >> j) & 1;
                term += HiddenBias[j] * h[j];
            }
            for (int i = 0; i < Visible; i++)
            {
                var row = Weights.AsSpan(i * Hidden, Hidden);
                double s = 0;
                for (int j = 0; j < Hidden; j++) s += row[j] * h[j];
                x[i] = s;
            }
            logZ = Activation.LogAdd(logZ, term + LogVisibleNormaliser(x));
        }
        return logZ;
    }

    /// <summary>Mean log-likelihood of the rows given log Z (exact or estimated).</summary>
    public double LogLikelihood(IReadOnlyList<double[]> rows, double logPartition)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Average(r => LogUnnormalisedProbability(r)) - logPartition;
    }

    /// <summary>Per-row reconstruction error: sum_i |v_i - E[v_i | h = p(h | v)]| (as BoltzmannMachines.jl's monitoring).</summary>
    public double ReconstructionError(ReadOnlySpan<double> v)
    {
        Span<double> p = Hidden <= 512 ? stackalloc double[Hidden] : new double[Hidden];
        Span<double> means = Visible <= 512 ? stackalloc double[Visible] : new double[Visible];
        HiddenProbabilities(v, p);
        VisibleMeans(p, means);
        double error = 0;
        for (int i = 0; i < Visible; i++) error += Math.Abs(v[i] - means[i]);
        return error;
    }

    /// <summary>Adds one record's sufficient statistics (v h', v, h) into <paramref name="into"/> (layout W, a, b), scaled by <paramref name="weight"/>.</summary>
    public void AccumulateStatistics(ReadOnlySpan<double> v, ReadOnlySpan<double> h, Span<double> into, double weight = 1)
    {
        for (int i = 0; i < Visible; i++)
        {
            double vi = v[i] * weight;
            into[Visible * Hidden + i] += vi;
            if (vi == 0) continue;
            VectorKernels.AddScaled(into.Slice(i * Hidden, Hidden), h[..Hidden], vi);
        }
        for (int j = 0; j < Hidden; j++) into[Visible * Hidden + Visible + j] += weight * h[j];
    }

    /// <summary>Adds <paramref name="step"/> (layout W, a, b) to the parameters.</summary>
    public void AddToParameters(ReadOnlySpan<double> step)
    {
        int w = Visible * Hidden;
        VectorKernels.AddScaled(Weights, step[..w], 1);
        for (int i = 0; i < Visible; i++) VisibleBias[i] += step[w + i];
        for (int j = 0; j < Hidden; j++) HiddenBias[j] += step[w + Visible + j];
    }
}
