using System.Globalization;
using MathNet.Numerics.Distributions;
using Mpc.Federation;

namespace Mpc.Cli.Commands;

/// <summary>
/// A regression's named coefficients as a table, as R's summary(glm) prints it: estimate and, when the session
/// revealed them, standard error, Wald z and two-sided p-value (computed here from the two revealed outputs), then a
/// logistic regression's null and residual deviance with their degrees of freedom, AIC and n.
/// </summary>
internal static class CoefficientTable
{
    /// <summary>Writes the table when the result has a labelled <c>coefficients</c> output; the names of the outputs it covered.</summary>
    public static IReadOnlyList<string> TryWrite(SessionResult result, TextWriter output)
    {
        if (!result.Outputs.TryGetValue("coefficients", out var coefficients) || coefficients.Labels is not { } labels || labels.Count == 0 || labels.Count != coefficients.Values.Length)
            return [];
        var errors = result.Outputs.TryGetValue("standard_errors", out var se) && se.Values.Length == coefficients.Values.Length ? se.Values : null;
        // A linear regression's own t tests (on n - p df) replace the Wald z of a logistic one.
        var tests = result.Outputs.TryGetValue("p_values", out var pv) && pv.Values.Length == coefficients.Values.Length ? pv.Values : null;
        string statistic = tests is null ? "z" : "t";
        int width = Math.Max(12, labels.Max(l => l.Length) + 2);
        output.WriteLine("  coefficients");
        output.WriteLine(errors is null
            ? $"    {"".PadRight(width)}{"Estimate",14}"
            : $"    {"".PadRight(width)}{"Estimate",14}{"Std. Error",14}{statistic + " value",10}{$"Pr(>|{statistic}|)",12}");
        for (int j = 0; j < labels.Count; j++)
        {
            string estimate = Format(coefficients.Values[j]);
            if (errors is null)
            {
                output.WriteLine($"    {labels[j].PadRight(width)}{estimate,14}");
                continue;
            }
            double z = coefficients.Values[j] / errors[j];
            double p = tests?[j] ?? 2 * Normal.CDF(0, 1, -Math.Abs(z));
            output.WriteLine($"    {labels[j].PadRight(width)}{estimate,14}{Format(errors[j]),14}{z.ToString("F3", CultureInfo.InvariantCulture),10}{p.ToString("G3", CultureInfo.InvariantCulture),12}");
        }
        List<string> covered = errors is null ? ["coefficients"] : tests is null ? ["coefficients", "standard_errors"] : ["coefficients", "standard_errors", "t_values", "p_values"];
        covered.AddRange(WriteDeviance(result, output));
        return covered;
    }

    /// <summary>
    /// A logistic regression's deviances, AIC and n, as summary(glm) prints them below its table; when they were not revealed,
    /// why not. The names of the outputs it covered.
    /// </summary>
    private static IReadOnlyList<string> WriteDeviance(SessionResult result, TextWriter output)
    {
        var outputs = result.Outputs;
        if (outputs.TryGetValue("deviance", out var deviance) && outputs.TryGetValue("null_deviance", out var nullDeviance) && outputs.TryGetValue("aic", out var aic)
            && outputs.TryGetValue("degrees_of_freedom", out var df) && df.Values.Length == 2 && outputs.TryGetValue("counts", out var counts) && counts.Values.Length == 2)
        {
            output.WriteLine();
            output.WriteLine($"        Null deviance: {Fixed(nullDeviance.Values[0])}  on {Count(df.Values[0])}  degrees of freedom");
            output.WriteLine($"    Residual deviance: {Fixed(deviance.Values[0])}  on {Count(df.Values[1])}  degrees of freedom");
            output.WriteLine($"    AIC: {Fixed(aic.Values[0])}");
            output.WriteLine($"    n = {Count(counts.Values[0])} ({Count(counts.Values[1])} events)");
            return ["deviance", "null_deviance", "aic", "degrees_of_freedom", "counts"];
        }
        // Only a logistic fit's own outputs say which mode ran: the DP mode opens gradients, the final mode its convergence.
        if (outputs.ContainsKey("gradients"))
            output.WriteLine("    deviance, AIC: not revealed (reveal=dp-intermediates opens only noised gradients; an exact deviance would be an exact aggregate of the rows)");
        else if (outputs.ContainsKey("converged"))
            output.WriteLine("    deviance, AIC: not revealed (deviance=false)");
        return [];
    }

    private static string Fixed(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    private static string Count(double value) => Math.Round(value).ToString("F0", CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
