namespace Mpc.Boltzmann;

public static partial class PooledTraining
{
    /// <summary>
    /// Continues training a returned model (BoltzmannMachines.jl's fitrbm/fitdbm with startrbm/startdbm): an RBM trains
    /// <c>layers[0].Epochs</c> more epochs, a DBM <see cref="TrainingSettings.FineTuningEpochs"/> more epochs of fine-tuning
    /// (no pre-training). <see cref="TrainingSettings.EpochsDone"/> numbers the epochs after the start model's; persistent chains
    /// start afresh from the seed, as in BoltzmannMachines.jl, so only CD-k continues step for step as one longer run would.
    /// </summary>
    public static async Task<TrainedModel> ContinueAsync(TrainedModel start, IReadOnlyList<double[]> rows, IReadOnlyList<LayerSettings> layers, TrainingSettings settings,
        IStatisticsPool pool, IReadOnlyList<double[]>? monitoringRows = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(pool);
        if (start.Kind == ModelKind.Dbn || (start.Kind == ModelKind.Dbm && start.Dbm is null))
            throw new ArgumentException("Continued training takes an RBM or a fine-tuned DBM; a DBN's layers would each need their own continuation.", nameof(start));
        int visible = start.Layers[0].Visible;
        if (rows.Count == 0 || rows.Any(r => r.Length != visible)) throw new ArgumentException($"Continued training needs rows of {visible} values, the start model's visible units.", nameof(rows));
        if (monitoringRows is not null && (pool.IsPrivate || monitoringRows.Any(r => r.Length != visible)))
            throw new ArgumentException($"Monitoring rows need {visible} values each, and training without DP.", nameof(monitoringRows));
        if (start.Kind == ModelKind.Rbm && layers.Count != 1) throw new ArgumentException("An RBM continues with one layer's settings.", nameof(layers));
        foreach (var layer in layers) layer.Check("Layer");
        if (settings.EpochsDone < 0) throw new ArgumentException("EpochsDone cannot be negative.", nameof(settings));
        return await ContinueCoreAsync(start, rows, layers, settings, pool, monitoringRows).ConfigureAwait(false);
    }

    private static async Task<TrainedModel> ContinueCoreAsync(TrainedModel start, IReadOnlyList<double[]> rows, IReadOnlyList<LayerSettings> layers, TrainingSettings settings,
        IStatisticsPool pool, IReadOnlyList<double[]>? monitoringRows)
    {
        double total = await pool.TotalRowsAsync(rows.Count).ConfigureAwait(false);
        var monitoring = new List<MonitoringRecord>();
        var publicRandom = new Random(settings.Seed);
        if (start.Kind == ModelKind.Rbm)
        {
            var rbm = start.Layers[0].Clone();
            // Only this run's releases: the start model's were planned (and accounted) by the run that made it.
            pool.Plan(Plan(ModelKind.Rbm, [rbm.Visible, rbm.Hidden], layers, settings, total, pool.IsPrivate));
            // The chains are drawn as a fresh run draws them after its random weights, so a CD-k continuation matches one longer run.
            Rbm.CreateRandom(rbm.Visible, rbm.Hidden, publicRandom);
            await TrainRbmAsync(rbm, rows, monitoringRows, layers[0], settings, pool, total, "layer 1", 1, 1, monitoring, publicRandom).ConfigureAwait(false);
            return new TrainedModel(ModelKind.Rbm, [rbm], null, monitoring, total);
        }
        var dbm = start.Dbm!.Clone();
        pool.Plan([.. Plan(ModelKind.Dbm, dbm.LayerSizes, layers, settings, total, pool.IsPrivate).Where(r => r.Name.StartsWith("dbm", StringComparison.Ordinal))]);
        await FineTuneAsync(dbm, rows, monitoringRows, layers, settings, pool, total, monitoring, publicRandom).ConfigureAwait(false);
        return new TrainedModel(ModelKind.Dbm, TrainedModel.LayersOf(dbm), dbm, monitoring, total);
    }
}
