using Mpc.Boltzmann;
using Mpc.Federation.Protocols;

namespace Mpc.Scripting;

/// <summary>
/// Boltzmann machines for scripts: one model trained on the rows of all parties (see
/// <see cref="PooledTraining"/>), with pooled sums either exact and opened to the parties
/// (reveal = final, trusted settings) or noised with distributed Skellam (reveal = dp-intermediates).
/// </summary>
public sealed class BoltzmannApi
{
    private readonly ScriptSession _session;
    private readonly ProtocolContext _context;

    internal BoltzmannApi(ScriptSession session, ProtocolContext context)
    {
        _session = session;
        _context = context;
    }

    /// <summary>Metric codes of <see cref="MonitoringSeries"/>.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["reconstruction error", "log Z", "log-likelihood", "log-likelihood lower bound"];

    /// <summary>
    /// Trains a model ("rbm", "dbn" or "dbm") on <paramref name="columns"/>; <paramref name="hidden"/>
    /// lists the hidden layer sizes ("25,15"). Bernoulli visibles must be 0/1 (a value that is not
    /// stops the session naming file, row and column); Gaussian visibles should be standardised.
    /// </summary>
    public async Task<BoltzmannFit> Train(string model, IReadOnlyList<string> columns, string visible, string hidden, int epochs, double learningRate, int batchSize,
        string reveal, TrainingSettings settings, string exactOutput = "pooled_sums", string privateOutput = "noised_sums", double holdout = 0)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(settings);
        var kind = model switch
        {
            "rbm" => ModelKind.Rbm,
            "dbn" => ModelKind.Dbn,
            "dbm" => ModelKind.Dbm,
            _ => throw new ArgumentException($"model={model} is not a model: use rbm, dbn or dbm."),
        };
        var visibleKind = visible switch
        {
            "bernoulli" => VisibleKind.Bernoulli,
            "gaussian" => VisibleKind.Gaussian,
            _ => throw new ArgumentException($"visible={visible} is not a visible type: use bernoulli or gaussian."),
        };
        var sizes = hidden.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(h => int.TryParse(h, out int n) && n > 0 ? n : throw new ArgumentException($"hidden: '{h}' is not a positive number of hidden units.")).ToList();
        if (sizes.Count == 0) throw new ArgumentException("hidden: give at least one layer size.");
        if (epochs < 0 || epochs > 10000 || !(learningRate > 0) || batchSize < 1) throw new ArgumentException("epochs must be between 0 and 10000, learning_rate positive and batch_size at least 1.");
        if (!(holdout is >= 0 and < 1)) throw new ArgumentException($"holdout={holdout}: the share of each party's rows kept out of training must lie in [0, 1).");
        var layers = sizes.Select(n => new LayerSettings(n, epochs, learningRate, batchSize)).ToList();
        var (rows, held) = Split(Rows(columns, visibleKind), holdout, settings.Seed);
        if (rows.Count == 0) throw new ArgumentException($"holdout={holdout} leaves no rows to train on at {_context.Dataset.Source}.");
        switch (reveal)
        {
            case "final":
                if (settings.IsPrivate) throw new ArgumentException("reveal=final trains without DP; leave epsilon out or use reveal=dp-intermediates.");
                var exact = await PooledTraining.TrainAsync(kind, rows, visibleKind, null, layers, settings, new MpcStatisticsPool<UInt128>(_session.Runtime, exactOutput)).ConfigureAwait(false);
                return new BoltzmannFit(exact, 0, 0, [], rows, held);
            case "dp-intermediates":
                if (!settings.IsPrivate) throw new ArgumentException("reveal=dp-intermediates needs an epsilon.");
                var pool = new PrivateStatisticsPool<UInt128>(_session.Runtime, privateOutput, settings.Epsilon!.Value, settings.Delta, settings.HonestParties);
                var noised = await PooledTraining.TrainAsync(kind, rows, visibleKind, null, layers, settings, pool).ConfigureAwait(false);
                return new BoltzmannFit(noised, pool.SpentEpsilon, pool.Delta, pool.Series, rows, held);
            default:
                throw new ArgumentException($"reveal={reveal} is not a mode: use final or dp-intermediates.");
        }
    }

    /// <summary>Synthetic rows from the (public) model, flattened row by row; the same at every party for the same seed.</summary>
    public double[] Sample(TrainedModel model, int count, int burnIn, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (count < 1 || count > 1_000_000 || burnIn < 1) throw new ArgumentException("samples must be between 1 and 10^6 and burn_in at least 1.");
        return [.. GibbsSampling.Sample(model, count, burnIn, new Random(seed)).SelectMany(r => r)];
    }

    /// <summary>Quantile probabilities of the privacy evaluation (<see cref="Privacy"/>).</summary>
    public static IReadOnlyList<double> PrivacyProbabilities { get; } = [0.01, 0.05, 0.5];

    /// <summary>
    /// Secure utility of synthetic rows (flattened, as from <see cref="Sample"/>) against the training rows of all parties:
    /// [mean L1, maximum deviation] of the 1- to 4-way marginals over at most <paramref name="maxSets"/> variable sets per
    /// order; only these 8 numbers can be output. Binary (Bernoulli) data only.
    /// </summary>
    public Task<Mpc.Runtime.Secret<UInt128>> Utility(BoltzmannFit fit, double[] synthetic, int maxSets = 200)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(synthetic);
        if (maxSets < 1 || maxSets > 100_000) throw new ArgumentException("The number of variable sets per order must be between 1 and 100000.");
        return SecureSyntheticEvaluation.MarginalsAsync(_session.Runtime, fit.TrainingRows, Unflatten(fit, synthetic), Math.Min(4, fit.Model.Layers[0].Visible), maxSets);
    }

    /// <summary>
    /// Secure privacy evaluation: quantiles (<see cref="PrivacyProbabilities"/>) of every synthetic row's distance to the
    /// closest record, then of its nearest / second-nearest distance ratio, each party against its own training rows (or
    /// its holdout rows), pooled over the parties; only these quantiles can be output. Binary data only.
    /// </summary>
    public Task<Mpc.Runtime.Secret<UInt128>> Privacy(BoltzmannFit fit, double[] synthetic, bool holdout = false)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(synthetic);
        var reference = holdout ? fit.HoldoutRows : fit.TrainingRows;
        if (reference.Count < 2)
            throw new ArgumentException($"The distance check needs at least two {(holdout ? "holdout" : "training")} rows at every party; {_context.Dataset.Source} has {reference.Count}.");
        return SecureSyntheticEvaluation.DistanceQuantilesAsync(_session.Runtime, reference, Unflatten(fit, synthetic), PrivacyProbabilities);
    }

    private static List<double[]> Unflatten(BoltzmannFit fit, double[] synthetic)
    {
        int width = fit.Model.Layers[0].Visible;
        if (synthetic.Length == 0 || synthetic.Length % width != 0) throw new ArgumentException($"The synthetic values ({synthetic.Length}) are not whole rows of {width}.");
        return Enumerable.Range(0, synthetic.Length / width).Select(r => synthetic.AsSpan(r * width, width).ToArray()).ToList();
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

    /// <summary>The monitoring as (part, epoch, metric, value) quadruples: part 1..L for the pre-trained layers, 0 for DBM fine-tuning; metric an index into <see cref="Metrics"/>.</summary>
    public static double[] MonitoringSeries(TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. model.Monitoring.Where(m => double.IsFinite(m.Value)).SelectMany(m => new double[] { m.Part == "dbm" ? 0 : int.Parse(m.Part["layer ".Length..], System.Globalization.CultureInfo.InvariantCulture), m.Epoch, Metrics.ToList().IndexOf(m.Metric), m.Value })];
    }

    // This party's rows over the columns; a missing value, or a Bernoulli visible that is not 0/1, stops the session naming file, row and column.
    private List<double[]> Rows(IReadOnlyList<string> columns, VisibleKind kind)
    {
        if (columns.Count == 0) throw new InvalidDataException("Give at least one column.");
        var table = _context.Dataset;
        var data = columns.Select(table.Column).ToArray();
        var rows = new List<double[]>(table.RowCount);
        for (int i = 0; i < table.RowCount; i++)
        {
            var row = new double[columns.Count];
            for (int j = 0; j < columns.Count; j++)
            {
                row[j] = data[j][i];
                if (!double.IsFinite(row[j]))
                    throw new InvalidDataException($"{table.Source}, row {i + 2}, column '{columns[j]}': a visible unit needs a value, got {row[j]}.");
                if (kind == VisibleKind.Bernoulli && row[j] is not (0 or 1))
                    throw new InvalidDataException($"{table.Source}, row {i + 2}, column '{columns[j]}': a Bernoulli visible unit must be 0 or 1, got {row[j]}.");
            }
            rows.Add(row);
        }
        return rows;
    }
}
