namespace Mpc.Boltzmann;

/// <summary>
/// Trains one RBM, DBN or DBM on the rows of all parties. Every party runs this on its own rows
/// with the same settings; the data term of each gradient (sum over a batch of per-record
/// statistics) is pooled by the <see cref="IStatisticsPool"/>, and the model term comes from
/// persistent chains on the public model (same public seed at every party, so no data and no
/// communication). All parties therefore hold the same model after every step.
/// </summary>
/// <remarks>
/// Batches: without DP, each epoch every party shuffles its rows (public seed) and cuts them into
/// the same number of chunks, round(N / batch size); step k pools chunk k of every party. With DP,
/// each step is a Poisson subsample at rate q = batch size / N (N the noised row count), each record
/// carries its whole gradient (data term minus the public model term) for clipping, and the sum is
/// divided by q N, as DP-SGD does.
/// </remarks>
public static partial class PooledTraining
{
    /// <summary>
    /// Trains on this party's <paramref name="rows"/>. With <paramref name="monitoringRows"/> (this party's rows split off, as
    /// DataSHIELD's ds.splitdata with monitoringdata; every party passes them or none does) each monitored epoch also pools the
    /// metrics over them, as records of dataset "monitoring"; not with DP, whose budget covers the training releases only.
    /// </summary>
    public static async Task<TrainedModel> TrainAsync(ModelKind kind, IReadOnlyList<double[]> rows, VisibleKind visibleKind, IReadOnlyList<int>? categories,
        IReadOnlyList<LayerSettings> layers, TrainingSettings settings, IStatisticsPool pool, IReadOnlyList<double[]>? monitoringRows = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(pool);
        if (layers.Count == 0) throw new ArgumentException("Give at least one layer.", nameof(layers));
        if (kind == ModelKind.Rbm && layers.Count != 1) throw new ArgumentException($"An RBM has one layer of hidden units; {layers.Count} were given.", nameof(layers));
        if (rows.Count == 0) throw new ArgumentException("This party has no rows.", nameof(rows));
        int visible = rows[0].Length;
        for (int i = 0; i < rows.Count; i++)
            if (rows[i].Length != visible) throw new ArgumentException($"Row {i + 1} has {rows[i].Length} values where the first has {visible}.", nameof(rows));
        for (int l = 0; l < layers.Count; l++)
        {
            layers[l].Check($"Layer {l + 1}");
            layers[l].Partitions?.Check(l == 0 ? visible : layers[l - 1].Hidden, layers[l].Hidden, $"Layer {l + 1}");
        }
        if (!(settings.LearningRateDecay is > 0 and <= 1)) throw new ArgumentException($"The learning rate decay is the last epoch's rate as a fraction of the first, in (0, 1]; {settings.LearningRateDecay} was given.", nameof(settings));
        if (monitoringRows is not null && (pool.IsPrivate || monitoringRows.Any(r => r.Length != visible)))
            throw new ArgumentException($"Monitoring rows need {visible} values each, and training without DP: a DP run's budget covers its training releases only.", nameof(monitoringRows));
        if (settings.IsPrivate && layers.Any(l => !l.Persistent)) throw new ArgumentException("DP training uses persistent chains (PCD): the model term of CD-k starts from the data and would need its own noise.", nameof(layers));
        return await TrainCoreAsync(kind, rows, visibleKind, categories, layers, settings, pool, monitoringRows).ConfigureAwait(false);
    }

