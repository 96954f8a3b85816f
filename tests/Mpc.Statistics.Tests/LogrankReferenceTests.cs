namespace Mpc.Statistics.Tests;

/// <summary>The clear-text logrank against R's published survdiff values (ReferenceValues/survdiff.md).</summary>
public class LogrankReferenceTests
{
    public static readonly SurvivalDesign LungBySex = new([1, 2], [], 1, 1022);
    public static readonly SurvivalDesign LungBySexByEcog = new([1, 2], [0, 1, 2, 3], 1, 1022);
    public static readonly SurvivalDesign AmlByMaintained = new([1, 0], [], 1, 161);

    [Theory]
    [InlineData("lung", "sex", false, 10.32674, 0.001311165)]
    [InlineData("lung", "sex", true, 10.79506, 0.001017713)]
    [InlineData("aml", "maintained", false, 3.396389, 0.06533932)]
    public void TheReferenceMatchesSurvdiff(string data, string group, bool stratified, double chiSquare, double p)
    {
        var design = data == "aml" ? AmlByMaintained : stratified ? LungBySexByEcog : LungBySex;
        var table = SurvivalData.Load(data);
        var result = LogrankReference.Compute(SurvivalData.Counts(table, design, group, stratified ? "ph.ecog" : null, 0, table.RowCount));
        Assert.Equal(chiSquare, result.ChiSquare, chiSquare * 1e-6);
        Assert.Equal(p, result.PValue, p * 1e-6);
        Assert.Equal(1, result.DegreesOfFreedom);
    }

    [Fact]
    public void SplittingRowsAcrossSitesDoesNotChangeThePooledCounts()
    {
        var table = SurvivalData.Load("lung");
        var whole = SurvivalData.Counts(table, LungBySex, "sex", null, 0, table.RowCount);
        var pooled = SurvivalCounts.Pool(SurvivalData.Split(table, LungBySex, "sex", null, 5));
        Assert.Equal(whole.Events, pooled.Events);
        Assert.Equal(whole.AtRisk, pooled.AtRisk);
        Assert.Equal(whole.GroupSizes, pooled.GroupSizes);
    }

    [Fact]
    public void RowsWithMissingValuesAreDroppedAndCounted()
    {
        var table = SurvivalData.Load("lung");
        var counts = SurvivalData.Counts(table, LungBySexByEcog, "sex", "ph.ecog", 0, table.RowCount);
        Assert.Equal(1, counts.Dropped);
        Assert.Equal(227, counts.GroupSizes.Sum());
    }

    [Theory]
    [InlineData(new[] { -1.0, 5 }, new[] { 1.0, 0 }, new[] { 1.0, 2 }, "site.csv, row 2, column 'time': negative time -1.", "column 'time' holds a negative time.")]
    [InlineData(new[] { 1.0, 5 }, new[] { 1.0, 2 }, new[] { 1.0, 2 }, "site.csv, row 3, column 'status': the event must be 0 or 1, got 2.", "column 'status': the event must be 0 or 1 in every row.")]
    [InlineData(new[] { 1.0, 5 }, new[] { 1.0, 0 }, new[] { 1.0, 3 }, "site.csv, row 3, column 'sex': 3 is not one of the levels 1,2.", "column 'sex' holds a value that is not one of the levels given.")]
    public void InvalidRowsAreRejectedPubliclyByColumnAndInDetailWithFileRowAndValue(double[] time, double[] status, double[] group, string detail, string message)
    {
        var error = Assert.Throws<Mpc.Core.DataProblemException>(() =>
            SurvivalCounts.Compute(new SurvivalDesign([1, 2], [], 1, 10), "site.csv", time, status, group, null, ("time", "status", "sex", null)));
        Assert.Equal(message, error.Message);
        Assert.Equal(detail, error.Detail);
    }

    [Fact]
    public void AGroupWithOneLevelIsRejected()
    {
        var error = Assert.Throws<Mpc.Core.ParameterProblemException>(() =>
            SurvivalCounts.Compute(new SurvivalDesign([1], [], 1, 10), "site.csv", [1], [1], [1], null, ("time", "status", "sex", null)));
        Assert.Equal("the group needs at least 2 levels, got 1 (1)", error.Message);
    }
}
