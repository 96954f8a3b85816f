using MathNet.Numerics.Distributions;
using Mpc.Federation;

namespace Mpc.Cli.Commands;

/// <summary>
/// A regression's named coefficients as R's printCoefmat prints them in summary(glm) and summary(lm): estimate and,
/// when the session revealed them, standard error, z (or lm's t) value, p-value, significance stars and their legend;
/// then, for a linear regression, summary.lm's residual standard error, R-squared and F lines, and for a logistic
/// regression summary.glm's null and residual deviance, AIC and (ours) n with its events.
/// </summary>
internal static class CoefficientTable
{
    // printCoefmat's digits in summary.glm and summary.lm: max(3, getOption("digits") - 3).
    private const int Digits = 4;

    /// <summary>The legend R prints under starred p-values (in a UTF-8 locale).</summary>
    public const string Legend = "Signif. codes:  0 ‘***’ 0.001 ‘**’ 0.01 ‘*’ 0.05 ‘.’ 0.1 ‘ ’ 1";

    /// <summary>Writes the table when the result has a labelled <c>coefficients</c> output; the names of the outputs it covered.</summary>
    public static IReadOnlyList<string> TryWrite(SessionResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        if (!result.Outputs.TryGetValue("coefficients", out var coefficients) || coefficients.Labels is not { } labels || labels.Count == 0 || labels.Count != coefficients.Values.Length)
            return [];
        var errors = result.Outputs.TryGetValue("standard_errors", out var se) && se.Values.Length == coefficients.Values.Length ? se.Values : null;
        // A linear regression's own t tests (on n - p df) replace the Wald z of a logistic one.
        var tests = result.Outputs.TryGetValue("p_values", out var pv) && pv.Values.Length == coefficients.Values.Length ? pv.Values : null;
        output.WriteLine("Coefficients:");
        if (errors is null)
        {
            foreach (var line in RFormat.Matrix(labels, ["Estimate"], [RFormat.Format(coefficients.Values, Digits)])) output.WriteLine(line);
            return ["coefficients", .. WriteDeviance(result, output)];
        }
        string statistic = tests is null ? "z" : "t";
        var values = coefficients.Values.Select((b, j) => b / errors[j]).ToArray();
        var p = tests ?? values.Select(z => 2 * Normal.CDF(0, 1, -Math.Abs(z))).ToArray();
        foreach (var line in Lines(labels, coefficients.Values, errors, values, p, statistic)) output.WriteLine(line);
        if (tests is null) return ["coefficients", "standard_errors", .. WriteDeviance(result, output)];
        WriteFit(result, output);
        return ["coefficients", "standard_errors", "t_values", "p_values", "sigma", "df", "r_squared", "adj_r_squared", "f_statistic", "f_p_value"];
    }

    /// <summary>printCoefmat(cbind(estimate, se, statistic, p), digits = 4, signif.stars = TRUE) line by line.</summary>
    internal static IEnumerable<string> Lines(IReadOnlyList<string> labels, double[] estimates, double[] errors, double[] statistics, double[] p, string statistic)
    {
        // Estimate and standard error are rounded to the decimals the smallest of them needs, then formatted together.
        var magnitudes = estimates.Concat(errors).Where(v => double.IsFinite(v) && v != 0).Select(Math.Abs).ToList();
        int smallest = magnitudes.Count > 0 ? 1 + (int)Math.Floor(Math.Log10(magnitudes.Min())) : 1;
        int decimals = Math.Max(1, Digits - smallest);
        var both = RFormat.Format(estimates.Concat(errors).Select(v => RFormat.Round(v, decimals)).ToArray(), Digits);
        // A non-zero value that rounded to zero is shown at digits - 1 instead, as printCoefmat does.
        var raw = estimates.Concat(errors).ToArray();
        for (int i = 0; i < both.Length; i++)
            if ((raw[i] == 0) != (double.Parse(both[i], System.Globalization.CultureInfo.InvariantCulture) == 0)) both[i] = RFormat.Format(raw[i], Digits - 1);
        var tests = RFormat.Format(statistics.Select(t => RFormat.Round(t, 3)).ToArray(), Digits);
        var pValues = RFormat.PValues(p, 3);
        var columns = new List<string[]> { both[..estimates.Length], both[estimates.Length..], tests, pValues };
        var header = new List<string> { "Estimate", "Std. Error", $"{statistic} value", $"Pr(>|{statistic}|)" };
        bool stars = p.Any(v => v < 0.1);
        if (stars)
        {
            var symbols = p.Select(Stars).ToArray();
            int width = symbols.Max(s => s.Length);
            columns.Add(symbols.Select(s => s.PadRight(width)).ToArray());
            header.Add("");
        }
        foreach (var line in RFormat.Matrix(labels, header, columns)) yield return line;
        if (!stars) yield break;
        yield return "---";
        yield return Legend;
    }

