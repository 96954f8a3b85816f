using Mpc.Data;
using Mpc.Federation.Protocols;

namespace Mpc.EndToEnd.Tests;

/// <summary>What the summary's groups and the regression's factors and interactions refuse before any party computes.</summary>
public class GroupedParameterTests
{
    private static readonly CsvTable Table = CsvTable.Parse(new StringReader("time,age,sex,ecog\n10,60,male,0\n20,70,female,1\n"), "test.csv");

    private static IReadOnlyList<string> Problems(IProtocolDefinition protocol, params (string Name, string Value)[] values) =>
        protocol.Validate(ProtocolParameters.Bind(protocol.Parameters, values.ToDictionary(v => v.Name, v => v.Value)), Table);

    [Fact]
    public void ASummaryTakesLevelsOnlyWithAGroupAndEachLevelOnce()
    {
        var summary = new SummaryProtocol();
        Assert.Empty(Problems(summary, ("value", "age"), ("lower", "0"), ("upper", "100"), ("group", "sex"), ("levels", "male,female")));
        Assert.Contains("parameter 'levels' needs a 'group'", Problems(summary, ("value", "age"), ("lower", "0"), ("upper", "100"), ("levels", "male")));
        Assert.Contains("parameter 'levels' lists level '1.0' twice", Problems(summary, ("value", "age"), ("lower", "0"), ("upper", "100"), ("group", "ecog"), ("levels", "1,1.0")));
        Assert.Contains("parameter 'levels' needs at least 1 comma-separated levels", Problems(summary, ("value", "age"), ("lower", "0"), ("upper", "100"), ("group", "sex")));
    }

    [Fact]
    public void ARegressionRefusesAFactorOutsideTheFeaturesAndAnInteractionWithoutItsMainEffects()
    {
        var regression = new LinearRegressionProtocol();
        Assert.Empty(Problems(regression, ("outcome", "time"), ("features", "age,sex"), ("factors", "sex:male,female"), ("interactions", "age:sex")));
        Assert.Contains("parameter 'factors' names 'ecog', which is not in 'features'", Problems(regression, ("outcome", "time"), ("features", "age"), ("factors", "ecog:0,1")));
        Assert.Contains(Problems(regression, ("outcome", "time"), ("features", "age"), ("factors", "ecog")), p => p.StartsWith("parameter 'factors' needs 'column:level1", StringComparison.Ordinal));
        Assert.Contains(Problems(regression, ("outcome", "time"), ("features", "age"), ("interactions", "age:sex")), p => p.StartsWith("parameter 'interactions' needs", StringComparison.Ordinal));
        Assert.Contains(Problems(regression, ("outcome", "time"), ("features", "age"), ("interactions", "age:age")), p => p.StartsWith("parameter 'interactions' needs", StringComparison.Ordinal));
    }
}
