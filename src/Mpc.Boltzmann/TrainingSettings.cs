namespace Mpc.Boltzmann;

/// <summary>
/// Settings of a pooled training run. <see cref="Epsilon"/> null trains without DP (exact sums of
/// the data terms, opened to the parties); otherwise each data term is a per-record clipped sum on a
/// Poisson subsample, released with distributed Skellam noise, the whole run within (Epsilon, Delta).
/// </summary>
public sealed record TrainingSettings
{
    /// <summary>Public seed of the model-side chains (persistent chains, AIS); every party uses the same.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Epochs a start model has had (continued training): this run's epochs are numbered after them, so its shuffles and CD
    /// draws are those a single run would make next. Its learning rate schedule starts afresh.
    /// </summary>
    public int EpochsDone { get; init; }

    /// <summary>Monitor every this many epochs (and after the last); 0 turns monitoring off.</summary>
    public int MonitorEvery { get; init; } = 5;

    /// <summary>Estimate log Z by AIS for models too large for the exact sum (runs, temperatures).</summary>
    public int AisRuns { get; init; } = 64;

    public int AisTemperatures { get; init; } = 500;

    /// <summary>
    /// The learning rate of the last epoch as a fraction of the first, falling hyperbolically in between (every layer and
    /// fine-tuning); 1 keeps it constant. Late small steps stop the model's mode weights swinging with the persistent chains.
    /// </summary>
    public double LearningRateDecay { get; init; } = 0.1;
    /// <summary>DBM fine-tuning (mean-field data term, persistent chains); 0 epochs keeps the pre-trained DBM.</summary>
    public int FineTuningEpochs { get; init; } = 30;

    public double FineTuningLearningRate { get; init; } = 0.05;

    public int FineTuningBatchSize { get; init; } = 10;

    public int MeanFieldIterations { get; init; } = 10;

    /// <summary>Total privacy budget of the run (null: no DP).</summary>
    public double? Epsilon { get; init; }

    public double Delta { get; init; } = 1e-5;

    public int HonestParties { get; init; } = 1;

    /// <summary>Per-record L2 clipping norm of a record's gradient, data term minus the public model term (the sensitivity before rounding).</summary>
    public double ClipNorm { get; init; } = DpSchedule.ClipNorm;

    public bool IsPrivate => Epsilon is not null;
}
