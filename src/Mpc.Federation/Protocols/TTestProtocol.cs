using MathNet.Numerics.Distributions;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Federation.Protocols;

/// <summary>
/// Welch's two-sample t-test (R's t.test(value ~ group)) on the pooled rows: each group's size (a count), mean and
/// sample variance are computed under MPC and revealed; t, the Welch-Satterthwaite df, the two-sided p-value and
/// the confidence interval of the difference follow in the clear. Z_2^128 with 40 fractional bits.
/// </summary>
public sealed class TTestProtocol : BuiltInProtocol<UInt128>
{
    public override string Name => "t-test";

    public override string Description => "Welch two-sample t-test of a numeric column between two groups (as R's t.test): means, variances, t, df, p.";

    public override IReadOnlyList<ParameterDefinition> Parameters { get; } =
    [
        new("value", ParameterType.Column, null, "Numeric column compared between the groups."),
        new("group", ParameterType.Column, null, "Column whose levels form the two groups."),
        new("levels", ParameterType.Text, null, "The two group levels, comma-separated, as text or numbers (first minus second)."),
        new("conf_level", ParameterType.Number, "0.95", "Confidence level of the interval of the difference in means."),
        DatasetParameter,
    ];

    public override IReadOnlyList<OutputDefinition> Outputs { get; } =
    [
        new("n", OutputKind.Counts, "Rows per group."),
        new("mean", OutputKind.Exact, "Mean of the value per group."),
        new("variance", OutputKind.Exact, "Sample variance (n - 1 denominator) of the value per group."),
        new("t", OutputKind.Derived, "Welch's t statistic of the first group's mean minus the second's."),
        new("df", OutputKind.Derived, "Welch-Satterthwaite degrees of freedom."),
        new("p_value", OutputKind.Derived, "Two-sided p-value."),
        new("conf_int", OutputKind.Derived, "Confidence interval of the difference in means."),
    ];

    public override FixedPointFormat Format => FixedPointFormat.Ring128;

    public override IReadOnlyList<string> Validate(ProtocolParameters parameters, Mpc.Data.CsvTable dataset)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var problems = base.Validate(parameters, dataset).ToList();
        var levels = parameters.List("levels");
        if (GroupLevels.Problem("levels", levels, 2) is { } problem) problems.Add(problem);
        else if (levels.Count != 2) problems.Add("parameter 'levels' needs exactly two levels");
        double confidence = parameters.Number("conf_level");
        if (!(confidence > 0 && confidence < 1)) problems.Add("parameter 'conf_level' must lie between 0 and 1");
        return problems;
    }

    public override IReadOnlyList<string>? Labels(string output, ProtocolParameters parameters) =>
        output is "n" or "mean" or "variance" ? parameters.List("levels") : null;

    protected override async Task RunAsync(MpcRuntime<UInt128> runtime, ProtocolContext context)
    {
        var p = context.Parameters;
        var value = context.Dataset.Column(p.Text("value"));
        var group = GroupLevels.Assign(context.Dataset, p.Text("group"), p.List("levels"));
        var sizes = GroupLevels.Sizes(group, 2);
        // Disclosure limits, on this party's own rows before it contributes.
        runtime.RevealPolicy.CheckDisclosure("n", DisclosureKind.CellCounts, p.Text("group"), sizes);
        runtime.RevealPolicy.CheckDisclosure("mean", DisclosureKind.GroupSizes, p.Text("group"), sizes);
        runtime.RevealPolicy.CheckDisclosure("variance", DisclosureKind.GroupSizes, p.Text("group"), sizes);
        for (int g = 0; g < 2; g++) DisclosureChecks.CheckTotal(runtime.RevealPolicy, "mean", p.Text("value"), value.Where((_, i) => group[i] == g).ToArray());

        var local = new double[6];
        for (int i = 0; i < value.Length; i++)
        {
            if (group[i] < 0) continue;
            local[group[i]] += 1;
            local[2 + group[i]] += value[i];
            local[4 + group[i]] += value[i] * value[i];
        }
        var labels = new[] { "row count per group", "row count per group", "total per group", "total per group", "sum of squares per group", "sum of squares per group" };
        var sums = await Input.SumAcrossPartiesAsync(runtime, local, 1, runtime.Format.FractionalBits, labels).ConfigureAwait(false);
        var (n, mean, variance) = await PooledMoments.ComputeAsync(runtime, sums.Slice(0, 2), sums.Slice(2, 2), sums.Slice(4, 2)).ConfigureAwait(false);
        await Opening.OutputAsync(runtime, n, "n").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, mean, "mean").ConfigureAwait(false);
        await Opening.OutputAsync(runtime, variance, "variance").ConfigureAwait(false);
    }

    public override IReadOnlyDictionary<string, double[]> Derive(IReadOnlyDictionary<string, double[]> outputs, ProtocolParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(parameters);
        return Welch(outputs["n"], outputs["mean"], outputs["variance"], parameters.Number("conf_level"));
    }

    /// <summary>t, df, p-value and confidence interval from each group's size, mean and sample variance, as R's t.test computes them.</summary>
    public static Dictionary<string, double[]> Welch(double[] n, double[] mean, double[] variance, double confidence)
    {
        ArgumentNullException.ThrowIfNull(n);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(variance);
        double a = variance[0] / n[0], b = variance[1] / n[1];
        double se = Math.Sqrt(a + b);
        double df = (a + b) * (a + b) / (a * a / (n[0] - 1) + b * b / (n[1] - 1));
        double t = (mean[0] - mean[1]) / se;
        double quantile = StudentT.InvCDF(0, 1, df, 1 - (1 - confidence) / 2);
        return new Dictionary<string, double[]>
        {
            ["t"] = [t],
            ["df"] = [df],
            ["p_value"] = [2 * StudentT.CDF(0, 1, df, -Math.Abs(t))],
            ["conf_int"] = [mean[0] - mean[1] - quantile * se, mean[0] - mean[1] + quantile * se],
        };
    }

    /// <summary>Clear-text reference of every output on the pooled rows, for tests.</summary>
    public static Dictionary<string, double[]> ComputeInTheClear(IReadOnlyList<Mpc.Data.CsvTable> tables, string value, string group, IReadOnlyList<string> levels, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(tables);
        var groups = Enumerable.Range(0, 2).Select(g => tables.SelectMany(t =>
        {
            var assigned = GroupLevels.Assign(t, group, levels);
            return t.Column(value).Where((_, i) => assigned[i] == g);
        }).ToArray()).ToArray();
        double[] n = [.. groups.Select(x => (double)x.Length)];
        double[] mean = [.. groups.Select(x => x.Average())];
        double[] variance = [.. groups.Select(PooledMoments.Variance)];
        var result = Welch(n, mean, variance, confidence);
        result["n"] = n;
        result["mean"] = mean;
        result["variance"] = variance;
        return result;
    }
}
