namespace Mpc.Boltzmann;

public static partial class PooledTraining
{
    // Mean-field fine-tuning of the DBM (Salakhutdinov and Hinton 2009): data term from the mean-field posterior of each record, model term from persistent Gibbs chains.
    private static async Task FineTuneAsync(Dbm dbm, IReadOnlyList<double[]> rows, IReadOnlyList<double[]>? held, IReadOnlyList<LayerSettings> layers, TrainingSettings settings, IStatisticsPool pool,
        double total, List<MonitoringRecord> monitoring, Random publicRandom)
    {
        int parameters = dbm.ParameterCount, steps = StepsPerEpoch(total, settings.FineTuningBatchSize);
        double rate = SamplingRate(total, settings.FineTuningBatchSize);
        int chainCount = layers.Max(l => l.Chains);
        var chains = Enumerable.Range(0, chainCount).Select(_ => dbm.RandomState(publicRandom)).ToList();
        var step = new double[parameters];
        for (int epoch = 1; epoch <= settings.FineTuningEpochs; epoch++)
        {
            int number = settings.EpochsDone + epoch;
            var order = pool.IsPrivate ? null : Shuffle(rows.Count, settings.Seed, 1000 + number);
            for (int k = 0; k < steps; k++)
            {
                var model = new double[parameters];
                foreach (var chain in chains)
                {
                    dbm.GibbsSweep(chain, publicRandom);
                    dbm.AccumulateStatistics(chain, model, 1.0 / chains.Count);
                }
                var batch = Batch(pool, rows.Count, order, k, steps, rate);
                // With DP each record carries its whole gradient (mean-field minus the public model term), clipped as DP-SGD does.
                var records = batch.Select(i =>
                {
                    var record = new double[parameters + (pool.IsPrivate ? 0 : 1)];
                    dbm.AccumulateStatistics(dbm.MeanField(rows[i], settings.MeanFieldIterations), record);
                    if (pool.IsPrivate)
                        for (int p = 0; p < parameters; p++) record[p] -= model[p];
                    else record[^1] = 1;
                    dbm.MaskPartitions(record);
                    return record;
                }).ToList();
                var sum = await pool.SumAsync("dbm", records, pool.IsPrivate ? parameters : parameters + 1, RecordBound(dbm.Visible)).ConfigureAwait(false);
                double denominator = pool.IsPrivate ? rate * total : Math.Max(1, sum[parameters]);
                double lr = settings.FineTuningLearningRate * Decay(epoch, settings.FineTuningEpochs, settings.LearningRateDecay);
                for (int p = 0; p < parameters; p++) step[p] = lr * (sum[p] / denominator - (pool.IsPrivate ? 0 : model[p]));
                dbm.AddToParameters(step);
                dbm.MaskPartitions();
            }
            if (IsMonitored(epoch, settings.FineTuningEpochs, settings.MonitorEvery))
                await MonitorAsync("dbm", number, rows, held, pool, total, rate, monitoring, v => ReconstructionError(dbm, v, settings.MeanFieldIterations),
                    v => dbm.LowerBoundTerm(v, settings.MeanFieldIterations), () => LogPartition(dbm, settings, publicRandom), "log-likelihood lower bound").ConfigureAwait(false);
        }
    }

    // sum_i |v_i - p(v_i = 1 | mu_1)| with mu the mean-field posterior.
    private static double ReconstructionError(Dbm dbm, double[] v, int iterations)
    {
        var state = dbm.MeanField(v, iterations);
        var input = new double[v.Length];
        Array.Clear(state[0]);
        dbm.LayerInput(state, 0, input);
        dbm.VisibleMeans(input);
        double error = 0;
        for (int i = 0; i < v.Length; i++) error += Math.Abs(v[i] - input[i]);
        return error;
    }

    private static double LogPartition(Dbm dbm, TrainingSettings settings, Random publicRandom) =>
        dbm.ExactStateCount <= 1 << 20 ? dbm.ExactLogPartition()
        : settings.AisRuns >= 2 ? AnnealedImportanceSampling.LogPartition(dbm, settings.AisRuns, settings.AisTemperatures, publicRandom).LogPartition : double.NaN;
}
