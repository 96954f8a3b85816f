using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

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
        var clear = SummaryProtocol.ComputeInTheClear(federation.DataFiles.Select(f => CsvTable.Load(f)).ToList(), "age", [0.1, 0.5, 0.75], DatasetPrivacy.Default.MinGroupSize);
        // Whole-number ages on a grid of step 1: the order statistics at the grid ranks are exact.
        AssertClose(clear, result, 1e-6);
        Assert.Equal(["10%", "50%", "75%"], result.Outputs["quantiles"].Labels);
    }

    [Fact]
    public async Task ASummaryByTextGroupGivesEachLevelsNMeanSdAndQuantilesOfThePooledRows()
    {
        await using var federation = TestFederation.Create(3);
        federation.RecodeAsText("sex", new Dictionary<string, string> { ["1"] = "male", ["2"] = "female" });
        federation.StartAll();
        var result = await federation.Client().RunAsync("summary", Parameters(("value", "age"), ("group", "sex"), ("levels", "male,female"),
            ("lower", "0"), ("upper", "128"), ("resolution", "1"), ("probs", "0.1,0.5,0.75")), null, default);
        var clear = SummaryProtocol.ComputeInTheClear(federation.DataFiles.Select(f => CsvTable.Load(f)).ToList(), "age", "sex", ["male", "female"], [0.1, 0.5, 0.75], DatasetPrivacy.Default.MinGroupSize);
        // Whole-number ages on a grid of step 1: the order statistics at the grid ranks are exact.
        AssertClose(clear, result, 1e-6);
        Assert.Equal([138.0, 90.0], result.Outputs["n"].Values);
        Assert.Equal(["male", "female"], result.Outputs["mean"].Labels);
        Assert.Equal((2, 3), (result.Outputs["quantiles"].Rows, result.Outputs["quantiles"].Columns));
    }

    [Fact]
    public async Task ASummaryGroupSmallerThanAPartysMinimumIsRefusedWithoutItsSize()
    {
        await using var federation = TestFederation.Create(2);
        // Cells of one row pass, so that the refusal is the minimum group size's.
        federation.StartAll(privacy: DatasetPrivacy.Default with { MinCellCount = 1 });
        // Age 40 holds a single row of the lung data.
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync("summary",
            Parameters(("value", "time"), ("group", "age"), ("levels", "40,63"), ("lower", "0"), ("upper", "1100")), null, default));
        Assert.Contains(Mpc.Core.ErrorMessages.DisclosureRefused(1, DatasetPrivacy.Default.MinGroupSize), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" 1 ", error.Message.Replace(Mpc.Core.ErrorMessages.DisclosureRefused(1, DatasetPrivacy.Default.MinGroupSize), "", StringComparison.Ordinal), StringComparison.Ordinal);
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

    [Fact]
    public async Task ALinearRegressionWithFactorsMatchesRsLmWithTreatmentContrasts()
    {
        await using var federation = TestFederation.Create(3);
        federation.RecodeAsText("sex", new Dictionary<string, string> { ["1"] = "male", ["2"] = "female" });
        // The one row of ph.ecog 3 is left out as a row of no listed level, a cell of one row: the minimum must allow it.
        federation.StartAll(privacy: DatasetPrivacy.Default with { MinCellCount = 1 });
        var parameters = Parameters(("outcome", "time"), ("features", "age,sex,ph.ecog"), ("factors", "sex:male,female;ph.ecog:0,1,2"));
        var result = await federation.Client().RunAsync("linear-regression", parameters, null, default);
        // R 4: d$sex <- factor(ifelse(d$sex == 1, "male", "female"), levels = c("male", "female"));
        // d$ph.ecog <- factor(d$ph.ecog, levels = 0:2); summary(lm(time ~ age + sex + ph.ecog, data = d)) on examples/data/lung.csv.
        var expected = new Dictionary<string, double[]>
        {
            ["n"] = [226],
            ["coefficients"] = [357.738567747374361, -0.462639850656326, 52.334132462750112, -34.317881379922561, -115.002892471267131],
            ["standard_errors"] = [101.436942159404865, 1.565388313895044, 28.338898254106120, 32.510772905217969, 39.902306136095504],
            ["sigma"] = [206.51031955621193],
            ["r_squared"] = [0.05577791130347],
        };
        AssertClose(expected, result, 1e-6);
        Assert.Equal(["(Intercept)", "age", "sexfemale", "ph.ecog1", "ph.ecog2"], result.Outputs["coefficients"].Labels);
        AssertClose(LinearRegressionProtocol.ComputeInTheClear(federation.DataFiles.Select(f => CsvTable.Load(f)).ToList(), parameters), result, 1e-6);
    }

    [Fact]
    public async Task ALinearRegressionWithInteractionsMatchesRsLmOfTheSameTerms()
    {
        await using var federation = TestFederation.Create(2);
        federation.RecodeAsText("sex", new Dictionary<string, string> { ["1"] = "male", ["2"] = "female" });
        federation.StartAll(privacy: DatasetPrivacy.Default with { MinCellCount = 1 });
        var parameters = Parameters(("outcome", "time"), ("features", "age,sex,ph.ecog"), ("factors", "sex:male,female;ph.ecog:0,1,2"), ("interactions", "sex:ph.ecog;age:sex"));
        var result = await federation.Client().RunAsync("linear-regression", parameters, null, default);
        // R 4, the data as above: summary(lm(time ~ age + sex + ph.ecog + sex:ph.ecog + age:sex, data = d)).
        var expected = new Dictionary<string, double[]>
        {
            ["n"] = [226],
            ["coefficients"] = [522.72752677522340, -2.48421118338096, -397.37926593451721, -93.31043585251382, -144.04690330373589, 142.61189657031551, 36.18098402496044, 6.01707992615759],
            ["standard_errors"] = [125.76538653210586, 1.92184481432323, 206.43451447024768, 41.76765527975106, 51.07961452318552, 65.43475526103146, 82.20167238547747, 3.31993975551974],
            ["sigma"] = [204.1305994078827553],
            ["r_squared"] = [0.0899377916635838],
        };
        AssertClose(expected, result, 1e-6);
        Assert.Equal(["(Intercept)", "age", "sexfemale", "ph.ecog1", "ph.ecog2", "sexfemale:ph.ecog1", "sexfemale:ph.ecog2", "age:sexfemale"], result.Outputs["coefficients"].Labels);
    }
}
