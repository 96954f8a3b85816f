using Mpc.Core;
using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Statistics;

namespace Mpc.Scripting;

/// <summary>Regression for scripts: each party's rows enter as secrets; the model stays secret until the protocol outputs it.</summary>
public sealed class RegressionApi
{
    private readonly ScriptSession _session;
    private readonly ProtocolContext _context;

    internal RegressionApi(ScriptSession session, ProtocolContext context)
    {
        _session = session;
        _context = context;
    }

    /// <summary>
    /// Logistic regression of <paramref name="outcome"/> (0/1) on <paramref name="features"/>, fitted by
    /// Newton's method under MPC with the model secret throughout (reveal = final).
    /// An outcome other than 0/1 stops the session naming the column (file, row and value go to the party's log). Before fitting, one bit per
    /// feature, whether it takes a single value over all parties' rows, is opened to the parties as
    /// <paramref name="constantOutput"/> (an exact intermediate), with a second bit per feature, whether a value's magnitude reaches
    /// <see cref="SecureLogisticRegression.MaximumFeatureMagnitude"/> (65,536); either stops the session naming the feature.
    /// With <paramref name="deviance"/>, the fit also gives the residual deviance -2 log L at the coefficients (computed under MPC,
    /// absolute error below 1e-9 a row) and the counts [n, events] for <paramref name="countsOutput"/> (declared OutputKind.Counts):
    /// this party's events and non-events must each be 0 or at least its minimum cell count, and its rows 0 or at least its minimum
    /// group size for the exact <paramref name="devianceOutput"/>, both checked before fitting.
    /// </summary>
    /// <example><code>
    /// var fit = await mpc.Regression.Logistic("status", mpc.List("features"), intercept: true, lambda: 0, iterations: 15, tolerance: 1e-6, standardErrors: true, deviance: true);
    /// await mpc.Output("coefficients", fit.Coefficients);
    /// await mpc.Output("deviance", fit.Deviance!);
    /// await mpc.Output("counts", fit.Counts!);
    /// </code></example>
    public async Task<SecureLogisticRegressionResult<UInt128>> Logistic(string outcome, IReadOnlyList<string> features, bool intercept, double lambda, int iterations, double tolerance,
        bool standardErrors, bool standardise = false, string constantOutput = "constant_features", bool deviance = false, string countsOutput = "counts",
        string devianceOutput = "deviance")
    {
        if (lambda < 0 || iterations < 1 || iterations > 1000) throw new ParameterProblemException(ScriptingErrors.RegressionSettingsOutOfRange);
        var (x, y) = Rows(outcome, features);
        _session.RequireKind(constantOutput, OutputKind.DataCheck);
        double[] cells = [y.Count(v => v == 1), y.Count(v => v == 0)];
        // A two-valued feature (a flag) that sets apart one or two rows would give their outcomes through its coefficient, so its values are cells.
        for (int j = 0; j < features.Count; j++)
        {
            double[] column = [.. Enumerable.Range(0, y.Length).Select(i => x[i * features.Count + j])];
            if (column.Distinct().Count() == 2) DisclosureChecks.CheckTotal(_session.Runtime.RevealPolicy, "coefficients", features[j], column);
        }
        if (deviance)
        {
            _session.RequireKind(countsOutput, OutputKind.Counts);
            _session.RequireKind(devianceOutput, OutputKind.Exact);
            // Before the fit: a party that would refuse the counts or the exact deviance should not spend the session's work first.
            _session.Runtime.RevealPolicy.CheckDisclosure(countsOutput, DisclosureKind.CellCounts, outcome, cells);
            _session.Runtime.RevealPolicy.CheckDisclosure(devianceOutput, DisclosureKind.GroupSizes, "", [y.Length]);
        }
        var checks = await SecureLogisticRegression.CheckFeaturesAsync(_session.Runtime, x, y.Length, features.Count, constantOutput).ConfigureAwait(false);
        // The check bits were opened to the parties as a declared intermediate, so naming the features leaks nothing more.
        var names = features.Where((_, j) => checks.Constant[j]).ToList();
        if (names.Count > 0)
            throw new DataProblemException(ScriptingErrors.ConstantFeatures(names), ScriptingErrors.ConstantFeaturesDetail(names), true);
        var large = features.Where((_, j) => checks.TooLarge[j]).ToList();
        if (large.Count > 0)
            throw new DataProblemException(ScriptingErrors.LargeFeatures(large), ScriptingErrors.LargeFeaturesDetail(large), true);
        var fit = await SecureLogisticRegression.FitAsync(_session.Runtime, x, y, features.Count,
            new LogisticRegressionOptions(intercept, lambda, iterations, tolerance, standardErrors, standardise, Deviance: deviance), _session.LibraryProgress).ConfigureAwait(false);
        if (fit.Counts is not null) _session.Behind(fit.Counts, DisclosureKind.CellCounts, outcome, cells);
        if (fit.Deviance is not null) _session.Behind(fit.Deviance, DisclosureKind.GroupSizes, "", [y.Length]);
        return fit;
    }

