using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

public class OrderStatisticsTests
{
    private static readonly FixedPointFormat F128 = new(128, 40);

    [Fact]
    public void TheSortingNetworkSortsEveryZeroOneInputUpToFourteenElements()
    {
        // The 0-1 principle: a comparator network that sorts every 0/1 input sorts every input.
        for (int n = 1; n <= 14; n++)
        {
            var network = OrderStatistics.Network(n);
            foreach (var layer in network) Assert.Equal(layer.Count * 2, layer.SelectMany(c => new[] { c.Low, c.High }).Distinct().Count());
            for (int mask = 0; mask < 1 << n; mask++)
            {
                var bits = Enumerable.Range(0, n).Select(i => (mask >> i) & 1).ToArray();
                foreach (var layer in network)
                    foreach (var (low, high) in layer)
                        if (bits[low] > bits[high]) (bits[low], bits[high]) = (bits[high], bits[low]);
                Assert.True(bits.SequenceEqual(bits.Order()), $"n = {n}, input mask {mask}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task SortingMatchesClearTextWithTiesAndNegatives(int parties) =>
        await Property.CheckAsync(nameof(SortingMatchesClearTextWithTiesAndNegatives), 3, async (random, _) =>
        {
            int n = random.Next(1, 40);
            // Quarters on a small range: ties are common and every value is exact in fixed point.
            var x = Enumerable.Range(0, n).Select(_ => random.Next(-40, 40) / 4.0).ToArray();
            var sorted = await Parties.EvaluateAsync<UInt128>(parties, x, OrderStatistics.SortAsync, F128);
            Assert.Equal(x.Order().ToArray(), sorted);
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task MinimumAndMaximumMatchClearText(int parties) =>
        await Property.CheckAsync(nameof(MinimumAndMaximumMatchClearText), 3, async (random, _) =>
        {
            var x = Property.Uniform(random, random.Next(1, 30), -1e6, 1e6).Select(v => Math.Round(v, 3)).ToArray();
            var y = Property.Uniform(random, x.Length, -1e6, 1e6).Select(v => Math.Round(v, 3)).ToArray();
            var results = await LocalHarness.RunAsync<UInt128, double[][]>(parties, async rt =>
            {
                var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, x.Length, 1, 40);
                var sy = Input.Share(rt, 1, rt.PartyIndex == 1 ? y : null, y.Length, 1, 40);
                return
                [
                    await Opening.RevealRealAsync(rt, await OrderStatistics.MinimumAsync(rt, sx), "min"),
                    await Opening.RevealRealAsync(rt, await OrderStatistics.MaximumAsync(rt, sx), "max"),
                    await Opening.RevealRealAsync(rt, await OrderStatistics.MinimumAsync(rt, sx, sy), "pairwise"),
                ];
            }, new LocalHarnessOptions { Format = F128 });
            Parties.AssertWithin([x.Min(), x.Max(), .. x.Zip(y, Math.Min)], [.. results[0][0], .. results[0][1], .. results[0][2]], _ => 1e-9, "order statistics");
        });

    [Fact]
    public async Task QuantilesMatchRsQuantileType7()
    {
        // R 4: x <- c(3.5, -2, 7, 7, 0.25, 10, -5.5, 3.5, 1, 12.75, 4, -1); quantile(x, c(0, .1, .25, .5, .9, 1))
        var x = new[] { 3.5, -2, 7, 7, 0.25, 10, -5.5, 3.5, 1, 12.75, 4, -1 };
        var expected = new[] { -5.5, -1.8999999999999999, -0.0625, 3.5, 9.7000000000000011, 12.75 };
        var quantiles = await Parties.EvaluateAsync<UInt128>(3, x, (rt, s) => OrderStatistics.QuantilesAsync(rt, s, [0, 0.1, 0.25, 0.5, 0.9, 1]), F128);
        Parties.AssertWithin(expected, quantiles, _ => 1e-9, "quantile type 7");
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task ComparisonOperatorsOfSecretsMatchClearText(int parties) =>
        await Property.CheckAsync(nameof(ComparisonOperatorsOfSecretsMatchClearText), 2, async (random, _) =>
        {
            var x = Enumerable.Range(0, 40).Select(_ => random.Next(-5, 5) / 2.0).ToArray();
            var y = Enumerable.Range(0, 40).Select(_ => random.Next(-5, 5) / 2.0).ToArray();
            var results = await LocalHarness.RunAsync<UInt128, double[][]>(parties, async rt =>
            {
                var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, x.Length, 1, 40);
                var sy = Input.Share(rt, 1, rt.PartyIndex == 1 ? y : null, y.Length, 1, 40);
                var bits = new[] { await (sx < sy), await (sx > sy), await (sx <= sy), await (sx >= sy), await (sx < 0.5), await (sx > 0.5), await (sx <= 0.5), await (sx >= 0.5) };
                var opened = new double[bits.Length][];
                for (int k = 0; k < bits.Length; k++) opened[k] = await Opening.RevealRealAsync(rt, bits[k], "bits" + k);
                return opened;
            }, new LocalHarnessOptions { Format = F128 });
            static double[] Bits(IEnumerable<bool> values) => [.. values.Select(v => v ? 1.0 : 0.0)];
            Assert.Equal(Bits(x.Zip(y, (a, b) => a < b)), results[0][0]);
            Assert.Equal(Bits(x.Zip(y, (a, b) => a > b)), results[0][1]);
            Assert.Equal(Bits(x.Zip(y, (a, b) => a <= b)), results[0][2]);
            Assert.Equal(Bits(x.Zip(y, (a, b) => a >= b)), results[0][3]);
            Assert.Equal(Bits(x.Select(a => a < 0.5)), results[0][4]);
            Assert.Equal(Bits(x.Select(a => a > 0.5)), results[0][5]);
            Assert.Equal(Bits(x.Select(a => a <= 0.5)), results[0][6]);
            Assert.Equal(Bits(x.Select(a => a >= 0.5)), results[0][7]);
        });
}
