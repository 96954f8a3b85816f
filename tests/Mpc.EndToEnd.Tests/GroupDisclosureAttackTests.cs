using System.Globalization;
using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

/// <summary>A hostile analyst against the summary by group and the factors of linear-regression (issue 30), on loopback daemons.</summary>
public class GroupDisclosureAttackTests
{
    private static Dictionary<string, string> Parameters(params (string Name, string Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    // Party 0 holds ward 'c' in three rows, two of which lack the outcome; party 1 has no ward 'c'. Every cell passes a minimum of 3.
    private static readonly string[] PartyA =
    [
        "y,ward,age,weight",
        "10,a,50,70.2", "12,a,51,81.4", "14,a,52,66.9", "11,a,53,90.3", "13,a,54,77.7",
        "20,b,55,59.1", "22,b,56,73.6", "21,b,57,84.2", "23,b,58,68.8",
        "777.5,c,59,64.7", "NA,c,60,71.3", "NA,c,61,88.1",
    ];

    private static readonly string[] PartyB =
    [
        "y,ward,age,weight",
        "15,a,40,62.5", "9,a,41,79.9", "12,a,42,85.0", "16,a,43,74.4",
        "24,b,44,69.3", "19,b,45,93.2", "25,b,46,58.6", "18,b,47,80.8",
    ];

    // Two loopback daemons: party 0 with PartyA's rows, party 1 with the given ones.
    private static TestFederation Start(string[] partyB, DatasetPrivacy? privacy = null)
    {
        var federation = TestFederation.Create(2);
        File.WriteAllLines(federation.DataFiles[0], PartyA);
        File.WriteAllLines(federation.DataFiles[1], partyB);
        federation.StartAll(privacy: privacy);
        return federation;
    }

    [Fact]
    public async Task AFactorLevelWithOneCompleteRowIsRefusedRatherThanRevealThatRowsOutcome()
    {
        await using var federation = Start(PartyB);
        var parameters = Parameters(("outcome", "y"), ("features", "ward"), ("factors", "ward:a,b,c"));
        SessionResult result;
        try
        {
            result = await federation.Client().RunAsync("linear-regression", parameters, null, default);
        }
        catch (ProtocolAbortedException)
        {
            return;
        }
        // lm(y ~ ward): (Intercept) is ward a's mean and wardc is the one complete row of ward c minus it.
        var coefficients = result.Outputs["coefficients"].Values;
        double learned = coefficients[0] + coefficients[2];
        Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"the session ran and revealed one patient's outcome: (Intercept) + wardc = {learned:R} (the row holds 777.5); n = {result.Outputs["n"].Values[0]}"));
    }

    [Fact]
    public async Task ALevelOnePartyDoesNotHoldIsNotRefused()
    {
        // Three rows leave no quantile far enough from the others for a minimum group size above 1 (QuantileDisclosureTests):
        // here only the cells are checked, against 3.
        await using var federation = Start(PartyB, DatasetPrivacy.Default with { MinGroupSize = 1 });
        // Party 1 holds no row of ward c: 0 rows pass every limit, so the summary must run (n of ward c is 3, all party 0's).
        var result = await federation.Client().RunAsync("summary", Parameters(("value", "weight"), ("group", "ward"), ("levels", "a,b,c"),
            ("lower", "0"), ("upper", "200"), ("resolution", "0.1")), null, default);
        Assert.Equal([9.0, 8.0, 3.0], result.Outputs["n"].Values);
    }

    [Fact]
    public async Task AFactorLevelNoPartyHoldsGivesNoCoefficientOrAFixedRefusal()
    {
        await using var federation = Start(PartyB);
        SessionResult result;
        try
        {
            result = await federation.Client().RunAsync("linear-regression", Parameters(("outcome", "y"), ("features", "ward"), ("factors", "ward:a,b,zzz")), null, default);
        }
        catch (ProtocolAbortedException e)
        {
            Assert.DoesNotContain(" at Mpc.", e.Message, StringComparison.Ordinal);
            return;
        }
        // R: coef(lm(y ~ factor(ward, levels = c("a", "b", "zzz")))) = 12.4444, 9.0556, NA (ward c's rows left out).
        var coefficients = result.Outputs["coefficients"].Values;
        Assert.True(Math.Abs(coefficients[0] - 112.0 / 9) < 1e-6 && Math.Abs(coefficients[1] - (21.5 - 112.0 / 9)) < 1e-6 && double.IsNaN(coefficients[2]),
            "an empty factor level: coefficients " + string.Join(", ", coefficients.Select(c => c.ToString("R", CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task AFactorLevelBelowAPartysMinimumGroupSizeIsRefusedInLmAsInTheSummary()
    {
        // Groups of at least 5 rows; cells of 3 are fine. Ward c holds 3 patients at party 0.
        await using var federation = Start(PartyB, DatasetPrivacy.Default with { MinGroupSize = 5 });
        await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync("summary", Parameters(("value", "weight"), ("group", "ward"), ("levels", "a,b,c"),
            ("lower", "0"), ("upper", "200")), null, default));
        SessionResult result;
        try
        {
            result = await federation.Client().RunAsync("linear-regression", Parameters(("outcome", "weight"), ("features", "ward"), ("factors", "ward:a,b,c")), null, default);
        }
        catch (ProtocolAbortedException)
        {
            return;
        }
        var coefficients = result.Outputs["coefficients"].Values;
        Assert.Fail(string.Create(CultureInfo.InvariantCulture, $"lm gave ward c's mean weight over 3 patients, (Intercept) + wardc = {coefficients[0] + coefficients[2]:G6} (clear: {(64.7 + 71.3 + 88.1) / 3:G6}), which the summary refused"));
    }
}
