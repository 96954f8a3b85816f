using Mpc.Boltzmann;
using Mpc.Core;
using Mpc.Federation.Protocols;
using Mpc.Runtime.Protocols;

namespace Mpc.Scripting;

/// <summary>
/// Boltzmann machines for scripts: one model trained on the rows of all parties (see
/// <see cref="PooledTraining"/>), with pooled sums either noised with distributed Skellam
/// (reveal = dp-intermediates, the default) or exact and opened to every party at every step
/// (reveal = exact-intermediates, where the parties' policies allow exact intermediates).
/// </summary>
public sealed partial class BoltzmannApi
{
    private readonly ScriptSession _session;
    private readonly ProtocolContext _context;

    internal BoltzmannApi(ScriptSession session, ProtocolContext context)
    {
        _session = session;
        _context = context;
    }

    /// <summary>The DP mode (the script's default): every step's pooled sums carry distributed Skellam noise within the run's (epsilon, delta).</summary>
    public const string DpIntermediates = "dp-intermediates";

    /// <summary>The exact mode: every step's exact pooled sums are opened to every party (an ExactIntermediate output).</summary>
    public const string ExactIntermediates = "exact-intermediates";

    /// <summary>Metric codes of <see cref="MonitoringSeries"/>.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["reconstruction error", "log Z", "log-likelihood", "log-likelihood lower bound"];

    /// <summary>
    /// Trains a model ("rbm", "dbn" or "dbm") on <paramref name="columns"/>; <paramref name="hidden"/>
    /// lists the hidden layer sizes ("25,15"). Bernoulli visibles must be 0/1, binomial ones 0/1/2; Gaussian visibles are
    /// standardised by the pooled means and SDs (see the other overload); categorical columns take their public <paramref name="levels"/> (see
    /// <see cref="VisibleEncoding"/>). A cell that does not fit stops the session naming file, row and column.
    /// </summary>
    /// <example>var fit = await mpc.Boltzmann.Train("rbm", mpc.List("columns"), "bernoulli", "25", 10, 0.4, 50, "dp-intermediates", new TrainingSettings { Epsilon = 5 });</example>
    public Task<BoltzmannFit> Train(string model, IReadOnlyList<string> columns, string visible, string hidden, int epochs, double learningRate, int batchSize,
        string reveal, TrainingSettings settings, string exactOutput = "pooled_sums", string privateOutput = "noised_sums", double holdout = 0, string levels = "",
        double monitoring = 0) =>
        Train(model, columns, visible, hidden, [epochs], [learningRate], [batchSize], reveal, settings, exactOutput, privateOutput, holdout, levels, monitoring, null);

