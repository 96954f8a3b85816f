using Mpc.Boltzmann;
using Mpc.Core;
using Mpc.Federation.Protocols;

namespace Mpc.Scripting;

// How a trained model does: the synthetic rows against the parties' real rows (utility, privacy, holdout), and the monitoring series.
public sealed partial class BoltzmannApi
{
    /// <summary>
    /// Secure utility of synthetic rows (flattened, as from <see cref="Sample"/>) against the training rows of all parties (those
    /// satisfying <paramref name="condition"/>, the one the rows were sampled under):
    /// [mean L1, maximum deviation] of the 1- to 4-way marginals over at most <paramref name="maxSets"/> variable sets per
    /// order, then the mean squared difference of the pairwise log odds ratios; only these 9 numbers can be output (see
    /// <see cref="UtilityLabels"/>). Bernoulli columns, or categorical ones: marginals over their levels, log odds ratios of
    /// their dummies (every level against the column's first) from different columns. Gaussian columns are scored as
    /// categorical ones with <see cref="GaussianBins"/> levels, their bins cut at the synthetic rows' quartiles (public, as
    /// the synthetic rows are), which code the real rows at each party too. This party's (satisfying) training rows are the group behind it.
    /// </summary>
    /// <example>await mpc.Output("utility", await mpc.Boltzmann.Utility(fit, synthetic));</example>
    public async Task<Mpc.Runtime.Secret<UInt128>> Utility(BoltzmannFit fit, double[] synthetic, int maxSets = 200, string condition = "")
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(synthetic);
        CheckEvaluable(fit);
        if (maxSets < 1 || maxSets > 100_000) throw new ParameterProblemException(ScriptingErrors.VariableSetsOutOfRange);
        var rows = Unflatten(fit, synthetic);
        IReadOnlyList<double[]> real = Satisfying(fit, fit.TrainingRows, condition);
        // A condition can select few rows, whose marginals the scores would describe: they are the group behind them.
        _session.CheckGroups(UtilityOutput, [real.Count]);
        int columns = fit.Encoding.Columns.Count;
        int[]? groups = fit.Encoding.Kind == VisibleKind.Categorical ? fit.Encoding.Groups : null;
        if (fit.Encoding.Kind == VisibleKind.Gaussian)
        {
            // Continuous columns are scored on their quartile bins, cut at the synthetic rows' quartiles (public) on both sides.
            var cuts = SyntheticDataEvaluation.QuantileCuts(rows, GaussianBins);
            rows = [.. rows.Select(r => SyntheticDataEvaluation.BinOneHot(r, cuts))];
            real = [.. real.Select(r => SyntheticDataEvaluation.BinOneHot(r, cuts))];
            groups = [.. Enumerable.Repeat(GaussianBins, columns)];
        }
        // Without DP the pooled row count is public and exact: it bounds every cell count, so the comparisons take its bits and the logarithms
        // compare against fewer powers of two.
        int pooledRows = Math.Max(1, (int)fit.Model.PooledRows);
        var marginals = await SecureSyntheticEvaluation.MarginalsAsync(_session.Runtime, real, rows, Math.Min(4, columns), maxSets, maxRows: pooledRows, groups: groups).ConfigureAwait(false);
        if (columns < 2) return marginals;
        var logOddsRatios = await SecureSyntheticEvaluation.LogOddsRatioErrorAsync(_session.Runtime, real, rows, pooledRows, groups).ConfigureAwait(false);
        return Mpc.Runtime.Secret<UInt128>.Concatenate([marginals, logOddsRatios]);
    }

    /// <summary>Names of the values of <see cref="Utility"/> for <paramref name="columns"/> visible columns.</summary>
    /// <example>Label("utility", p =&gt; BoltzmannApi.UtilityLabels(p.List("columns").Count));</example>
    public static IReadOnlyList<string> UtilityLabels(int columns) =>
        [.. Enumerable.Range(1, Math.Min(4, columns)).SelectMany(k => new[] { $"L1 {k}-way", $"max deviation {k}-way" }), .. columns >= 2 ? new[] { "log odds ratio MSE" } : []];

    /// <summary>
    /// Secure privacy evaluation: quantiles (<see cref="PrivacyProbabilities"/>) of every synthetic row's distance to its
    /// closest record over the training rows of ALL parties (those satisfying <paramref name="condition"/>, the one the rows were
    /// sampled under; a secure minimum across the parties per synthetic row), then of
    /// its nearest / second-nearest distance ratio, then the share of synthetic rows that are exact copies of a training row;
    /// only these numbers can be output (see <see cref="PrivacyLabels"/>). The distance is Euclidean on the visible units (for
    /// categorical columns sqrt(2) times the root of the number of columns that differ); for Gaussian columns on the columns
    /// divided by the synthetic rows' standard deviations, with DCR quantiles rounded up to a public grid
    /// (<see cref="SecureSyntheticEvaluation.ContinuousDistanceQuantilesAsync"/>). Disclosure limits: this party's training
    /// rows are the group behind the quantiles, and the synthetic rows that copy one of its rows are its cell behind the share
    /// of copies (0 or at least its minimum cell count).
    /// </summary>
    /// <example>await mpc.Output("privacy", await mpc.Boltzmann.Privacy(fit, synthetic));</example>
    public async Task<Mpc.Runtime.Secret<UInt128>> Privacy(BoltzmannFit fit, double[] synthetic, string condition = "")
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(synthetic);
        CheckEvaluable(fit);
        var training = Satisfying(fit, fit.TrainingRows, condition);
        CheckReference(training, "training");
        var rows = Unflatten(fit, synthetic);
        bool continuous = fit.Encoding.Kind == VisibleKind.Gaussian;
        var result = continuous
            ? await SecureSyntheticEvaluation.ContinuousDistanceQuantilesAsync(_session.Runtime, training, rows, PrivacyProbabilities).ConfigureAwait(false)
            : await SecureSyntheticEvaluation.DistanceQuantilesAsync(_session.Runtime, training, rows, PrivacyProbabilities).ConfigureAwait(false);
        _session.CheckGroups(PrivacyOutput, [training.Count]);
        _session.Behind(result, Mpc.Runtime.DisclosureKind.CellCounts, "", [SecureSyntheticEvaluation.LocalExactCopies(training, rows, continuous)]);
        return result;
    }

    /// <summary>
    /// Virtual Data Lab's holdout comparison under MPC: the share of synthetic rows whose closest record over all parties is a
    /// training row rather than a holdout row (ties count half); with <c>holdout=0.5</c> a generator that does not copy its
    /// training rows scores about 0.5, in general about the training rows' share. One number; this party's training and
    /// holdout rows (those satisfying <paramref name="condition"/>, the one the rows were sampled under) are the groups behind it.
    /// </summary>
    /// <example>await mpc.Output("privacy_holdout", await mpc.Boltzmann.HoldoutComparison(fit, synthetic));</example>
    public async Task<Mpc.Runtime.Secret<UInt128>> HoldoutComparison(BoltzmannFit fit, double[] synthetic, string condition = "")
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(synthetic);
        CheckEvaluable(fit);
        var training = Satisfying(fit, fit.TrainingRows, condition);
        var holdout = Satisfying(fit, fit.HoldoutRows, condition);
        CheckReference(training, "training");
        CheckReference(holdout, "holdout");
        var result = await SecureSyntheticEvaluation.HoldoutShareAsync(_session.Runtime, training, holdout, Unflatten(fit, synthetic),
            fit.Encoding.Kind == VisibleKind.Gaussian).ConfigureAwait(false);
        _session.CheckGroups(HoldoutOutput, [training.Count, holdout.Count]);
        return result;
    }

    /// <summary>The declared outputs <see cref="Utility"/>, <see cref="Privacy"/> and <see cref="HoldoutComparison"/> are checked for.</summary>
    public const string UtilityOutput = "utility", PrivacyOutput = "privacy", HoldoutOutput = "privacy_holdout";

    /// <summary>Names of the values of <see cref="Privacy"/>.</summary>
    public static IReadOnlyList<string> PrivacyLabels { get; } =
        [.. new[] { "DCR", "NNDR" }.SelectMany(m => PrivacyProbabilities.Select(q => $"{m} q{q}")), "exact copies share"];

    private void CheckReference(IReadOnlyList<double[]> reference, string name)
    {
        if (reference.Count < 2)
            throw new DataProblemException(ErrorMessages.DataTooFewRows($"the distance check (at least two {name} rows)"),
                ErrorMessages.DataTooFewRowsDetail(_context.Dataset.Source, $"the distance check ({name})", reference.Count), true);
    }

    // The rows a conditional sample is scored against: those with the condition's values (issue 29: all rows were used, whose marginals differ).
    private static IReadOnlyList<double[]> Satisfying(BoltzmannFit fit, IReadOnlyList<double[]> rows, string condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (condition.Length == 0) return rows;
        if (fit.Encoding.Kind == VisibleKind.Gaussian)
            throw new ParameterProblemException(ScriptingErrors.GaussianConditionNotScored);
        var clamp = fit.Encoding.Clamp(condition);
        return [.. rows.Where(r => clamp.Select((c, i) => double.IsNaN(c) || r[i] == c).All(match => match))];
    }

    private static void CheckEvaluable(BoltzmannFit fit)
    {
        if (fit.Epsilon > 0) throw new ParameterProblemException(ErrorMessages.EvaluationNeedsExactMode(ExactIntermediates));
    }

    // Synthetic rows as from Sample (one value per column), back on the visible units the training rows are in.
    private static List<double[]> Unflatten(BoltzmannFit fit, double[] synthetic)
    {
        int width = fit.Encoding.Columns.Count;
        if (synthetic.Length == 0 || synthetic.Length % width != 0) throw new ArgumentException(ScriptingErrors.SyntheticNotWholeRows(synthetic.Length, width));
        return Enumerable.Range(0, synthetic.Length / width).Select(r => fit.Encoding.Encode(synthetic.AsSpan(r * width, width))).ToList();
    }

    /// <summary>
    /// The monitoring as (part, epoch, metric, value) quadruples: part 1..L for the pre-trained layers, 0 for DBM fine-tuning;
    /// metric an index into <see cref="Metrics"/>; of the training rows, or with <paramref name="dataset"/> "monitoring" of the rows split off for it.
    /// </summary>
    /// <example>await mpc.Output("monitoring", mpc.Public(BoltzmannApi.MonitoringSeries(fit.Model)));</example>
    public static double[] MonitoringSeries(TrainedModel model, string dataset = MonitoringRecord.Training)
    {
        ArgumentNullException.ThrowIfNull(model);
        return [.. model.Monitoring.Where(m => m.Dataset == dataset && double.IsFinite(m.Value)).SelectMany(m => new double[] { m.Part == "dbm" ? 0 : int.Parse(m.Part["layer ".Length..], System.Globalization.CultureInfo.InvariantCulture), m.Epoch, Metrics.ToList().IndexOf(m.Metric), m.Value })];
    }
}