    private static async Task<TrainedModel> TrainCoreAsync(ModelKind kind, IReadOnlyList<double[]> rows, VisibleKind visibleKind, IReadOnlyList<int>? categories,
        IReadOnlyList<LayerSettings> layers, TrainingSettings settings, IStatisticsPool pool, IReadOnlyList<double[]>? monitoringRows)
    {
        double total = await pool.TotalRowsAsync(rows.Count).ConfigureAwait(false);
        var sizes = new List<int> { rows[0].Length };
        sizes.AddRange(layers.Select(l => l.Hidden));
        pool.Plan(Plan(kind, sizes, layers, settings, total, pool.IsPrivate));

        var monitoring = new List<MonitoringRecord>();
        var publicRandom = new Random(settings.Seed);
        var trained = new List<Rbm>();
        IReadOnlyList<double[]> data = rows;
        IReadOnlyList<double[]>? held = monitoringRows;
        for (int l = 0; l < layers.Count; l++)
        {
            var rbm = Rbm.CreateRandom(sizes[l], sizes[l + 1], publicRandom, l == 0 ? visibleKind : VisibleKind.Bernoulli, l == 0 ? categories : null);
            rbm.Partitioning = layers[l].Partitions;
            // DBM pre-training doubles the input a layer gets from a side it will have two of (Salakhutdinov and Hinton 2009).
            double up = kind == ModelKind.Dbm && l < layers.Count - 1 ? 2 : 1, down = kind == ModelKind.Dbm && l > 0 ? 2 : 1;
            if (!pool.IsPrivate) await InitialiseVisibleBiasAsync(rbm, data, pool, $"layer {l + 1} visible means", down).ConfigureAwait(false);
            await TrainRbmAsync(rbm, data, held, layers[l], settings, pool, total, $"layer {l + 1}", up, down, monitoring, publicRandom).ConfigureAwait(false);
            trained.Add(rbm);
            if (l < layers.Count - 1)
            {
                data = Propagate(rbm, data, up);
                if (held is not null) held = Propagate(rbm, held, up);
            }
        }
        Dbm? dbm = null;
        if (kind == ModelKind.Dbm)
        {
            dbm = Dbm.FromPretrained(trained);
            await FineTuneAsync(dbm, rows, monitoringRows, layers, settings, pool, total, monitoring, publicRandom).ConfigureAwait(false);
        }
        return new TrainedModel(kind, trained, dbm, monitoring, total);
    }

    // Visible biases from the pooled means (BoltzmannMachines.jl's initvisiblebias): the weights then learn the interactions
    // from the first step, where from zero biases a few hundred steps go to the marginals before any structure shows.
    // Not with DP: the means would be one more release to account for; the noised gradient learns them instead.
    private static async Task InitialiseVisibleBiasAsync(Rbm rbm, IReadOnlyList<double[]> data, IStatisticsPool pool, string release, double down)
    {
        int visible = rbm.Visible;
        var sum = await pool.SumAsync(release, data.Select(v => (double[])[.. v, 1]).ToList(), visible + 1, RecordBound(rbm.Kind)).ConfigureAwait(false);
        if (sum[visible] < 1) return;
        for (int i = 0; i < visible; i++)
        {
            double mean = sum[i] / sum[visible];
            // A unit never (or always) on in the data gets a large finite bias, not an infinite one.
            double p = Math.Clamp(mean, 1e-3, 1 - 1e-3);
            rbm.VisibleBias[i] = rbm.Kind switch
            {
                VisibleKind.Gaussian => mean,
                // Softmax is unchanged by a constant per group, so log p gives each group its marginal.
                VisibleKind.Categorical => Math.Log(p),
                _ => Math.Log(p / (1 - p)) / down,
            };
        }
    }

    // What bounds every statistic of a record (v h', v, h, their CD-k differences, the count 1): binomial visibles reach 2,
    // Gaussian ones are not bounded; a layer above the first sees probabilities (Bernoulli).
    internal static double RecordBound(VisibleKind kind) => kind switch
    {
        VisibleKind.Gaussian => double.PositiveInfinity,
        VisibleKind.Binomial => 2,
        _ => 1,
    };

    // The next layer's input: each row's hidden probabilities.
    private static List<double[]> Propagate(Rbm rbm, IReadOnlyList<double[]> rows, double up) =>
        rows.Select(v => { var p = new double[rbm.Hidden]; rbm.HiddenProbabilities(v, p, up); return p; }).ToList();

