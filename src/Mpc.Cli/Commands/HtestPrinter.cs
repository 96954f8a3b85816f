using System.Globalization;
using Mpc.Federation;

namespace Mpc.Cli.Commands;

/// <summary>
/// The built-in tests as R's print.htest shows them: Welch's t-test (t.test) and the chi-square test (chisq.test).
/// Deliberately unlike R, the "data:" line names the dataset's columns, since there is no R expression to quote.
/// </summary>
internal static class HtestPrinter
{
    // print.htest's digits: getOption("digits").
    private const int Digits = 7;

    /// <summary>Writes the test when the result is one of the built-in tests; the names of the outputs it covered.</summary>
    public static IReadOnlyList<string> TryWrite(SessionResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        var o = result.Outputs;
        if (!o.TryGetValue("df", out var df) || !o.TryGetValue("p_value", out var p)) return [];
        string Parameter(string name) => result.Parameters.TryGetValue(name, out var value) ? value : "";
        if (result.Protocol == "t-test" && o.TryGetValue("t", out var t) && o.TryGetValue("conf_int", out var interval) && o.TryGetValue("mean", out var mean))
        {
            var levels = Parameter("levels").Split(',', StringSplitOptions.TrimEntries);
            if (levels.Length != 2 || mean.Values.Length != 2 || interval.Values.Length != 2) return [];
            double confidence = double.TryParse(Parameter("conf_level"), NumberStyles.Float, CultureInfo.InvariantCulture, out var c) ? c : 0.95;
            Write(output, "Welch Two Sample t-test", $"{Parameter("value")} by {Parameter("group")}", ("t", t.Values[0]), df.Values[0], p.Values[0]);
            output.WriteLine($"alternative hypothesis: true difference in means between group {levels[0]} and group {levels[1]} is not equal to 0");
            output.WriteLine($"{RFormat.Format(100 * confidence, Digits)} percent confidence interval:");
            output.WriteLine(" " + string.Join(" ", RFormat.Format(interval.Values, Digits)));
            output.WriteLine("sample estimates:");
            foreach (var line in LabelledVector.Lines(levels.Select(l => $"mean in group {l}").ToList(), mean.Values, Digits)) output.WriteLine(line);
            output.WriteLine();
            return ["t", "df", "p_value", "conf_int", "mean"];
        }
        if (result.Protocol == "table" && o.TryGetValue("chi2", out var chi2) && o.TryGetValue("counts", out var counts))
        {
            bool twoWay = Parameter("column").Length > 0;
            bool yates = twoWay && counts.Rows == 2 && counts.Columns == 2 && !string.Equals(Parameter("correct"), "false", StringComparison.OrdinalIgnoreCase);
            string method = !twoWay ? "Chi-squared test for given probabilities"
                : yates ? "Pearson's Chi-squared test with Yates' continuity correction" : "Pearson's Chi-squared test";
            Write(output, method, twoWay ? $"{Parameter("row")} by {Parameter("column")}" : Parameter("row"), ("X-squared", chi2.Values[0]), df.Values[0], p.Values[0]);
            output.WriteLine();
            return ["chi2", "df", "p_value"];
        }
        return [];
    }

    private static void Write(TextWriter output, string method, string data, (string Name, double Value) statistic, double df, double p)
    {
        output.WriteLine();
        output.WriteLine("\t" + method);
        output.WriteLine();
        output.WriteLine("data:  " + data);
        string pValue = RFormat.PValues([p], Digits - 3)[0];
        output.WriteLine($"{statistic.Name} = {RFormat.Format(statistic.Value, Digits - 2)}, df = {RFormat.Format(df, Digits - 2)}, p-value {(pValue.StartsWith('<') ? pValue : "= " + pValue)}");
    }
}
