namespace Mpc.Boltzmann;

/// <summary>
/// Annealed importance sampling of log Z (Neal 2001; for RBMs and DBMs as Salakhutdinov and Murray
/// 2008). The path tempers the weights and hidden biases by beta from 0 (hidden units independent
/// and uniform, visibles from their biases: log Z_0 in closed form) to 1; the transitions are
/// Gibbs sweeps at each beta. It needs only the model, never data.
/// </summary>
public static class AnnealedImportanceSampling
{
    /// <summary>log Z of an RBM: the log of the mean importance weight over <paramref name="runs"/> runs, and the standard error of that log (delta method).</summary>
    public static (double LogPartition, double StandardError) LogPartition(Rbm rbm, int runs, int temperatures, Random random)
    {
        ArgumentNullException.ThrowIfNull(rbm);
        ArgumentNullException.ThrowIfNull(random);
        CheckSettings(runs, temperatures);
        // The beta = 0 model has no weights: visibles see no hidden input, so both zeros are sized to their own layer.
        var noInput = new double[rbm.Visible];
        var noHidden = new double[rbm.Hidden];
        double logZ0 = rbm.LogVisibleNormaliser(noInput) + rbm.Hidden * Math.Log(2);
        var logWeights = new double[runs];
        var v = new double[rbm.Visible];
        var means = new double[rbm.Visible];
        var p = new double[rbm.Hidden];
        var h = new double[rbm.Hidden];
        for (int run = 0; run < runs; run++)
        {
            // Exact draw from the beta = 0 model.
            rbm.VisibleMeans(noHidden, means);
            rbm.SampleVisible(means, v, random);
            double logWeight = 0;
            for (int k = 1; k <= temperatures; k++)
            {
                double previous = (k - 1.0) / temperatures, beta = (double)k / temperatures;
                logWeight += rbm.LogUnnormalised(v, beta) - rbm.LogUnnormalised(v, previous);
                if (k == temperatures) break;
                // Gibbs at beta: h | v then v | h in the tempered model.
                rbm.HiddenProbabilities(v, p, beta);
                Rbm.SampleBernoulli(p, h, random);
                for (int j = 0; j < rbm.Hidden; j++) h[j] *= beta;
                rbm.VisibleMeans(h, means);
                rbm.SampleVisible(means, v, random);
            }
            logWeights[run] = logWeight;
        }
        return Summarise(logZ0, logWeights);
    }

    /// <summary>log Z of a DBM, annealing the even layers with the odd layers summed out; mean and standard error as for an RBM.</summary>
    public static (double LogPartition, double StandardError) LogPartition(Dbm dbm, int runs, int temperatures, Random random)
    {
        ArgumentNullException.ThrowIfNull(dbm);
        ArgumentNullException.ThrowIfNull(random);
        CheckSettings(runs, temperatures);
        double logZ0 = dbm.LogVisibleBiasNormaliser() + dbm.LayerSizes.Skip(1).Sum() * Math.Log(2);
        var logWeights = new double[runs];
        var means = new double[dbm.LayerSizes[0]];
        for (int run = 0; run < runs; run++)
        {
            var state = dbm.NewState();
            dbm.Biases[0].CopyTo(means, 0);
            dbm.SampleVisible(means, state[0], random);
            for (int l = 2; l < dbm.LayerCount; l += 2)
                for (int j = 0; j < dbm.LayerSizes[l]; j++) state[l][j] = random.Next(2);
            double logWeight = 0;
            for (int k = 1; k <= temperatures; k++)
            {
                double previous = (k - 1.0) / temperatures, beta = (double)k / temperatures;
                logWeight += dbm.LogUnnormalisedEven(state, beta) - dbm.LogUnnormalisedEven(state, previous);
                if (k < temperatures) dbm.GibbsSweep(state, random, beta);
            }
            logWeights[run] = logWeight;
        }
        return Summarise(logZ0, logWeights);
    }

    /// <summary>
    /// Per-row log-likelihood log p(v) = log p*(v) - log Z of a DBM (BoltzmannMachines.jl's loglikelihood per sample): log p*(v)
    /// by AIS on the hidden layers conditioned on v (exact in closed form for one hidden layer), minus the given log Z.
    /// Returns each row's estimate and the standard error of its log p*(v) (delta method).
    /// </summary>
    public static (double[] LogLikelihoods, double[] StandardErrors) LogLikelihoods(Dbm dbm, IReadOnlyList<double[]> rows, double logPartition, int runs, int temperatures, Random random)
    {
        ArgumentNullException.ThrowIfNull(dbm);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(random);
        CheckSettings(runs, temperatures);
        if (rows.Any(r => r.Length != dbm.LayerSizes[0])) throw new ArgumentException($"Every row needs {dbm.LayerSizes[0]} values, one per visible unit.", nameof(rows));
        var estimates = new double[rows.Count];
        var errors = new double[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            double own = dbm.VisibleBiasTerm(rows[r]);
            var conditioned = dbm.ConditionedOnVisible(rows[r]);
            if (dbm.LayerCount == 2)
            {
                // One hidden layer: its units are independent given v, so log p*(v) is a sum of softplus terms.
                estimates[r] = own + conditioned.LogVisibleBiasNormaliser() - logPartition;
                continue;
            }
            var (logZv, error) = LogPartition(conditioned, runs, temperatures, random);
            estimates[r] = own + logZv - logPartition;
            errors[r] = error;
        }
        return (estimates, errors);
    }

    private static void CheckSettings(int runs, int temperatures)
    {
        if (runs < 2 || temperatures < 2) throw new ArgumentOutOfRangeException(nameof(runs), "AIS needs at least 2 runs and 2 temperatures.");
    }

    private static (double, double) Summarise(double logZ0, double[] logWeights)
    {
        double max = logWeights.Max();
        var scaled = logWeights.Select(w => Math.Exp(w - max)).ToArray();
        double mean = scaled.Average();
        double sd = Math.Sqrt(scaled.Sum(s => (s - mean) * (s - mean)) / (scaled.Length - 1));
        return (logZ0 + max + Math.Log(mean), sd / Math.Sqrt(scaled.Length) / mean);
    }
}