    /// <summary>Every release a run makes, in order of groups; the same schedule the training loops follow.</summary>
    internal static List<StatisticsRelease> Plan(ModelKind kind, IReadOnlyList<int> sizes, IReadOnlyList<LayerSettings> layers, TrainingSettings settings, double total, bool isPrivate)
    {
        int extra = isPrivate ? 0 : 1;
        var plan = new List<StatisticsRelease>();
        for (int l = 0; l < layers.Count; l++)
        {
            var s = layers[l];
            int parameters = sizes[l] * sizes[l + 1] + sizes[l] + sizes[l + 1];
            double q = SamplingRate(total, s.BatchSize);
            plan.Add(new($"layer {l + 1}", s.Epochs * StepsPerEpoch(total, s.BatchSize), parameters + extra, settings.ClipNorm, q));
            plan.Add(new($"layer {l + 1} monitoring", MonitoredEpochs(s.Epochs, settings.MonitorEvery), MonitoringDimension(isPrivate), sizes[l], q));
        }
        if (kind == ModelKind.Dbm)
        {
            int parameters = Enumerable.Range(1, sizes.Count - 1).Sum(l => sizes[l - 1] * sizes[l]) + sizes.Sum();
            double q = SamplingRate(total, settings.FineTuningBatchSize);
            plan.Add(new("dbm", settings.FineTuningEpochs * StepsPerEpoch(total, settings.FineTuningBatchSize), parameters + extra, settings.ClipNorm, q));
            plan.Add(new("dbm monitoring", MonitoredEpochs(settings.FineTuningEpochs, settings.MonitorEvery), MonitoringDimension(isPrivate), sizes[0], q));
        }
        return plan;
    }

    // Hyperbolic decay to `fraction` of the first rate at the last epoch: damps the PCD chains' mode hopping late in training.
    internal static double Decay(int epoch, int epochs, double fraction) =>
        epochs <= 1 ? 1 : 1 / (1 + (1 / fraction - 1) * (epoch - 1) / (epochs - 1));

    public static int StepsPerEpoch(double total, int batchSize) => Math.Max(1, (int)Math.Round(total / batchSize));

    public static double SamplingRate(double total, int batchSize) => Math.Min(1, batchSize / total);

    internal static int MonitoredEpochs(int epochs, int every) => every <= 0 ? 0 : Enumerable.Range(1, epochs).Count(e => IsMonitored(e, epochs, every));

    private static bool IsMonitored(int epoch, int epochs, int every) => every > 0 && (epoch % every == 0 || epoch == epochs);

    // DP: the reconstruction error only (clipped at the visible count); without DP also the log-likelihood term and the row count.
    private static int MonitoringDimension(bool isPrivate) => isPrivate ? 1 : 3;

    // The rows of this step: chunk k of this epoch's public shuffle, or a Poisson subsample.
    private static List<int> Batch(IStatisticsPool pool, int rows, int[]? order, int step, int steps, double rate)
    {
        if (pool.IsPrivate)
        {
            var batch = new List<int>();
            for (int i = 0; i < rows; i++)
                if (pool.SubsamplingRandom.NextDouble() < rate) batch.Add(i);
            return batch;
        }
        int start = (int)((long)rows * step / steps), end = (int)((long)rows * (step + 1) / steps);
        return order![start..end].ToList();
    }

    // The same at every party and in every run: HashCode.Combine would not do, as it is seeded per process.
    private static int[] Shuffle(int rows, int seed, int epoch)
    {
        var order = Enumerable.Range(0, rows).ToArray();
        new Random(unchecked(seed * 1_000_003 + epoch)).Shuffle(order);
        return order;
    }

