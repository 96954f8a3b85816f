using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.Federation.Tests;

/// <summary>
/// The everyday built-ins (summary, table, t-test) over real TLS between daemons, against the same statistic
/// computed in the clear on the pooled rows (R's values for the lung data are in the R client's tests).
/// </summary>
public class BuiltInStatisticsTests
{
    private static Dictionary<string, string> Parameters(params (string Name, string Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    private static void AssertClose(IReadOnlyDictionary<string, double[]> expected, SessionResult result, double tolerance)
    {
        foreach (var (name, values) in expected)
        {
            var actual = result.Outputs[name].Values;
            Assert.Equal(values.Length, actual.Length);
            for (int i = 0; i < values.Length; i++)
                Assert.True(Math.Abs(values[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(values[i])), $"{name}[{i}]: {actual[i]} against {values[i]} in the clear");
        }
    }

    [Fact]
    public async Task ASummaryRevealsTheMeanSdAndTheQuantilesOfThePooledRows()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        var result = await federation.Client().RunAsync("summary", Parameters(("value", "age"), ("lower", "0"), ("upper", "128"), ("resolution", "1"), ("probs", "0.1,0.5,0.75")), null, default);
        var clear = SummaryProtocol.ComputeInTheClear(federation.DataFiles.Select(f => CsvTable.Load(f)).ToList(), "age", [0.1, 0.5, 0.75]);
        // Whole-number ages on a grid of step 1: the order statistics are exact, so are the interpolated quantiles.
        AssertClose(clear, result, 1e-6);
        Assert.Equal(["10%", "50%", "75%"], result.Outputs["quantiles"].Labels);
    }

    [Fact]
    public async Task AWelchTTestBetweenTextLevelsMatchesTheClearText()
    {
        await using var federation = TestFederation.Create(3);
        federation.RecodeAsText("sex", new Dictionary<string, string> { ["1"] = "male", ["2"] = "female" });
        federation.StartAll();
        var parameters = Parameters(("value", "age"), ("group", "sex"), ("levels", "female,male"));
        var result = await federation.Client().RunAsync("t-test", parameters, null, default);
        var clear = TTestProtocol.ComputeInTheClear(federation.DataFiles.Select(f => CsvTable.Load(f)).ToList(), "age", "sex", ["female", "male"]);
        AssertClose(clear, result, 1e-6);
        Assert.Equal([90.0, 138.0], result.Outputs["n"].Values);
        Assert.Equal(["female", "male"], result.Outputs["mean"].Labels);
    }

    [Fact]
    public async Task ATwoWayTableCountsEveryCellAndItsChiSquareMatchesTheClearText()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll(privacy: DatasetPrivacy.Default with { MinCellCount = 1 });
        // ph.ecog has a missing value: that row is in no cell, as R's table drops it.
        var parameters = Parameters(("row", "sex"), ("row_levels", "1,2"), ("column", "ph.ecog"), ("column_levels", "0,1,2"));
        var result = await federation.Client().RunAsync("table", parameters, null, default);
        var clear = ContingencyTableProtocol.ComputeInTheClear(federation.DataFiles.Select(f => CsvTable.Load(f)).ToList(), parameters);
        AssertClose(clear, result, 1e-9);
        Assert.Equal((2, 3), (result.Outputs["counts"].Rows, result.Outputs["counts"].Columns));
        // 228 rows less the one without ph.ecog and the one with ph.ecog 3.
        Assert.Equal(226, clear["counts"].Sum());
    }

    [Fact]
    public async Task ATableCellWithFewerRowsThanAPartysMinimumIsRefusedWithoutItsSize()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        // ph.ecog = 3 holds a single row of the lung data.
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync("table",
            Parameters(("row", "ph.ecog"), ("row_levels", "0,1,2,3")), null, default));
        Assert.Contains(Mpc.Core.ErrorMessages.DisclosureRefused(3, 3), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" 1 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALinearRegressionMatchesLeastSquaresOnThePooledCompleteRows()
    {
        await using var federation = TestFederation.Create(2);
        // ph.ecog is a category column (0 to 3) whose level 3 holds one row: checked as cells, it needs a minimum of 1 here.
        federation.StartAll(privacy: DatasetPrivacy.Default with { MinCellCount = 1 });
        // ph.ecog has a missing value: that row is left out, as lm leaves it out.
        var parameters = Parameters(("outcome", "time"), ("features", "age,sex,ph.ecog"));
        var result = await federation.Client().RunAsync("linear-regression", parameters, null, default);
        var clear = LinearRegressionProtocol.ComputeInTheClear(federation.DataFiles.Select(f => CsvTable.Load(f)).ToList(), parameters);
        AssertClose(clear, result, 1e-6);
        Assert.Equal(227, result.Outputs["n"].Values[0]);
        Assert.Equal(["(Intercept)", "age", "sex", "ph.ecog"], result.Outputs["coefficients"].Labels);
    }
}
