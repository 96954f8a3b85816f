using System.Globalization;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

/// <summary>Attack reproducers (attack2) against issue 30's quantile spacing and small-cell suppression: each fails while the attack works.</summary>
public class QuantileAndSuppressionAttackTests
{
    private static Dictionary<string, string> Parameters(params (string Name, string Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    // Ward a: 9 rows over both parties (sorted: 62.5 66.9 70.2 74.4 77.7 79.9 81.4 85.0 90.3).
    private static readonly string[] WeightsA = ["ward,weight", "a,70.2", "a,81.4", "a,66.9", "a,90.3", "a,77.7", "b,59.1", "b,73.6", "b,84.2", "b,68.8"];
    private static readonly string[] WeightsB = ["ward,weight", "a,62.5", "a,79.9", "a,85.0", "a,74.4", "b,69.3", "b,93.2", "b,58.6", "b,80.8"];

    [Fact]
    public async Task OneProbabilityPerSessionDoesNotGiveTheOrderStatisticsThatOneSessionRefuses()
    {
        await using var federation = TestFederation.Create(2);
        File.WriteAllLines(federation.DataFiles[0], WeightsA);
        File.WriteAllLines(federation.DataFiles[1], WeightsB);
        federation.StartAll();
        (string, string)[] common = [("value", "weight"), ("group", "ward"), ("levels", "a"), ("lower", "0"), ("upper", "200"), ("resolution", "0.1")];
        // Ranks 4, 5 and 6 of 9 together: one grid rank (4, for m = 3) serves all three.
        var together = await federation.Client().RunAsync("summary", Parameters([.. common, ("probs", "0.375,0.5,0.625")]), null, default);
        Assert.Single(together.Outputs["quantiles"].Values.Select(q => Math.Round(q, 1)).Distinct());
        // The same ranks, one per session: every session passes the check and opens one row's value exactly.
        var recovered = new List<double>();
        foreach (var p in new[] { 0.375, 0.5, 0.625 })
        {
            var result = await federation.Client().RunAsync("summary", Parameters([.. common, ("probs", p.ToString("R", CultureInfo.InvariantCulture))]), null, default);
            recovered.Add(Math.Round(result.Outputs["quantiles"].Values[0], 1));
        }
        Assert.NotEqual([74.4, 77.7, 79.9], recovered);
    }

    [Fact]
    public async Task ASuppressedCellDoesNotFollowFromTheSuppressedTableAndATableOfOneOfItsLevels()
    {
        await using var federation = TestFederation.Create(2);
        // Ward b: 2 rows, all at hospital-a (below its minimum cell count of 3).
        File.WriteAllLines(federation.DataFiles[0], ["ward,x", .. Enumerable.Repeat("a,1", 10), .. Enumerable.Repeat("b,1", 2), .. Enumerable.Repeat("c,1", 20), .. Enumerable.Repeat("d,1", 4)]);
        File.WriteAllLines(federation.DataFiles[1], ["ward,x", .. Enumerable.Repeat("a,1", 5), .. Enumerable.Repeat("c,1", 5), .. Enumerable.Repeat("d,1", 4)]);
        federation.StartAll(privacy: DatasetPrivacy.Default with { AllowSuppression = true });
        // The suppressed table of a, b and c leaves ward d out: its total would differ from the table of a and d by b and c.
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync("table", Parameters(("row", "ward"), ("row_levels", "a,b,c"), ("suppress", "true")), null, default));
        Assert.Contains(Mpc.Core.ErrorMessages.SuppressionNeedsEveryLevel("ward", ""), error.Message, StringComparison.Ordinal);
        // With every level listed, the total is the dataset's (the rows with a value), and b's complement is the smallest other level.
        var suppressed = await federation.Client().RunAsync("table", Parameters(("row", "ward"), ("row_levels", "a,b,c,d"), ("suppress", "true")), null, default);
        var pattern = suppressed.Outputs["suppressed"].Values;
        Assert.Equal(1.0, pattern[2]); // ward b is suppressed (entry 2 of the extended 5 x 2 table)
        Assert.Equal(1.0, pattern[6]); // ward d (8 rows) is b's complement
        double total = suppressed.Outputs["total"].Values[0], a = suppressed.Outputs["counts"].Values[0], c = suppressed.Outputs["counts"].Values[2];
        // From this table alone b + d = 10, b anywhere in 1 .. 9. (A second table of a and d still gives d and so b:
        // suppression protects one table, not a series; docs/analyses.md says what a party should set.)
        Assert.Equal(10.0, total - a - c);
    }
    // Party hospital-a (the attacker) holds 5 rows of ward a, hospital-b 4: pooled 9, which hospital-a is not told.
    private static async Task<(bool Aborted, double[] Withheld)> RunWithMinGroupSizeAtA(int minGroupSize)
    {
        await using var federation = TestFederation.Create(2);
        File.WriteAllLines(federation.DataFiles[0], ["ward,weight", "a,70.2", "a,81.4", "a,66.9", "a,90.3", "a,77.7", .. Enumerable.Repeat("b,60", 6)]);
        File.WriteAllLines(federation.DataFiles[1], ["ward,weight", "a,62.5", "a,79.9", "a,85.0", "a,74.4", .. Enumerable.Repeat("b,61", 6)]);
        federation.Start(0, federation.Credentials[0], privacy: DatasetPrivacy.Default with { MinGroupSize = minGroupSize });
        federation.Start(1, federation.Credentials[1]);
        try
        {
            var result = await federation.Client().RunAsync("summary", Parameters(("value", "weight"), ("group", "ward"), ("levels", "a"), ("lower", "0"), ("upper", "200"), ("resolution", "0.1"), ("probs", "0.5")), null, default);
            return (false, result.Outputs["quantiles_withheld"].Values);
        }
        catch (ProtocolAbortedException)
        {
            return (true, []);
        }
    }

    [Fact]
    public async Task APartysOwnMinimumGroupSizeDoesNotTellItWhetherALevelsPooledRowsReachANumberItChooses()
    {
        // The median needs 2 m + 1 pooled rows: m = 4 asks "n >= 9", m = 5 asks "n >= 11"; the opened bit answers hospital-a.
        var (at4, withheld4) = await RunWithMinGroupSizeAtA(4);
        var (at5, withheld5) = await RunWithMinGroupSizeAtA(5);
        Assert.False(!at4 && at5, "hospital-a learns 9 <= n(a) < 11, so hospital-b holds 4 or 5 rows of ward a");
        // Neither session aborts: whether a grid rank exists goes to the analyst (who is given n = 9) as quantiles_withheld.
        Assert.False(at4 || at5);
        Assert.Equal([0.0], withheld4);
        Assert.Equal([1.0], withheld5);
    }
    [Fact]
    public async Task SuppressedCellsDoNotFollowFromTheMarginsOnceTheyAreKnownToBeNonZero()
    {
        await using var federation = TestFederation.Create(2);
        // hospital-a: ward p holds 1 row of outcome x and 1 of y (each below 3), 20 of z; ward q 10, 12 and 30.
        File.WriteAllLines(federation.DataFiles[0], ["ward,outcome", "p,x", "p,y", .. Enumerable.Repeat("p,z", 20),
            .. Enumerable.Repeat("q,x", 10), .. Enumerable.Repeat("q,y", 12), .. Enumerable.Repeat("q,z", 30)]);
        File.WriteAllLines(federation.DataFiles[1], ["ward,outcome", .. Enumerable.Repeat("q,z", 5)]);
        federation.StartAll(privacy: DatasetPrivacy.Default with { AllowSuppression = true });
        var result = await federation.Client().RunAsync("table", Parameters(("row", "ward"), ("row_levels", "p,q"), ("column", "outcome"), ("column_levels", "x,y,z"),
            ("suppress", "true")), null, default);
        var pattern = result.Outputs["suppressed"].Values;
        // The attack's pattern: p/x, p/y (primary), q/x, q/y (complements), every line with 0 or 2 suppressed entries.
        Assert.NotEqual([1.0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0], pattern);
        var counts = result.Outputs["counts"].Values;
        double[] extended = [counts[0], counts[1], counts[2], result.Outputs["row_totals"].Values[0], counts[3], counts[4], counts[5], result.Outputs["row_totals"].Values[1],
            .. result.Outputs["column_totals"].Values, result.Outputs["total"].Values[0]];
        // Every suppressed entry holds at least 1 row: in a line whose margin is shown, k suppressed entries summing to S each
        // lie in [1, S - k + 1], which must leave at least the minimum cell count of values above 1.
        foreach (var line in Mpc.Federation.Protocols.CellSuppression.Lines(2, 3).Where(l => pattern[l[^1]] == 0))
        {
            int k = line.Count(e => pattern[e] == 1);
            double sum = extended[line[^1]] - line[..^1].Where(e => pattern[e] == 0).Sum(e => extended[e]);
            Assert.True(k == 0 || sum - k + 1 >= 1 + DatasetPrivacy.Default.MinCellCount, $"line {string.Join(",", line)}: {k} suppressed entries sum to {sum}");
        }
    }
}

