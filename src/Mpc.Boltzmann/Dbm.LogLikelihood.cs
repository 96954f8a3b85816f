namespace Mpc.Boltzmann;

public sealed partial class Dbm
{
    /// <summary>
    /// Exact log p*(v) = log sum_h exp(-E(v, h)): the even hidden layers enumerated (at most 2^24 states), the odd layers
    /// summed out (BoltzmannMachines.jl's unnormalizedlogprob via exactloglikelihood).
    /// </summary>
    public double ExactLogUnnormalisedProbability(ReadOnlySpan<double> v)
    {
        if (v.Length != LayerSizes[0]) throw new ArgumentException($"A row has {v.Length} values where the DBM has {LayerSizes[0]} visible units.", nameof(v));
        int bits = Enumerable.Range(0, LayerCount).Where(l => l % 2 == 0 && l > 0).Sum(l => LayerSizes[l]);
        if (bits > 24) throw new InvalidOperationException($"Exact log p*(v) enumerates 2^{bits} states of the even hidden layers; use LogUnnormalisedProbabilities (AIS).");
        return ExactLogUnnormalisedCore(v, bits);
    }

    private double ExactLogUnnormalisedCore(ReadOnlySpan<double> v, int bits)
    {
        var state = NewState();
        v.CopyTo(state[0]);
        double value = double.NegativeInfinity;
        for (long s = 0; s < 1L << bits; s++)
        {
            int bit = 0;
            for (int l = 2; l < LayerCount; l += 2)
                for (int j = 0; j < LayerSizes[l]; j++) state[l][j] = (s >> bit++) & 1;
            value = Activation.LogAdd(value, LogUnnormalisedEven(state));
        }
        return value;
    }

    /// <summary>Exact mean log-likelihood of the rows, log p*(v) - log Z by enumeration (BoltzmannMachines.jl's exactloglikelihood); small models only.</summary>
    public double ExactLogLikelihood(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("Give at least one row.", nameof(rows));
        double logZ = ExactLogPartition();
        return rows.Average(r => ExactLogUnnormalisedProbability(r)) - logZ;
    }

    /// <summary>
    /// The hidden layers of this DBM given the visible row v: a DBM whose visible layer is hidden layer 1 with biases
    /// b_1 + W_1'v (Bernoulli), so that log p*(v) = the visibles' own term + log Z of this model.
    /// </summary>
    internal Dbm ConditionedOnVisible(ReadOnlySpan<double> v)
    {
        // A DBM needs two layers: with one hidden layer a unit top layer with no weights pads it (callers use only its visible normaliser).
        var conditioned = new Dbm(LayerCount > 2 ? LayerSizes[1..] : [LayerSizes[1], 1]);
        var state = NewState();
        v.CopyTo(state[0]);
        // Hidden layer 1's input from v alone: layer 2 left at zero.
        LayerInput(state, 1, conditioned.Biases[0]);
        for (int l = 1; l < Weights.Length; l++) Weights[l].CopyTo(conditioned.Weights[l - 1], 0);
        for (int l = 2; l < LayerCount; l++) Biases[l].CopyTo(conditioned.Biases[l - 1], 0);
        return conditioned;
    }

    /// <summary>
    /// States that <see cref="ExactLogPartition"/> enumerates (at most 2^24): those of the even layers, the visible layer
    /// included (each categorical group by its categories); with Gaussian visibles, those of the odd layers.
    /// </summary>
    public double ExactStateCount => Visible == VisibleKind.Gaussian
        ? Math.Pow(2, Enumerable.Range(0, LayerCount).Where(l => l % 2 == 1).Sum(l => LayerSizes[l]))
        : Enumerable.Range(0, LayerCount).Where(l => l % 2 == 0).Aggregate(1.0, (count, l) => count * (l == 0 && Categories.Length > 0 ? Categories.Aggregate(1.0, (c, k) => c * k) : Math.Pow(l == 0 && Visible == VisibleKind.Binomial ? 3 : 2, LayerSizes[l])));