    private static string Stars(double p) => p < 0.001 ? "***" : p < 0.01 ? "**" : p < 0.05 ? "*" : p < 0.1 ? "." : " ";

    // summary.lm's lines under the table.
    private static void WriteFit(SessionResult result, TextWriter output)
    {
        var o = result.Outputs;
        if (!o.TryGetValue("sigma", out var sigma) || !o.TryGetValue("df", out var df) || !o.TryGetValue("r_squared", out var r2) || !o.TryGetValue("adj_r_squared", out var adjusted)) return;
        output.WriteLine();
        output.WriteLine($"Residual standard error: {RFormat.Format(sigma.Values[0], Digits)} on {RFormat.Format(df.Values[0], 7)} degrees of freedom");
        output.WriteLine($"Multiple R-squared:  {RFormat.Format(r2.Values[0], Digits)},\tAdjusted R-squared:  {RFormat.Format(adjusted.Values[0], Digits)} ");
        if (o.TryGetValue("f_statistic", out var f) && f.Values.Length == 3 && o.TryGetValue("f_p_value", out var fp))
            output.WriteLine($"F-statistic: {RFormat.Format(f.Values[0], Digits)} on {RFormat.Format(f.Values[1], 7)} and {RFormat.Format(f.Values[2], 7)} DF,  p-value: {RFormat.PValues(fp.Values, Digits)[0]}");
    }

    /// <summary>
    /// A logistic regression's deviances and AIC as summary.glm prints them under its table (format with 5 digits), then n;
    /// when they were not revealed, why not. The names of the outputs it covered.
    /// </summary>
    private static IReadOnlyList<string> WriteDeviance(SessionResult result, TextWriter output)
    {
        var outputs = result.Outputs;
        if (outputs.TryGetValue("deviance", out var deviance) && outputs.TryGetValue("null_deviance", out var nullDeviance) && outputs.TryGetValue("aic", out var aic)
            && outputs.TryGetValue("degrees_of_freedom", out var df) && df.Values.Length == 2 && outputs.TryGetValue("counts", out var counts) && counts.Values.Length == 2)
        {
            var deviances = RFormat.Format([nullDeviance.Values[0], deviance.Values[0]], 5);
            var degrees = RFormat.Format([Math.Round(df.Values[0]), Math.Round(df.Values[1])], 7);
            output.WriteLine();
            output.WriteLine($"    Null deviance: {deviances[0]}  on {degrees[0]}  degrees of freedom");
            output.WriteLine($"Residual deviance: {deviances[1]}  on {degrees[1]}  degrees of freedom");
            output.WriteLine($"AIC: {RFormat.Format(aic.Values[0], 5)}");
            output.WriteLine($"n = {RFormat.Format(Math.Round(counts.Values[0]), 7)} ({RFormat.Format(Math.Round(counts.Values[1]), 7)} events)");
            return ["deviance", "null_deviance", "aic", "degrees_of_freedom", "counts"];
        }
        // Only a logistic fit's own outputs say which mode ran: the DP mode opens gradients, the final mode its convergence.
        if (outputs.ContainsKey("gradients"))
            output.WriteLine("deviance, AIC: not revealed (reveal=dp-intermediates opens only noised gradients; an exact deviance would be an exact aggregate of the rows)");
        else if (outputs.ContainsKey("converged"))
            output.WriteLine("deviance, AIC: not revealed (deviance=false)");
        return [];
    }
}