    private static async Task TrainRbmAsync(Rbm rbm, IReadOnlyList<double[]> data, IReadOnlyList<double[]>? held, LayerSettings s, TrainingSettings settings, IStatisticsPool pool, double total,
        string name, double up, double down, List<MonitoringRecord> monitoring, Random publicRandom)
    {
        int parameters = rbm.ParameterCount, steps = StepsPerEpoch(total, s.BatchSize);
        double rate = SamplingRate(total, s.BatchSize);
        var chains = Enumerable.Range(0, s.Chains).Select(_ => new double[rbm.Visible]).ToList();
        var zero = new double[rbm.Hidden];
        var means = new double[rbm.Visible];
        foreach (var chain in chains)
        {
            rbm.VisibleMeans(zero, means);
            rbm.SampleVisible(means, chain, publicRandom);
        }
        var step = new double[parameters];
        for (int epoch = 1; epoch <= s.Epochs; epoch++)
        {
            int number = settings.EpochsDone + epoch;
            var order = pool.IsPrivate ? null : Shuffle(data.Count, settings.Seed, number);
            for (int k = 0; k < steps; k++)
            {
                var model = s.Persistent ? ModelTerm(rbm, chains, s.GibbsSteps, up, down, publicRandom) : null;
                var batch = Batch(pool, data.Count, order, k, steps, rate);
                // CD's negative phase from a public seed per step (DP refuses CD): a continued run draws what one run would.
                var negative = s.Persistent ? null : new Random(unchecked((settings.Seed * 1_000_003 + number) * 65_537 + k));
                // DP-SGD clips each record's gradient (its data term minus the public model term): clipping the data term alone would shrink it against an unclipped model term.
                var records = batch.Select(i => RbmRecord(rbm, data[i], s, up, down, pool, pool.IsPrivate ? model : null, negative)).ToList();
                var sum = await pool.SumAsync(name, records, pool.IsPrivate ? parameters : parameters + 1, RecordBound(rbm.Kind)).ConfigureAwait(false);
                double denominator = pool.IsPrivate ? rate * total : Math.Max(1, sum[parameters]);
                double lr = s.LearningRate * Decay(epoch, s.Epochs, settings.LearningRateDecay);
                for (int p = 0; p < parameters; p++) step[p] = lr * sum[p] / denominator;
                if (model is not null && !pool.IsPrivate)
                    for (int p = 0; p < parameters; p++) step[p] -= lr * model[p];
                // A partitioned layer's weights between partitions stay zero (the step's W block comes first).
                rbm.Partitioning?.Mask(step);
                rbm.AddToParameters(step);
            }
            if (IsMonitored(epoch, s.Epochs, settings.MonitorEvery))
                await MonitorAsync(name, number, data, held, pool, total, rate, monitoring, v => rbm.ReconstructionError(v), v => rbm.LogUnnormalisedProbability(v),
                    () => LogPartition(rbm, settings, publicRandom), "log-likelihood").ConfigureAwait(false);
        }
    }

    // PCD's model term: Gibbs steps on the persistent chains, then the chains' mean statistics (public: no data).
    private static double[] ModelTerm(Rbm rbm, List<double[]> chains, int gibbsSteps, double up, double down, Random publicRandom)
    {
        var model = new double[rbm.ParameterCount];
        var hidden = new double[rbm.Hidden];
        var sample = new double[rbm.Hidden];
        var means = new double[rbm.Visible];
        foreach (var chain in chains)
        {
            for (int g = 0; g < gibbsSteps; g++)
            {
                rbm.HiddenProbabilities(chain, hidden, up);
                Rbm.SampleBernoulli(hidden, sample, publicRandom);
                rbm.VisibleMeans(sample, means, down);
                rbm.SampleVisible(means, chain, publicRandom);
            }
            rbm.HiddenProbabilities(chain, hidden, up);
            rbm.AccumulateStatistics(chain, hidden, model, 1.0 / chains.Count);
        }
        return model;
    }

