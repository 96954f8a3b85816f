using System.Globalization;
using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// Quantiles that cannot list a small group's rows (issue 30): probabilities k / (n - 1) would give every row's value, so
/// quantiles are only computed at ranks on a fixed grid m + 1 apart, m the parties' largest minimum group size.
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
    public void GridRanksOfAnyProbabilitiesLieAMultipleOfMPlusOneApartWithMRowsBeyondTheEnds()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        for (int trial = 0; trial < 500; trial++)
        {
            int m = random.Next(2, 8), n = random.Next(1, 200);
            // Every probability any series of sessions could ask: the ranks reached are those of all of them together.
            var ranks = Enumerable.Range(0, 50).Select(_ => SummaryProtocol.GridRank(n, random.NextDouble() * 0.998 + 0.001, m)).Where(r => r > 0).Distinct().ToArray();
            if (n < 2 * m + 1) Assert.True(ranks.Length == 0, $"seed {seed}: m {m} n {n}: a group below 2 m + 1 rows got a quantile");
            foreach (long r in ranks)
                Assert.True(r % (m + 1) == 0 && r >= m + 1 && n - r >= m, $"seed {seed}: m {m} n {n}: rank {r} off the grid or too near an end");
        }
    }

    [Fact]
    public void TheGridRankIsTheMultipleOfMPlusOneNearestRsType7Rank()
    {
        // 101 rows, m = 3: h = 26, 51, 76 for the quartiles; the nearest multiples of 4 are 28 (ties up), 52 and 76.
        Assert.Equal([28L, 52, 76], new[] { 0.25, 0.5, 0.75 }.Select(p => SummaryProtocol.GridRank(101, p, 3)));
        // 9 rows, m = 3: only rank 4 has 3 rows below and at least 3 above, whatever the probability.
        Assert.Equal([4L, 4, 4], new[] { 0.375, 0.5, 0.625 }.Select(p => SummaryProtocol.GridRank(9, p, 3)));
        // 6 rows, m = 3: no rank at all; a minimum of 1 (no limit) gives the nearest order statistic.
        Assert.Equal(0, SummaryProtocol.GridRank(6, 0.5, 3));
        Assert.Equal(5, SummaryProtocol.GridRank(9, 0.5, 1));
    }

    [Fact]
    public async Task AskingForEveryOrderStatisticOfASmallGroupGivesOnlyTheGridRanksWithoutRefusing()
    {
        await using var federation = StartWards();
        var result = await federation.Client().RunAsync("summary", Parameters(("value", "weight"), ("group", "ward"),
            ("levels", "a,b"), ("lower", "0"), ("upper", "200"), ("resolution", "0.1"), ("probs", EveryRank(8))), null, default);
        var quantiles = result.Outputs["quantiles"].Values;
        int probs = quantiles.Length / 2;
        // m = 3: ward a (9 rows) and ward b (8 rows) each have one grid rank, 4: 74.4 and 69.3, for every probability.
        Assert.All(quantiles.Take(probs), q => Assert.Equal(74.4, Math.Round(q, 1)));
        Assert.All(quantiles.Skip(probs), q => Assert.Equal(69.3, Math.Round(q, 1)));
        Assert.Equal([0.0, 0.0], result.Outputs["quantiles_withheld"].Values);
    }

    [Fact]
    public async Task AskingForEveryOrderStatisticOfAllRowsGivesTheGridRanksOnlyWithoutAGroupToo()
    {
        await using var federation = StartWards();
        var result = await federation.Client().RunAsync("summary", Parameters(("value", "weight"),
            ("lower", "0"), ("upper", "200"), ("resolution", "0.1"), ("probs", EveryRank(17))), null, default);
        var probs = EveryRank(17).Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var clear = SummaryProtocol.ComputeInTheClear([.. federation.DataFiles.Select(f => Mpc.Data.CsvTable.Load(f))], "weight", probs, DatasetPrivacy.Default.MinGroupSize);
        var quantiles = result.Outputs["quantiles"].Values;
        // 17 rows, m = 3: ranks 4, 8 and 12 only.
        Assert.Equal(3, quantiles.Select(q => Math.Round(q, 1)).Distinct().Count());
        for (int i = 0; i < quantiles.Length; i++) Assert.Equal(clear["quantiles"][i], Math.Round(quantiles[i], 1));
    }

    [Fact]
    public async Task OrdinaryQuantilesByGroupLieWithinTwoRanksOfRsType7AndAnEmptyLevelIsWithheldNotRefused()
    {
        await using var federation = TestFederation.Create(3);
        federation.StartAll();
        // Level 3 is held by no party: it has no rows to protect, so it does not stop the others.
        var result = await federation.Client().RunAsync("summary", Parameters(("value", "age"), ("group", "sex"), ("levels", "1,2,3"),
            ("lower", "0"), ("upper", "128"), ("resolution", "1"), ("probs", "0.05,0.25,0.5,0.75,0.95")), null, default);
        // R 4.2: d <- read.csv("examples/data/lung.csv"); quantile(d$age[d$sex == s], c(.05, .25, .5, .75, .95), type = 7) for s in 1, 2.
        double[] expected = [46.85, 57, 64, 70, 76, 44.45, 55, 61, 68, 75];
        // The grid rank (a multiple of m + 1 = 4) is at most 2 ranks from R's h here (none is clamped at an end); ages are
        // whole years, dense in these groups, so 2 ranks move a quantile by at most 2 years from R's.
        var quantiles = result.Outputs["quantiles"].Values;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(quantiles[i] - expected[i]) <= 2, $"quantile {i}: {quantiles[i]} against R's {expected[i]}");
        var clear = SummaryProtocol.ComputeInTheClear([.. federation.DataFiles.Select(f => Mpc.Data.CsvTable.Load(f))], "age", "sex", ["1", "2", "3"],
            [0.05, 0.25, 0.5, 0.75, 0.95], DatasetPrivacy.Default.MinGroupSize);
        for (int i = 0; i < quantiles.Length; i++) Assert.Equal(clear["quantiles"][i], quantiles[i], 6);
        Assert.Equal([138.0, 90.0, 0.0], result.Outputs["n"].Values);
        Assert.Equal([0.0, 0.0, 1.0], result.Outputs["quantiles_withheld"].Values);
    }
}
