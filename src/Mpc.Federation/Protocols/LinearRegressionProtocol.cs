using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;
using Mpc.Statistics;

namespace Mpc.Federation.Protocols;

/// <summary>
/// Ordinary least squares on the pooled rows, as R's summary(lm): each party adds its own X'X, X'y and y'y (in the
/// clear, locally), the pooled moments M = X'X / n and X'y / n are solved under MPC (M = L D L', no square root),
/// and only the coefficients, their standard errors, the residual standard error, R^2 and n are revealed; t values,
/// p-values, adjusted R^2 and the F test follow in the clear. Z_2^128 with 40 fractional bits.
/// </summary>
public sealed class LinearRegressionProtocol : BuiltInProtocol<UInt128>
{
    public override string Name => "linear-regression";

    public override string Description => "Linear regression (as R's lm): coefficients, standard errors, t, p, R^2, residual standard error and F.";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new("outcome", ParameterType.Column, null, "Numeric outcome column."),
        new("features", ParameterType.ColumnList, null, "Comma-separated feature columns, numeric or named in 'factors', in the formula's order."),
        new("factors", ParameterType.Text, "", "Features that are factors with their levels, as 'column:level1,level2,...' separated by ';' (first level the reference, as R's treatment contrasts); rows of no listed level are left out, as lm leaves out factor(x, levels)'s NA."),
        new("interactions", ParameterType.Text, "", "Interaction terms after the features, as 'a:b' separated by ';', each of whose columns is also a feature (R's a * b); named and ordered as lm names them (sexfemale:age)."),
        new("intercept", ParameterType.Boolean, "true", "Fit an intercept, as R does unless the formula has - 1."),
        DatasetParameter,
    ];

    public override IReadOnlyList<OutputDefinition> Outputs { get; } =
    [
        new("n", OutputKind.Counts, "Rows over all parties."),
        new("coefficients", OutputKind.Exact, "Least-squares coefficients, (Intercept) first."),
        new("standard_errors", OutputKind.Exact, "Their standard errors."),
        new("sigma", OutputKind.Exact, "Residual standard error, sqrt(RSS / (n - p))."),
        new("r_squared", OutputKind.Exact, "R^2 (about the mean with an intercept, about 0 without, as R)."),
        new("t_values", OutputKind.Derived, "Coefficient over standard error."),
        new("p_values", OutputKind.Derived, "Two-sided p-values on n - p degrees of freedom."),
        new("df", OutputKind.Derived, "Residual degrees of freedom n - p."),
        new("adj_r_squared", OutputKind.Derived, "Adjusted R^2."),
        new("f_statistic", OutputKind.Derived, "F statistic, its numerator and denominator degrees of freedom."),
        new("f_p_value", OutputKind.Derived, "The F test's p-value."),
    ];

    public override FixedPointFormat Format => FixedPointFormat.Ring128;

    public override IReadOnlyList<string>? Labels(string output, ProtocolParameters parameters) =>
        output is "coefficients" or "standard_errors" or "t_values" or "p_values" ? Names(parameters) : null;

    // As R prints them: a factor's column per level but the first, named column and level run together (sexfemale).
    // An interaction's columns are the products of its parts' columns, the first part's varying fastest (as model.matrix).
    private static List<string> Names(ProtocolParameters parameters)
    {
        var factors = Factors(parameters);
        string[] Coded(string f) => factors.TryGetValue(f, out var levels) ? [.. levels.Skip(1).Select(l => f + l)] : [f];
        var names = parameters.List("features").SelectMany(Coded).ToList();
        names.AddRange(Interactions(parameters).SelectMany(term => term.Select(Coded).Aggregate((a, b) => Product(a, b, (x, y) => x + ":" + y))));
        if (parameters.Boolean("intercept")) names.Insert(0, "(Intercept)");
        return names;
    }

    // 'a:b;c:d' as the interactions' parts.
    private static List<string[]> Interactions(ProtocolParameters parameters) =>
        [.. parameters.Text("interactions").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(t => t.Split(':', StringSplitOptions.TrimEntries))];

    // Every pair, the first's element varying fastest.
    private static TResult[] Product<T, TResult>(T[] first, T[] second, Func<T, T, TResult> combine) =>
        [.. second.SelectMany(b => first.Select(a => combine(a, b)))];

    // 'column:level,level;column:level,level' as a map from column to its levels, in order.
    private static Dictionary<string, IReadOnlyList<string>> Factors(ProtocolParameters parameters) =>
        parameters.Text("factors").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(f => f.Split(':', 2, StringSplitOptions.TrimEntries))
            .GroupBy(f => f[0], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)(g.First().Length > 1 ? g.First()[1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : []), StringComparer.Ordinal);

    public override IReadOnlyList<string> Validate(ProtocolParameters parameters, Mpc.Data.CsvTable dataset)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var problems = base.Validate(parameters, dataset).ToList();
        var features = parameters.List("features");
        var entries = parameters.Text("factors").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (entries.Any(e => !e.Contains(':', StringComparison.Ordinal))) problems.Add("parameter 'factors' needs 'column:level1,level2,...' entries separated by ';'");
        var factors = Factors(parameters);
        if (factors.Count != entries.Length) problems.Add("parameter 'factors' names a column twice");
        foreach (var (column, levels) in factors)
        {
            if (!features.Contains(column, StringComparer.Ordinal)) problems.Add($"parameter 'factors' names '{column}', which is not in 'features'");
            if (GroupLevels.Problem($"factors' levels of '{column}", levels, 2) is { } problem) problems.Add(problem);
        }
        // With every part a main effect, R codes an interaction by the parts' own contrasts, as here.
        foreach (var term in Interactions(parameters))
            if (term.Length < 2 || term.Any(part => !features.Contains(part, StringComparer.Ordinal)) || term.Distinct(StringComparer.Ordinal).Count() != term.Length)
                problems.Add($"parameter 'interactions' needs terms of two or more different columns of 'features', such as 'a:b' ('{string.Join(":", term)}' is not)");
        return problems;
    }

    protected override async Task RunAsync(MpcRuntime<UInt128> runtime, ProtocolContext context)
    {
        var p = context.Parameters;
        var (x, y) = Design(context.Dataset, p);
        int d = Names(p).Count, rows = y.Length;
        // Disclosure limits, on this party's own rows before it contributes.
        runtime.RevealPolicy.CheckDisclosure("n", DisclosureKind.CellCounts, "", [rows]);
        // Each factor's levels, and its rows of no level (left out, so n would tell their number), are cells.
        foreach (var (column, levels) in Factors(p))
        {
            var sizes = GroupLevels.Sizes(GroupLevels.Assign(context.Dataset, column, levels), levels.Count);
            runtime.RevealPolicy.CheckDisclosure("n", DisclosureKind.CellCounts, column, sizes);
            // A level's coefficient plus the intercept is that level's mean, so its rows are a group as in the summary by group.
            runtime.RevealPolicy.CheckDisclosure("coefficients", DisclosureKind.GroupSizes, column, sizes[..levels.Count]);
        }
        foreach (var output in new[] { "coefficients", "standard_errors", "sigma", "r_squared" })
        {
            runtime.RevealPolicy.CheckDisclosure(output, DisclosureKind.GroupSizes, "", [rows]);
            for (int j = p.Boolean("intercept") ? 1 : 0; j < d; j++) DisclosureChecks.CheckTotal(runtime.RevealPolicy, output, Names(p)[j], [.. x.Select(row => row[j])]);
            DisclosureChecks.CheckTotal(runtime.RevealPolicy, output, p.Text("outcome"), y);
        }

        // n, sum of y, y'y, X'X (row-major), X'y: this party's part, in the clear.
        var local = new double[3 + d * d + d];
        for (int i = 0; i < rows; i++)
        {
            local[0] += 1;
            local[1] += y[i];
            local[2] += y[i] * y[i];
            for (int j = 0; j < d; j++)
            {
                for (int k = 0; k < d; k++) local[3 + j * d + k] += x[i][j] * x[i][k];
                local[3 + d * d + j] += x[i][j] * y[i];
            }
        }
        var sums = await Input.SumAcrossPartiesAsync(runtime, local, 1, runtime.Format.FractionalBits, ["row count", "total of the outcome", "sum of squares of the outcome", "cross products of the features", "cross products with the outcome"]).ConfigureAwait(false);
        var n = sums.Slice(0, 1);
        // Moments over n keep M's entries, its blocks' determinants and their reciprocals in range whatever n is.
        var perRow = await Reciprocal.ComputeAsync(runtime, n).ConfigureAwait(false);
        var moments = await Multiplication.MultiplyAsync(runtime, sums.Slice(1, sums.Length - 1), perRow.Gather(new int[sums.Length - 1])).ConfigureAwait(false);
        var meanY = moments.Slice(0, 1);
        var meanYy = moments.Slice(1, 1);
        var m = moments.Slice(2, d * d).Reshape(d, d);
        var v = moments.Slice(2 + d * d, d).Reshape(d, 1);
        var (lower, inverseBlocks) = await SecureLinearAlgebra.FactorAsync(runtime, m).ConfigureAwait(false);
        var b = await SecureLinearAlgebra.SolveAsync(runtime, lower, inverseBlocks, v).ConfigureAwait(false);
        context.ReportProgress("solved", 0.5);

        // RSS / n = y'y / n - b'X'y / n; TSS / n about the mean with an intercept, about 0 without (as summary.lm).
        var rssPerRow = meanYy - await Multiplication.DotAsync(runtime, b, v).ConfigureAwait(false);
        var tssPerRow = p.Boolean("intercept") ? meanYy - await Multiplication.MultiplyAsync(runtime, meanY, meanY).ConfigureAwait(false) : meanYy;
        var ratios = await Division.DivideAsync(runtime, Secret<UInt128>.Concatenate([rssPerRow, n]), Secret<UInt128>.Concatenate([tssPerRow, n - d])).ConfigureAwait(false);
        var rSquared = 1.0 - ratios.Slice(0, 1);
        var sigmaSquared = await Multiplication.MultiplyAsync(runtime, rssPerRow, ratios.Slice(1, 1)).ConfigureAwait(false);
        var sigma = await SquareRoot.ComputeAsync(runtime, sigmaSquared).ConfigureAwait(false);

        // Cov(b) = sigma^2 M^-1 / n; with M = L D L' and W = L^-1, (M^-1)_ii = sum_k W_ki (D^-1 W)_ki.
        var identity = Input.Public(runtime, Enumerable.Range(0, d * d).Select(i => i / d == i % d ? 1.0 : 0.0).ToArray(), d, d, runtime.Format.FractionalBits);
        var w = await SecureLinearAlgebra.SolveLowerAsync(runtime, lower, identity, 2).ConfigureAwait(false);
        var dw = await Multiplication.MatrixMultiplyAsync(runtime, inverseBlocks, w).ConfigureAwait(false);
        var cells = await Multiplication.MultiplyAsync(runtime, w, dw).ConfigureAwait(false);
        var ones = Input.Public(runtime, Enumerable.Repeat(1.0, d).ToArray(), d, 1, runtime.Format.FractionalBits);
        var inverseDiagonal = await Multiplication.MatrixMultiplyAsync(runtime, cells.Reshape(d, d).Transpose(), ones).ConfigureAwait(false);
        var scale = await Multiplication.MultiplyAsync(runtime, sigmaSquared, perRow).ConfigureAwait(false);
        var variances = await Multiplication.MultiplyAsync(runtime, inverseDiagonal, scale.Gather(new int[d])).ConfigureAwait(false);
        var errors = await SquareRoot.ComputeAsync(runtime, variances).ConfigureAwait(false);
        context.ReportProgress("standard errors", 0.9);

        await Opening.OutputAsync(runtime, n, "n").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, b, "coefficients").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, errors, "standard_errors").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, sigma, "sigma").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, rSquared, "r_squared").ConfigureAwait(false);
    }

    // A row with a missing value is left out, as lm's na.omit leaves it out.
    protected override bool AllowsMissingValues => true;

    // Each complete row's design (1 first with an intercept, then the features, a factor as its 0/1 columns) and outcome.
    private static (double[][] X, double[] Y) Design(Mpc.Data.CsvTable table, ProtocolParameters p)
    {
        var factors = Factors(p);
        // A feature's columns for each row, NaN where the row has no value (or no listed level).
        double[][] Coded(string name)
        {
            if (!factors.TryGetValue(name, out var levels)) return [.. table.Column(name).Select(v => new[] { v })];
            return [.. GroupLevels.Assign(table, name, levels).Select(level => level < 0
                ? Enumerable.Repeat(double.NaN, levels.Count - 1).ToArray()
                : Enumerable.Range(1, levels.Count - 1).Select(l => l == level ? 1.0 : 0.0).ToArray())];
        }
        var features = p.List("features").Select(Coded).ToList();
        foreach (var term in Interactions(p))
            features.Add(term.Select(Coded).Aggregate((a, b) => [.. a.Select((row, i) => Product(row, b[i], (u, v) => u * v))]));
        bool intercept = p.Boolean("intercept");
        var outcome = table.Column(p.Text("outcome"));
        var complete = Enumerable.Range(0, outcome.Length).Where(i => !double.IsNaN(outcome[i]) && features.All(f => !f[i].Any(double.IsNaN))).ToArray();
        var x = complete.Select(i => (intercept ? new[] { 1.0 } : []).Concat(features.SelectMany(f => f[i])).ToArray()).ToArray();
        return (x, [.. complete.Select(i => outcome[i])]);
    }

    public override IReadOnlyDictionary<string, double[]> Derive(IReadOnlyDictionary<string, double[]> outputs, ProtocolParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(parameters);
        return Tests(outputs["n"][0], outputs["coefficients"], outputs["standard_errors"], outputs["r_squared"][0], parameters.Boolean("intercept"));
    }

    /// <summary>t and p per coefficient, residual df, adjusted R^2 and the F test, as summary.lm computes them from the fit.</summary>
    public static Dictionary<string, double[]> Tests(double n, double[] coefficients, double[] errors, double rSquared, bool intercept)
    {
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(errors);
        int p = coefficients.Length;
        double df = n - p, numerator = intercept ? p - 1 : p;
        double f = rSquared / numerator / ((1 - rSquared) / df);
        var t = coefficients.Select((c, j) => c / errors[j]).ToArray();
        return new Dictionary<string, double[]>
        {
            ["t_values"] = t,
            ["p_values"] = [.. t.Select(v => 2 * StudentT.CDF(0, 1, df, -Math.Abs(v)))],
            ["df"] = [df],
            ["adj_r_squared"] = [1 - (1 - rSquared) * ((n - (intercept ? 1 : 0)) / df)],
            ["f_statistic"] = [f, numerator, df],
            ["f_p_value"] = [1 - FisherSnedecor.CDF(numerator, df, f)],
        };
    }

    /// <summary>Clear-text reference on the pooled rows (least squares by QR), for tests.</summary>
    public static Dictionary<string, double[]> ComputeInTheClear(IReadOnlyList<Mpc.Data.CsvTable> tables, IReadOnlyDictionary<string, string> parameters)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var bound = ProtocolParameters.Bind(new LinearRegressionProtocol().Parameters, parameters);
        var rows = tables.Select(t => Design(t, bound)).ToList();
        var x = Matrix<double>.Build.DenseOfRowArrays(rows.SelectMany(r => r.X));
        var y = Vector<double>.Build.DenseOfEnumerable(rows.SelectMany(r => r.Y));
        var b = x.QR().Solve(y);
        var residuals = y - x * b;
        double rss = residuals.DotProduct(residuals), n = y.Count, df = n - b.Count;
        double tss = bound.Boolean("intercept") ? (y - y.Average()).DotProduct(y - y.Average()) : y.DotProduct(y);
        var covariance = (x.TransposeThisAndMultiply(x)).Inverse() * (rss / df);
        var errors = Enumerable.Range(0, b.Count).Select(j => Math.Sqrt(covariance[j, j])).ToArray();
        var result = Tests(n, b.ToArray(), errors, 1 - rss / tss, bound.Boolean("intercept"));
        result["n"] = [n];
        result["coefficients"] = b.ToArray();
        result["standard_errors"] = errors;
        result["sigma"] = [Math.Sqrt(rss / df)];
        result["r_squared"] = [1 - rss / tss];
        return result;
    }
}
