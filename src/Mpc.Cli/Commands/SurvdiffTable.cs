using Mpc.Federation;

namespace Mpc.Cli.Commands;

/// <summary>
/// A logrank test's per-group table and chi-square line as R's print.survdiff prints them (N, Observed,
/// Expected, (O-E)^2/E, (O-E)^2/V at 3 digits; "Chisq= 10.3  on 1 degrees of freedom, p= 0.001").
/// </summary>
internal static class SurvdiffTable
{
    private const int Digits = 3;

    /// <summary>Writes the table when the result has survdiff's outputs (reveal_groups=true); the names of the outputs it covered.</summary>
    public static IReadOnlyList<string> TryWrite(SessionResult result, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(output);
        var o = result.Outputs;
        if (!o.TryGetValue("chi2", out var chi2) || !o.TryGetValue("df", out var df) || !o.TryGetValue("p_value", out var p)) return [];
        if (!o.TryGetValue("n", out var n) || !o.TryGetValue("observed", out var observed) || !o.TryGetValue("expected", out var expected)) return [];
        int groups = n.Values.Length;
        if (groups < 2 || observed.Values.Length != groups || expected.Values.Length != groups) return [];
        var levels = result.Parameters.TryGetValue("levels", out var l) ? l.Split(',', StringSplitOptions.TrimEntries) : [];
        string group = result.Parameters.TryGetValue("group", out var g) ? g : "group";
        var rowNames = Enumerable.Range(0, groups).Select(i => $"{group}={(i < levels.Length ? levels[i] : (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture))}").ToList();
        var oe = Enumerable.Range(0, groups).Select(i => Math.Pow(observed.Values[i] - expected.Values[i], 2)).ToArray();
        var header = new List<string> { "N", "Observed", "Expected", "(O-E)^2/E" };
        var columns = new List<string[]>
        {
            RFormat.Format(n.Values, Digits), RFormat.Format(observed.Values, Digits), RFormat.Format(expected.Values, Digits),
            RFormat.Format(oe.Select((d, i) => d / expected.Values[i]).ToArray(), Digits),
        };
        // With two groups each (O-E)^2/V is the chi-square itself; with more, V is not revealed, so the column is left out.
        if (groups == 2)
        {
            header.Add("(O-E)^2/V");
            columns.Add(RFormat.Format([chi2.Values[0], chi2.Values[0]], Digits));
        }
        foreach (var line in RFormat.Matrix(rowNames, header, columns)) output.WriteLine(line);
        output.WriteLine();
        // print.survdiff: cat("\n Chisq=", format(round(chisq, 1)), " on", df, "degrees of freedom, p=", format.pval(p), "\n") at digits 3.
        output.WriteLine($" Chisq= {RFormat.Format(RFormat.Round(chi2.Values[0], 1), 7)}  on {RFormat.Format(df.Values[0], 7)} degrees of freedom, p= {RFormat.PValues(p.Values, 1)[0]} ");
        return ["chi2", "df", "p_value", "n", "observed", "expected"];
    }
}