    /// <summary>
    /// Exact log Z: enumerating the even layers (the visible layer included; each categorical group by its categories)
    /// with the odd layers summed out; with Gaussian visibles, enumerating the odd layers with the visibles integrated
    /// and the even hidden layers summed out.
    /// </summary>
    public double ExactLogPartition()
    {
        if (ExactStateCount > 1 << 24) throw new InvalidOperationException($"Exact log Z enumerates {ExactStateCount:G3} states; use annealed importance sampling.");
        if (Visible == VisibleKind.Gaussian) return ExactLogPartitionGaussian();
        // Mixed-radix digits: one per visible group (its category) or per even-layer unit (a bit; a binomial visible unit 0, 1 or 2).
        var digits = new List<(int Layer, int Start, int Radix)>();
        for (int l = 0; l < LayerCount; l += 2)
        {
            if (l == 0 && Categories.Length > 0)
            {
                int start = 0;
                foreach (int size in Categories) { digits.Add((0, start, size)); start += size; }
            }
            else
                for (int j = 0; j < LayerSizes[l]; j++) digits.Add((l, j, l == 0 && Visible == VisibleKind.Binomial ? 3 : 2));
        }
        var state = NewState();
        double logZ = double.NegativeInfinity;
        for (long s = 0, count = (long)ExactStateCount; s < count; s++)
        {
            long rest = s;
            foreach (var (layer, start, radix) in digits)
            {
                int digit = (int)(rest % radix);
                rest /= radix;
                if (!(layer == 0 && Categories.Length > 0)) state[layer][start] = digit;
                else
                    for (int c = 0; c < radix; c++) state[0][start + c] = c == digit ? 1 : 0;
            }
            logZ = Activation.LogAdd(logZ, LogUnnormalisedEven(state));
        }
        return logZ;
    }

    // Sum over the odd layers' states of exp(their bias terms) * integral over v of exp(-|v - b_0|^2 / 2 + v'x), x = W_1 h_1,
    // which is (2 pi)^(n/2) exp(b_0'x + |x|^2 / 2), times prod over even hidden units of (1 + exp(input)).
    private double ExactLogPartitionGaussian()
    {
        var odd = Enumerable.Range(0, LayerCount).Where(l => l % 2 == 1).ToArray();
        int bits = odd.Sum(l => LayerSizes[l]);
        var state = NewState();
        Span<double> input = stackalloc double[LayerSizes.Max()];
        double logZ = double.NegativeInfinity;
        for (long s = 0; s < 1L << bits; s++)
        {
            int bit = 0;
            foreach (int l in odd)
                for (int j = 0; j < LayerSizes[l]; j++) state[l][j] = (s >> bit++) & 1;
            double term = LogVisibleBiasNormaliser();
            foreach (int l in odd)
                for (int j = 0; j < LayerSizes[l]; j++) term += Biases[l][j] * state[l][j];
            // x_i = input to v_i without its bias.
            LayerInput(state, 0, input[..LayerSizes[0]]);
            for (int i = 0; i < LayerSizes[0]; i++)
            {
                double x = input[i] - Biases[0][i];
                term += Biases[0][i] * x + 0.5 * x * x;
            }
            for (int l = 2; l < LayerCount; l += 2)
            {
                LayerInput(state, l, input[..LayerSizes[l]]);
                for (int j = 0; j < LayerSizes[l]; j++) term += Activation.Softplus(input[j]);
            }
            logZ = Activation.LogAdd(logZ, term);
        }
        return logZ;
    }

    /// <summary>
    /// The variational lower bound on log p(v) without log Z: E_q[-E(v, h)] + H(q) for the
    /// mean-field q (subtract log Z for the bound on the log-likelihood).
    /// </summary>
    public double LowerBoundTerm(ReadOnlySpan<double> v, int meanFieldIterations = 10)
    {
        var q = MeanField(v, meanFieldIterations);
        double value = VisibleBiasTerm(q[0]);
        for (int l = 1; l < LayerCount; l++)
            for (int j = 0; j < LayerSizes[l]; j++)
            {
                value += Biases[l][j] * q[l][j];
                if (l > 0)
                {
                    double p = q[l][j];
                    if (p > 0 && p < 1) value -= p * Math.Log(p) + (1 - p) * Math.Log(1 - p);
                }
            }
        for (int l = 1; l < LayerCount; l++)
        {
            int n = LayerSizes[l];
            var w = Weights[l - 1];
            for (int i = 0; i < LayerSizes[l - 1]; i++)
            {
                double x = q[l - 1][i];
                if (x == 0) continue;
                double s = 0;
                for (int j = 0; j < n; j++) s += w[i * n + j] * q[l][j];
                value += x * s;
            }
        }
        return value;
    }
}