    /// <summary>
    /// Logistic regression with DP-noised intermediates (reveal = dp-intermediates): the model is
    /// public at each step and only the parties' clipped gradient sums, with distributed Skellam
    /// noise, are opened (as <paramref name="gradientOutput"/>, and the noised row count as
    /// <paramref name="rowsOutput"/>). <paramref name="bounds"/> gives every feature's public range
    /// as "name=lo:hi,..."; values outside are clipped to it.
    /// </summary>
    /// <example><code>
    /// var dp = await mpc.Regression.LogisticPrivate("status", mpc.List("features"), true, 0, "age=30:90,sex=1:2", 3, 20, 1, mpc.Number("epsilon"), 1e-5, 1);
    /// await mpc.Output("coefficients", mpc.Public(dp.Coefficients));
    /// </code></example>
    public Task<PrivateLogisticRegressionResult> LogisticPrivate(string outcome, IReadOnlyList<string> features, bool intercept, double lambda, string bounds,
        int steps, double learningRate, double clip, double epsilon, double delta, int honestParties, bool standardise = false, string gradientOutput = "gradients", string rowsOutput = "rows")
    {
        if (lambda < 0 || steps < 1 || steps > 1000 || !(learningRate > 0) || !(clip > 0)) throw new ParameterProblemException(ScriptingErrors.DpRegressionSettingsOutOfRange);
        var (x, y) = Rows(outcome, features);
        var (lower, upper) = ParseBounds(bounds, features);
        return PrivateLogisticRegression.FitAsync(_session.Runtime, x, y, features.Count,
            new PrivateLogisticRegressionOptions(intercept, lambda, lower, upper, steps, learningRate, clip, epsilon, delta, honestParties, standardise), gradientOutput, rowsOutput, _session.LibraryProgress);
    }

    /// <summary>Parses "name=lo:hi,..." into bounds in feature order; a feature without bounds, or a malformed or empty range, is an error naming it.</summary>
    /// <example>var (lower, upper) = RegressionApi.ParseBounds("age=30:90,sex=1:2", mpc.List("features"));</example>
    public static (double[] Lower, double[] Upper) ParseBounds(string bounds, IReadOnlyList<string> features)
    {
        ArgumentNullException.ThrowIfNull(bounds);
        ArgumentNullException.ThrowIfNull(features);
        var ranges = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        foreach (var item in bounds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int equals = item.IndexOf('=');
            var parts = equals < 0 ? [] : item[(equals + 1)..].Split(':');
            if (parts.Length != 2 || !double.TryParse(parts[0], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double lo)
                || !double.TryParse(parts[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double hi))
                throw new ParameterProblemException(ScriptingErrors.BoundsMalformed(item));
            string name = item[..equals].Trim();
            if (!features.Contains(name)) throw new ParameterProblemException(ScriptingErrors.BoundsNotAFeature(name, features));
            if (!(lo < hi)) throw new ParameterProblemException(ScriptingErrors.BoundsEmpty(name, lo, hi));
            if (!ranges.TryAdd(name, (lo, hi))) throw new ParameterProblemException(ScriptingErrors.BoundsTwice(name));
        }
        var missing = features.Where(f => !ranges.ContainsKey(f)).ToList();
        if (missing.Count > 0)
            throw new ParameterProblemException(ScriptingErrors.BoundsMissing(missing));
        return (features.Select(f => ranges[f].Item1).ToArray(), features.Select(f => ranges[f].Item2).ToArray());
    }

    // This party's rows as a row-major feature matrix and 0/1 outcome; bad input stops the session naming the column.
    private (double[] X, double[] Y) Rows(string outcome, IReadOnlyList<string> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var table = _context.Dataset;
        var y = table.Column(outcome);
        for (int i = 0; i < y.Length; i++)
            if (y[i] is not (0 or 1))
                throw new DataProblemException(ErrorMessages.DataNotBinary(outcome, "the outcome"), ErrorMessages.DataNotBinaryDetail(table.Source, i + 2, outcome, "the outcome", y[i]), true);
        if (features.Count == 0) throw new ParameterProblemException(ScriptingErrors.NoFeatures);
        if (features.Contains(outcome)) throw new ParameterProblemException(ScriptingErrors.OutcomeIsFeature(outcome));
        var columns = features.Select(table.Column).ToArray();
        var x = new double[y.Length * features.Count];
        for (int i = 0; i < y.Length; i++)
            for (int j = 0; j < features.Count; j++)
                x[i * features.Count + j] = columns[j][i];
        return (x, y);
    }
}
