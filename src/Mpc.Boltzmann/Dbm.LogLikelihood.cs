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
}
