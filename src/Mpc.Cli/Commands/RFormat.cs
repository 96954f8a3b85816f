using System.Globalization;

namespace Mpc.Cli.Commands;

/// <summary>
/// Numbers as R prints them: <c>format(x, digits)</c> (R's formatReal: the fewest significant digits, at most
/// <c>digits</c>, that show every element, one common number of decimals, fixed unless scientific is narrower),
/// <c>format.pval</c> and <c>round</c>, so that the CLI's tables read as R's do for the same numbers.
/// </summary>
internal static class RFormat
{
    /// <summary>R's <c>format(values, digits = digits)</c>: every element formatted alike and right-aligned to one width.</summary>
    public static string[] Format(IReadOnlyList<double> values, int digits)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        return FormatCommon(values, digits);
    }

    /// <summary>One number as R's <c>format(value, digits = digits)</c>.</summary>
    public static string Format(double value, int digits) => Format([value], digits)[0];

    /// <summary>R's <c>format.pval(values, digits, eps = .Machine$double.eps)</c>: "&lt;2e-16" below the machine epsilon.</summary>
    public static string[] PValues(IReadOnlyList<double> values, int digits)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 1);
        var result = new string[values.Count];
        var tiny = Enumerable.Range(0, values.Count).Where(i => values[i] < MachineEpsilon).ToList();
        var rest = Enumerable.Range(0, values.Count).Except(tiny).ToList();
        // format.pval formats the p-values of exponent -3 or more together, and the smaller ones together.
        var fixedOnes = rest.Where(i => values[i] == 0 || Math.Floor(Math.Log10(values[i])) >= -3).ToList();
        var others = rest.Except(fixedOnes).ToList();
        foreach (var group in new[] { fixedOnes, others })
        {
            var formatted = group.Count > 0 ? FormatCommon(group.Select(i => values[i]).ToList(), digits) : [];
            for (int k = 0; k < group.Count; k++) result[group[k]] = formatted[k];
        }
        if (tiny.Count > 0)
        {
            int epsDigits = Math.Max(1, digits - 2);
            string separator = epsDigits == 1 ? "" : " ";
            if (rest.Count > 0)
            {
                int widest = rest.Max(i => result[i].Length);
                if (epsDigits > 1 && epsDigits + 6 > widest) epsDigits = Math.Max(1, widest - 7);
                separator = epsDigits == 1 && widest <= 6 ? "" : " ";
            }
            string eps = "<" + separator + Format(MachineEpsilon, epsDigits);
            foreach (int i in tiny) result[i] = eps;
        }
        return result;
    }

    /// <summary>
    /// R's <c>round(value, decimals)</c> (R 4's fround.c): the nearer of the two neighbours at that many decimals, as
    /// doubles, and the even one when both are as near; so round(0.45, 1) is 0.4 and round(0.15, 1) is 0.1, as in R.
    /// </summary>
    public static double Round(double value, int decimals)
    {
        if (!double.IsFinite(value) || value == 0) return value;
        if (decimals == 0) return Math.Round(value, MidpointRounding.ToEven);
        if (value < 0) return -Round(-value, decimals);
        // Beyond double's 15 digits there is nothing to round.
        if (Math.Log10(2) * (0.5 + Math.ILogB(value)) + decimals > 15) return value;
        double scale = Math.Pow(10, decimals), scaled = scale * value, below = Math.Floor(scaled);
        double down = below / scale, up = Math.Ceiling(scaled) / scale;
        double toUp = up - value, toDown = value - down;
        return toUp < toDown || (toUp == toDown && below % 2 == 1) ? up : down;
    }

    /// <summary>Right-aligns each cell to its column's width, a row name column left-aligned, one space between columns (R's print of a matrix).</summary>
    public static IEnumerable<string> Matrix(IReadOnlyList<string> rowNames, IReadOnlyList<string> header, IReadOnlyList<string[]> columns)
    {
        ArgumentNullException.ThrowIfNull(rowNames);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(columns);
        int nameWidth = rowNames.Count == 0 ? 0 : rowNames.Max(n => n.Length);
        var widths = columns.Select((column, j) => Math.Max(header[j].Length, column.Length == 0 ? 0 : column.Max(c => c.Length))).ToArray();
        yield return "".PadRight(nameWidth) + string.Concat(header.Select((h, j) => " " + h.PadLeft(widths[j])));
        for (int i = 0; i < rowNames.Count; i++)
            yield return rowNames[i].PadRight(nameWidth) + string.Concat(columns.Select((c, j) => " " + c[i].PadLeft(widths[j])));
    }

    private const double MachineEpsilon = 2.220446049250313e-16;

    private static string[] FormatCommon(IReadOnlyList<double> values, int digits)
    {
        bool negative = false;
        int maxSignedLeft = int.MinValue, right = int.MinValue, maxLeft = int.MinValue, maxSignificant = int.MinValue;
        int maxExponent = int.MinValue, minExponent = int.MaxValue;
        foreach (double x in values.Where(double.IsFinite))
        {
            var (exponent, significant, widens) = Scientific(x, digits);
            int left = exponent + 1 - (widens ? 1 : 0);
            bool minus = x < 0 || (x == 0 && double.IsNegative(x));
            negative |= minus;
            maxSignedLeft = Math.Max(maxSignedLeft, (minus ? 1 : 0) + (left <= 0 ? 1 : left));
            right = Math.Max(right, significant - left);
            maxLeft = Math.Max(maxLeft, left);
            maxSignificant = Math.Max(maxSignificant, significant);
            maxExponent = Math.Max(maxExponent, exponent);
            minExponent = Math.Min(minExponent, exponent);
        }
        if (maxSignificant == int.MinValue) return values.Select(Special).ToArray();
        if (maxLeft < 0) maxSignedLeft = 1 + (negative ? 1 : 0);
        right = Math.Max(right, 0);
        int fixedWidth = maxSignedLeft + right + (right != 0 ? 1 : 0);
        int exponentDigits = maxExponent >= 100 || minExponent <= -99 ? 2 : 1;
        int mantissaDecimals = maxSignificant - 1;
        int scientificWidth = (negative ? 1 : 0) + (mantissaDecimals > 0 ? 1 : 0) + mantissaDecimals + 4 + exponentDigits;
        bool useFixed = fixedWidth <= scientificWidth;
        int width = useFixed ? fixedWidth : scientificWidth;
        return values.Select(x => (double.IsFinite(x)
            ? useFixed ? x.ToString("F" + right, CultureInfo.InvariantCulture) : ScientificText(x, mantissaDecimals)
            : Special(x)).PadLeft(width)).ToArray();
    }

    // The decimal exponent and the significant digits (at most digits, trailing zeros dropped) of x rounded to digits.
    private static (int Exponent, int Significant, bool Widens) Scientific(double x, int digits)
    {
        if (x == 0) return (0, 1, false);
        string text = Math.Abs(x).ToString("E" + (digits - 1), CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        int exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
        string mantissa = text[..e].Replace(".", "", StringComparison.Ordinal);
        int significant = mantissa.TrimEnd('0').Length;
        // 99999.7 to 3 digits is 1.00e5, yet in fixed notation it keeps five digits left of the point.
        bool widens = exponent > 0 && Math.Abs(x) < Math.Pow(10, exponent);
        return (exponent, Math.Max(1, significant), widens);
    }

    // C's %.*e with R's exponent of at least two digits: 1.234560e-04.
    private static string ScientificText(double x, int decimals)
    {
        string text = x.ToString("E" + decimals, CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        int exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
        return text[..e] + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
    }

    private static string Special(double x) => double.IsNaN(x) ? "NaN" : double.IsPositiveInfinity(x) ? "Inf" : "-Inf";
}
