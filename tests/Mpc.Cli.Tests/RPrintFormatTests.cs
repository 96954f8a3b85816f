using Mpc.Cli.Commands;

namespace Mpc.Cli.Tests;

/// <summary>
/// The CLI's tables against R's own printout of the same numbers (Reference/*.txt, written by
/// Reference/print-reference.R with R 4.2.2 and survival 3.5.3 in a UTF-8 locale).
/// </summary>
public class RPrintFormatTests
{
    [Fact]
    public void TheLogrankTableOfTwoGroupsPrintsAsSurvdiffPrintsIt()
    {
        var printed = Print(SurvdiffTable.TryWrite, ReferenceCase.Load("survdiff-sex"));
        Assert.Equal(ReferenceCase.Printed("survdiff-sex"), printed);
    }

    [Fact]
    public void TheLogrankTableOfFourTextGroupsPrintsAsSurvdiffLessTheVarianceColumnThatIsNotRevealed()
    {
        var printed = Print(SurvdiffTable.TryWrite, ReferenceCase.Load("survdiff-celltype"));
        var table = ReferenceCase.Printed("survdiff-celltype-novariance");
        Assert.Equal(table, printed.Take(table.Count));
        // The blank line and the chi-square line are survdiff's own.
        Assert.Equal(ReferenceCase.Printed("survdiff-celltype").TakeLast(2), printed.Skip(table.Count));
    }

    [Theory]
    [InlineData("glm-am")]
    [InlineData("glm-nostars")]
    public void ALogisticRegressionsCoefficientsPrintAsSummaryGlmWithStarsAndLegend(string name)
    {
        var printed = Print(CoefficientTable.TryWrite, ReferenceCase.Load(name));
        Assert.Equal("Coefficients:", printed[0]);
        Assert.Equal(ReferenceCase.Printed(name), printed.Skip(1));
    }

    [Theory]
    [InlineData("lm-mpg")]
    [InlineData("lm-intercept")]
    public void ALinearRegressionPrintsAsSummaryLmIncludingPValuesBelowTheMachineEpsilon(string name)
    {
        var printed = Print(CoefficientTable.TryWrite, ReferenceCase.Load(name, "linear-regression"));
        var expected = ReferenceCase.Printed(name).Append("").Concat(ReferenceCase.Printed(name + "-fit"));
        Assert.Equal(expected, printed.Skip(1));
    }

    [Theory]
    [InlineData("vector-totals")]
    [InlineData("vector-means")]
    [InlineData("vector-small")]
    public void ALabelledOutputPrintsAsRsNamedVector(string name)
    {
        var reference = ReferenceCase.Load(name);
        var values = reference.Values["values"];
        Assert.Equal(ReferenceCase.Printed(name), LabelledVector.Lines(reference.Labels, values));
        // On the console, deliberately: indented under the output's name, without R's trailing space.
        using var console = new StringWriter();
        Assert.True(LabelledVector.TryWrite("values", reference.Labels, values, console));
        Assert.Equal(ReferenceCase.Printed(name).Select(l => "    " + l.TrimEnd()).Prepend("  values"), Lines(console));
    }

    [Fact]
    public void WelchsTestPrintsAsPrintHtest()
    {
        var printed = Print(HtestPrinter.TryWrite, ReferenceCase.Load("htest-t", "t-test"));
        Assert.Equal(ReferenceCase.Printed("htest-t"), printed);
    }

    [Theory]
    [InlineData("htest-chisq", "sex by status")]
    [InlineData("htest-chisq-oneway", "celltype")]
    public void TheChiSquareTestPrintsAsPrintHtestNamingTheColumnsAsItsData(string name, string data)
    {
        var printed = Print(HtestPrinter.TryWrite, ReferenceCase.Load(name, "table"));
        var expected = ReferenceCase.Printed(name).ToArray();
        // R names the table's expression; the CLI has none and names the dataset's columns.
        int dataLine = Array.FindIndex(expected, l => l.StartsWith("data:  ", StringComparison.Ordinal));
        expected[dataLine] = "data:  " + data;
        Assert.Equal(expected, printed);
    }

    [Theory]
    [InlineData("htest-chisq", "table-sex-status")]
    [InlineData("htest-chisq-oneway", "table-celltype")]
    public void TheTablesCountsPrintAsPrintTable(string input, string name)
    {
        var printed = Print(CountTable.TryWrite, ReferenceCase.Load(input, "table"));
        Assert.Equal(ReferenceCase.Printed(name), printed);
    }

    [Theory]
    [InlineData("table-suppressed-ward")]
    [InlineData("table-suppressed-ecog")]
    public void ATableWithSuppressedEntriesPrintsAsAddmarginsWithThemMarkedAndSaysWhy(string name)
    {
        var printed = Print(CountTable.TryWrite, ReferenceCase.Load(name, "table"));
        var table = ReferenceCase.Printed(name);
        Assert.Equal(table, printed.Take(table.Count));
        Assert.Equal([CountTable.SuppressionNote], printed.Skip(table.Count));
    }

    [Fact]
    public void PValuesFollowFormatPval()
    {
        // R 4.2.2: format.pval(c(0.5, 1e-20), digits = 3); format.pval(1e-20, digits = 1); format.pval(c(1.2345e-5, 0.01234), digits = 3).
        Assert.Equal(["0.5", "<2e-16"], RFormat.PValues([0.5, 1e-20], 3));
        Assert.Equal(["<2e-16"], RFormat.PValues([1e-20], 1));
        Assert.Equal(["1.23e-05", "0.0123"], RFormat.PValues([1.2345e-5, 0.01234], 3));
    }

    [Fact]
    public void RoundingFollowsRsRoundOfTheDoubleNotOfItsDecimalText()
    {
        // R 4.2.2: round(c(0.15, 0.45, 0.125, 2.5, -0.45, 1.005), c(1, 1, 2, 0, 1, 2)) is 0.1 0.4 0.12 2 -0.4 1 (1.005 is 1.00499...).
        Assert.Equal([0.1, 0.4, 0.12, 2, -0.4, 1], new[] { (0.15, 1), (0.45, 1), (0.125, 2), (2.5, 0), (-0.45, 1), (1.005, 2) }.Select(c => RFormat.Round(c.Item1, c.Item2)));
    }

    private static List<string> Print(Func<Mpc.Federation.SessionResult, TextWriter, IReadOnlyList<string>> printer, ReferenceCase reference)
    {
        using var output = new StringWriter();
        Assert.NotEmpty(printer(reference.Result, output));
        return Lines(output);
    }

    private static List<string> Lines(StringWriter output) => output.ToString().Split('\n').SkipLast(1).Select(l => l.TrimEnd('\r')).ToList();
}