    /// <summary>
    /// As the other overload, with per-layer settings as DataSHIELD's <c>ds.bm.defineLayer</c>: <paramref name="epochs"/>,
    /// <paramref name="learningRates"/> and <paramref name="batchSizes"/> each give one value for every layer or one per
    /// hidden layer, in the order of <paramref name="hidden"/>. <paramref name="monitoring"/> &gt; 0 splits that share of each party's
    /// training rows off for monitoring (DataSHIELD's ds.splitdata with monitoringdata; each party by the seed and its own index),
    /// whose pooled metrics <see cref="MonitoringSeries"/> gives for dataset "monitoring"; exact-intermediates only.
    /// <paramref name="start"/>, a model's parameters as its <c>model</c> output revealed them, continues training that model
    /// under dp-intermediates only (rbm: the layer's epochs more; dbm: fine-tuning only, as BoltzmannMachines.jl's fitdbm with startdbm), its epochs numbered
    /// after <see cref="TrainingSettings.EpochsDone"/>. <paramref name="partitions"/> ("x1-x6,x7-x12", a group optionally
    /// ":n" hidden units, the rest shared evenly; groups cover the columns in order) makes the first hidden layer a partitioned
    /// layer (see <see cref="Partitioning"/>). Gaussian visibles
    /// are standardised by the pooled means and SDs of the training rows, and divided by <paramref name="gaussianSd"/>, the
    /// model's visible SD in units of the column's (see <see cref="Standardisation.VisibleSd"/>): exact-intermediates, one exact
    /// secure sum of x, x^2 and the count, with each party's rows checked as a group; dp-intermediates, the same sum clipped to
    /// each column's public range in the party's configuration (or the narrower <paramref name="bounds"/>, "name=lo:hi,...",
    /// the same at every party) and noised under a tenth of the budget (<see cref="Standardisation.PoolPrivateAsync"/>); a column
    /// without a configured range is refused, and so is a column whose range differs between parties (checked under MPC first,
    /// one bit per column opened to the parties as <paramref name="boundsCheckOutput"/>, a declared <c>OutputKind.DataCheck</c>). <paramref name="latentBins"/> &gt; 0 sets the grid of <see cref="LatentDensity"/>
    /// (a DP run reserves its release before training).
    /// </summary>
    /// <example>var fit = await mpc.Boltzmann.Train("dbm", mpc.List("columns"), "bernoulli", "25,15", [10, 10], [0.4, 0.2], [50], "dp-intermediates", new TrainingSettings { Epsilon = 5 });</example>
    public async Task<BoltzmannFit> Train(string model, IReadOnlyList<string> columns, string visible, string hidden, IReadOnlyList<double> epochs,
        IReadOnlyList<double> learningRates, IReadOnlyList<double> batchSizes, string reveal, TrainingSettings settings, string exactOutput = "pooled_sums",
        string privateOutput = "noised_sums", double holdout = 0, string levels = "", double monitoring = 0, IReadOnlyList<double>? start = null,
        string partitions = "", double gaussianSd = DefaultGaussianSd, int latentBins = 0, string bounds = "", string boundsCheckOutput = "bounds_agree")
    {
        ArgumentNullException.ThrowIfNull(boundsCheckOutput);
        ArgumentNullException.ThrowIfNull(bounds);
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentNullException.ThrowIfNull(learningRates);
        ArgumentNullException.ThrowIfNull(batchSizes);
        var kind = model switch
        {
            "rbm" => ModelKind.Rbm,
            "dbn" => ModelKind.Dbn,
            "dbm" => ModelKind.Dbm,
            _ => throw new ParameterProblemException(ScriptingErrors.UnknownModel(model)),
        };
        var encoding = VisibleEncoding.Create(columns, visible, levels);
        var sizes = hidden.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => int.TryParse(h, out int n) && n > 0 ? n : throw new ParameterProblemException(ScriptingErrors.HiddenUnitsInvalid(h))).ToList();
        if (sizes.Count == 0) throw new ParameterProblemException(ScriptingErrors.HiddenLayersMissing);
        double PerLayer(IReadOnlyList<double> values, string name, int layer) =>
            values.Count == 1 ? values[0] : values.Count == sizes.Count ? values[layer]
            : throw new ParameterProblemException(ScriptingErrors.PerLayerCountMismatch(name, sizes.Count, values.Count));
        var layers = new List<LayerSettings>();
        for (int l = 0; l < sizes.Count; l++)
        {
            double epochCount = PerLayer(epochs, "epochs", l), rate = PerLayer(learningRates, "learning_rate", l), batch = PerLayer(batchSizes, "batch_size", l);
            if (!(epochCount is >= 0 and <= 10000) || epochCount != Math.Floor(epochCount)) throw new ParameterProblemException(ScriptingErrors.EpochsInvalid(l + 1, epochCount));
            if (!(rate > 0)) throw new ParameterProblemException(ScriptingErrors.LearningRateInvalid(l + 1, rate));
            if (!(batch is >= 1 and <= int.MaxValue) || batch != Math.Floor(batch)) throw new ParameterProblemException(ScriptingErrors.BatchSizeInvalid(l + 1, batch));
            layers.Add(new LayerSettings(sizes[l], (int)epochCount, rate, (int)batch));
        }
        if (partitions.Length > 0) layers[0] = layers[0] with { Partitions = ParsePartitions(encoding, partitions, sizes[0]) };
        if (latentBins != 0 && latentBins is < 2 or > 100) throw new ParameterProblemException($"latent_bins={latentBins}: the latent density's grid takes 2 to 100 bins per axis (0: none).");
        if (!(gaussianSd is > 0 and <= 1)) throw new ParameterProblemException(ScriptingErrors.GaussianSdOutOfRange(gaussianSd));
        var startModel = start is { Count: > 0 } ? StartModel(kind, encoding, sizes, start) : null;
        if (startModel is not null) Partition(startModel, layers[0].Partitions);
        if (!(holdout is >= 0 and < 1)) throw new ParameterProblemException(ScriptingErrors.HoldoutOutOfRange(holdout));
        var (rows, held) = Split(encoding.Rows(_context.Dataset), holdout, settings.Seed);
        if (!(monitoring is >= 0 and < 1)) throw new ParameterProblemException(ScriptingErrors.MonitoringOutOfRange(monitoring));
        if (monitoring > 0 && reveal != ExactIntermediates) throw new ParameterProblemException(ScriptingErrors.MonitoringNeedsExactMode(monitoring, ExactIntermediates));
        // Each party its own split (DataSHIELD splits at each server): the seed and the party's index.
        var (training, monitored) = Split(rows, monitoring, unchecked(settings.Seed * 1_000_003 + _session.Runtime.PartyIndex + 1));
        if (training.Count == 0) throw new DataProblemException(ErrorMessages.DataTooFewRows($"training with holdout={holdout}"), ErrorMessages.DataTooFewRowsDetail(_context.Dataset.Source, $"training with holdout={holdout}", training.Count), true);
        switch (reveal)
        {
            case ExactIntermediates:
                if (settings.IsPrivate) throw new ParameterProblemException(ErrorMessages.ExactModeWithEpsilon(ExactIntermediates, DpIntermediates));
                // A chosen start model turns exact pooled sums into chosen queries (one record's presence from one session): DP mode only.
                if (startModel is not null) throw new ParameterProblemException(ErrorMessages.StartModelNeedsDpMode(ExactIntermediates, DpIntermediates));
                // Refused before any sum opens: a run that would end refusing its latent density should not spend the session's work first.
                if (latentBins > 0) CheckExactLatentDensity(sizes[^1]);
                // Every step's exact sums open to every party: only under a name the script declared as an exact intermediate, which a party's policy must allow.
                _session.RequireKind(exactOutput, OutputKind.ExactIntermediate);
                var exactPool = new MpcStatisticsPool<UInt128>(_session.Runtime, exactOutput);
                var scale = encoding.Kind == VisibleKind.Gaussian ? await PoolStandardisationAsync(exactPool, exactOutput, training, gaussianSd).ConfigureAwait(false) : null;
                var modelRows = Standardised(training, scale);
                var modelMonitored = monitoring > 0 ? Standardised(monitored, scale) : null;
                var exact = startModel is not null
                    ? await PooledTraining.ContinueAsync(startModel, modelRows, layers, settings, exactPool, modelMonitored).ConfigureAwait(false)
                    : await PooledTraining.TrainAsync(kind, modelRows, encoding.Kind, encoding.Groups, layers, settings, exactPool, modelMonitored).ConfigureAwait(false);
                // The monitoring rows are not training rows: the secure evaluation scores against the rows the model saw.
                return new BoltzmannFit(exact, encoding, 0, 0, [], training, held, scale) { LatentBins = latentBins };
            case DpIntermediates:
                if (!settings.IsPrivate) throw new ParameterProblemException(ErrorMessages.DpModeWithoutEpsilon(DpIntermediates));
                var ranges = encoding.Kind == VisibleKind.Gaussian ? await AgreedGaussianRangesAsync(encoding, bounds, boundsCheckOutput).ConfigureAwait(false) : default;
                var pool = new PrivateStatisticsPool<UInt128>(_session.Runtime, privateOutput, settings.Epsilon!.Value, settings.Delta, settings.HonestParties);
                Standardisation? privateScale = null;
                if (ranges.Lower is not null)
                {
                    // DP standardisation first, from a reserved share of the budget; the rows train clipped to the same ranges.
                    rows = [.. rows.Select(r => Standardisation.Clip(r, ranges.Lower, ranges.Upper))];
                    privateScale = await Standardisation.PoolPrivateAsync(pool, rows, ranges.Lower, ranges.Upper).ConfigureAwait(false) with { VisibleSd = gaussianSd };
                }
                var privateRows = Standardised(rows, privateScale);
                // The latent density comes after training; its share of the budget is set aside before the steps are calibrated.
                if (latentBins > 0) pool.Reserve(new StatisticsRelease(LatentDensityRelease, 1, latentBins * latentBins, 1, 1), LatentDensityShares);
                var noised = startModel is not null
                    ? await PooledTraining.ContinueAsync(startModel, privateRows, layers, settings, pool).ConfigureAwait(false)
                    : await PooledTraining.TrainAsync(kind, privateRows, encoding.Kind, encoding.Groups, layers, settings, pool).ConfigureAwait(false);
                return new BoltzmannFit(noised, encoding, pool.SpentEpsilon, pool.Delta, pool.Series, rows, held, privateScale) { LatentBins = latentBins, PrivatePool = pool };
            default:
                throw new ParameterProblemException(ErrorMessages.UnknownRevealMode(reveal, [DpIntermediates, ExactIntermediates]));
        }
    }

    /// <summary>Bins per Gaussian column in <see cref="Utility"/>: the synthetic rows' quartiles cut them.</summary>
    public const int GaussianBins = 4;

    /// <summary>Quantile probabilities of the privacy evaluation (<see cref="Privacy"/>).</summary>
    public static IReadOnlyList<double> PrivacyProbabilities { get; } = [0.01, 0.05, 0.5];

    // The model to continue from its revealed parameters: the same layers as this run's columns and hidden sizes.
    private static TrainedModel StartModel(ModelKind kind, VisibleEncoding encoding, List<int> hidden, IReadOnlyList<double> start)
    {
        if (kind == ModelKind.Dbn) throw new ParameterProblemException(ScriptingErrors.StartModelIsDbn);
        if (kind == ModelKind.Rbm && hidden.Count != 1) throw new ParameterProblemException(ScriptingErrors.StartRbmLayers);
        int[] sizes = [encoding.Width, .. hidden];
        int expected = Enumerable.Range(1, sizes.Length - 1).Sum(l => sizes[l - 1] * sizes[l]) + sizes.Sum();
        if (start.Count != expected || start.Any(v => !double.IsFinite(v)))
            throw new ParameterProblemException(ScriptingErrors.StartModelSize(string.Join(",", sizes), kind.ToString().ToLowerInvariant(), expected, start.Count));
        return TrainedModel.FromParameters(kind, sizes, encoding.Kind, encoding.Kind == VisibleKind.Categorical ? encoding.Groups : null, start);
    }

    // This party's rows split by a public seed: a share `holdout` kept out of training for the privacy evaluation.
    private static (List<double[]> Training, List<double[]> Holdout) Split(List<double[]> rows, double holdout, int seed)
    {
        if (holdout == 0) return (rows, []);
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(seed).Shuffle(order);
        int held = (int)Math.Round(holdout * rows.Count);
        return (order[held..].Order().Select(i => rows[i]).ToList(), order[..held].Order().Select(i => rows[i]).ToList());
    }
}