    // One record's data term: (v, p(h | v)) statistics; with CD-k minus those of the reconstruction after k Gibbs steps; with DP minus the model term. Without DP a trailing 1 counts the record.
    private static double[] RbmRecord(Rbm rbm, double[] v, LayerSettings s, double up, double down, IStatisticsPool pool, double[]? modelTerm, Random? negativeRandom)
    {
        var record = new double[rbm.ParameterCount + (pool.IsPrivate ? 0 : 1)];
        var p = new double[rbm.Hidden];
        rbm.HiddenProbabilities(v, p, up);
        rbm.AccumulateStatistics(v, p, record);
        if (!s.Persistent)
        {
            var h = new double[rbm.Hidden];
            var means = new double[rbm.Visible];
            var negative = (double[])v.Clone();
            var random = negativeRandom ?? pool.SubsamplingRandom;
            Rbm.SampleBernoulli(p, h, random);
            for (int g = 0; g < s.GibbsSteps; g++)
            {
                rbm.VisibleMeans(h, means, down);
                rbm.SampleVisible(means, negative, random);
                rbm.HiddenProbabilities(negative, p, up);
                if (g < s.GibbsSteps - 1) Rbm.SampleBernoulli(p, h, random);
            }
            rbm.AccumulateStatistics(negative, p, record, -1);
        }
        if (modelTerm is not null)
            for (int k = 0; k < modelTerm.Length; k++) record[k] -= modelTerm[k];
        // A partitioned layer never uses its statistics between partitions: not pooled, so neither opened nor counted against the clip.
        rbm.Partitioning?.Mask(record);
        if (!pool.IsPrivate) record[^1] = 1;
        return record;
    }

    private static double LogPartition(Rbm rbm, TrainingSettings settings, Random publicRandom) =>
        rbm.Hidden <= 16 ? rbm.ExactLogPartition()
        : settings.AisRuns >= 2 ? AnnealedImportanceSampling.LogPartition(rbm, settings.AisRuns, settings.AisTemperatures, publicRandom).LogPartition : double.NaN;

    // Pooled monitoring: mean reconstruction error (DP: clipped at the visible count, noised); without DP also the mean log-likelihood term, minus log Z;
    // then the same over the monitoring rows when there are any (one more pooled sum; log Z is the model's, recorded once).
    private static async Task MonitorAsync(string part, int epoch, IReadOnlyList<double[]> data, IReadOnlyList<double[]>? held, IStatisticsPool pool, double total, double rate,
        List<MonitoringRecord> monitoring, Func<double[], double> reconstructionError, Func<double[], double> logTerm, Func<double> logPartition, string likelihoodName)
    {
        int visible = data[0].Length;
        List<double[]> records;
        if (pool.IsPrivate)
        {
            var batch = Batch(pool, data.Count, null, 0, 1, rate);
            records = batch.Select(i => new[] { Math.Min(visible, reconstructionError(data[i])) }).ToList();
        }
        else records = data.Select(v => new[] { reconstructionError(v), logTerm(v), 1 }).ToList();
        var sum = await pool.SumAsync(part + " monitoring", records, MonitoringDimension(pool.IsPrivate)).ConfigureAwait(false);
        double count = pool.IsPrivate ? rate * total : Math.Max(1, sum[2]);
        monitoring.Add(new(part, epoch, "reconstruction error", sum[0] / count));
        double logZ = logPartition();
        monitoring.Add(new(part, epoch, "log Z", logZ));
        if (!pool.IsPrivate && !double.IsNaN(logZ)) monitoring.Add(new(part, epoch, likelihoodName, sum[1] / count - logZ));
        if (held is null) return;
        var heldSum = await pool.SumAsync(part + " monitoring rows", held.Select(v => new[] { reconstructionError(v), logTerm(v), 1 }).ToList(), 3).ConfigureAwait(false);
        // No party has monitoring rows (all too few to split): nothing to record.
        if (heldSum[2] < 1) return;
        monitoring.Add(new(part, epoch, "reconstruction error", heldSum[0] / heldSum[2], MonitoringRecord.Monitoring));
        if (!double.IsNaN(logZ)) monitoring.Add(new(part, epoch, likelihoodName, heldSum[1] / heldSum[2] - logZ, MonitoringRecord.Monitoring));
    }
}
