using System.Globalization;
using Mpc.Core;
using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.Federation.Tests;

/// <summary>
/// Quantiles that cannot list a small group's rows (issue 30): probabilities k / (n - 1) would give every row's value, so
/// each party refuses probabilities that leave fewer than its minimum group size of rows between two quantiles.
/// </summary>
public class QuantileDisclosureTests
{
    private static Dictionary<string, string> Parameters(params (string Name, string Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    // Ward a: 9 rows over both parties, ward b: 8; every cell and group passes a minimum of 3.
    private static readonly string[] PartyA =
    [
        "ward,weight",
        "a,70.2", "a,81.4", "a,66.9", "a,90.3", "a,77.7",
        "b,59.1", "b,73.6", "b,84.2", "b,68.8",
    ];

    private static readonly string[] PartyB =
    [
        "ward,weight",
        "a,62.5", "a,79.9", "a,85.0", "a,74.4",
        "b,69.3", "b,93.2", "b,58.6", "b,80.8",
    ];

    private static TestFederation StartWards()
    {
        var federation = TestFederation.Create(2);
        File.WriteAllLines(federation.DataFiles[0], PartyA);
        File.WriteAllLines(federation.DataFiles[1], PartyB);
        federation.StartAll();
        return federation;
    }

    // The attack: one probability per order statistic between the minimum and the maximum.
    private static string EveryRank(int rows) => string.Join(",", Enumerable.Range(1, rows - 2).Select(k => ((double)k / (rows - 1)).ToString("R", CultureInfo.InvariantCulture)));

    [Fact]
    public void TheRowsNeededFollowFromTheSpacingOfTheProbabilitiesAndTheMinimumGroupSize()
    {
        // Quartiles, m = 3: 4 rows between ranks 0.25 (n - 1) apart, so n - 1 >= 16.
        Assert.Equal(17, DisclosureChecks.QuantileRows([0.25, 0.5, 0.75], 3));
        // DataSHIELD's quantileMean set, m = 3: 0.05 (n - 1) >= 4 between 0.05 and 0.1.
        Assert.Equal(81, DisclosureChecks.QuantileRows([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95], 3));
        // The median alone, m = 5: 5 rows on either side.
        Assert.Equal(11, DisclosureChecks.QuantileRows([0.5], 5));
        // Every rank of 8 rows needs (m + 1) * 7 + 1.
        Assert.Equal(29, DisclosureChecks.QuantileRows([.. Enumerable.Range(1, 6).Select(k => k / 7.0)], 3));
        // A minimum of 1 turns the check off, as for the other limits.
        Assert.Equal(1, DisclosureChecks.QuantileRows([.. Enumerable.Range(1, 6).Select(k => k / 7.0)], 1));
    }

    [Fact]
    public void AtTheRowsNeededNoRowServesTwoQuantilesAndTheMinimumGroupLiesBeyondTheOuterOnes()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        for (int trial = 0; trial < 200; trial++)
        {
            int m = random.Next(2, 8);
            var probs = Enumerable.Range(0, random.Next(1, 6)).Select(_ => Math.Round(random.NextDouble() * 0.98 + 0.01, 2)).Distinct().Order().ToArray();
            int n = (int)DisclosureChecks.QuantileRows(probs, m);
            // The order statistics each type-7 quantile rests on, from R's definition h = (n - 1) p + 1.
            var used = probs.Select(p => (n - 1) * p + 1).Select(h => (Low: (int)Math.Floor(h + 1e-9), High: (int)Math.Ceiling(h - 1e-9))).ToArray();
            Assert.True(used[0].Low - 1 >= m && n - used[^1].High >= m, $"seed {seed}: probs {string.Join(",", probs)} m {m} n {n}: fewer than m rows beyond the outer quantiles");
            for (int i = 1; i < used.Length; i++)
                Assert.True(used[i].Low - used[i - 1].High - 1 >= m - 1, $"seed {seed}: probs {string.Join(",", probs)} m {m} n {n}: quantiles {i - 1} and {i} too close");
        }
    }

    [Fact]
    public async Task AskingForEveryOrderStatisticOfASmallGroupIsRefusedNamingTheProblemAndTheColumnButNotTheSize()
    {
        await using var federation = StartWards();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync("summary", Parameters(("value", "weight"), ("group", "ward"),
            ("levels", "a,b"), ("lower", "0"), ("upper", "200"), ("resolution", "0.1"), ("probs", EveryRank(8))), null, default));
        Assert.Contains(ErrorMessages.QuantilesTooClose("weight"), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" 8 ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" 9 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AskingForEveryOrderStatisticOfAllRowsIsRefusedWithoutAGroupToo()
    {
        await using var federation = StartWards();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync("summary", Parameters(("value", "weight"),
            ("lower", "0"), ("upper", "200"), ("resolution", "0.1"), ("probs", EveryRank(17))), null, default));
        Assert.Contains(ErrorMessages.QuantilesTooClose("weight"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrdinaryQuantilesByGroupStillMatchRsQuantileOfType7AndAnEmptyLevelIsNotRefused()
    {
        await using var federation = TestFederation.Create(3);
        federation.StartAll();
        // Level 3 is held by no party: it has no rows to protect, so it does not stop the others.
        var result = await federation.Client().RunAsync("summary", Parameters(("value", "age"), ("group", "sex"), ("levels", "1,2,3"),
            ("lower", "0"), ("upper", "128"), ("resolution", "1"), ("probs", "0.05,0.25,0.5,0.75,0.95")), null, default);
        // R 4.2: d <- read.csv("examples/data/lung.csv"); quantile(d$age[d$sex == s], c(.05, .25, .5, .75, .95), type = 7) for s in 1, 2.
        double[] expected = [46.85, 57, 64, 70, 76, 44.45, 55, 61, 68, 75];
        var quantiles = result.Outputs["quantiles"].Values;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(quantiles[i] - expected[i]) < 1e-6, $"quantile {i}: {quantiles[i]} against R's {expected[i]}");
        Assert.Equal([138.0, 90.0, 0.0], result.Outputs["n"].Values);
    }
}
