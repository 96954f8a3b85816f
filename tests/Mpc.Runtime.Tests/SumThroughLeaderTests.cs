using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>A sum opened to every party through the leader in two message rounds (issue 29) against the clear sum.</summary>
public class SumThroughLeaderTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20)]
    public async Task ASumOpenedThroughTheLeaderIsTheSumOfEveryPartysValuesAtEveryParty(int parties)
    {
        // Seed reported through the values: BaseSeed (MPC_TEST_SEED) plus the party count.
        var random = new Random(Property.BaseSeed + parties);
        var values = Enumerable.Range(0, parties).Select(_ => Enumerable.Range(0, 300).Select(_ => Math.Round(random.NextDouble() * 2e6 - 1e6, 3)).ToArray()).ToArray();
        var expected = Enumerable.Range(0, 300).Select(j => values.Sum(v => v[j])).ToArray();
        var sums = await LocalHarness.RunAsync<UInt128, double[]>(parties, rt => Opening.RevealSumAcrossPartiesAsync(rt, values[rt.PartyIndex], 40, "sum"));
        Assert.All(sums, sum =>
        {
            for (int j = 0; j < expected.Length; j++) Assert.True(Math.Abs(expected[j] - sum[j]) < 1e-6, $"seed {Property.BaseSeed + parties}, element {j}: {sum[j]} vs {expected[j]}");
        });
        // Integers at scale 0 are exact.
        var counts = await LocalHarness.RunAsync<ulong, double[]>(parties, rt => Opening.RevealSumAcrossPartiesAsync(rt, [rt.PartyIndex, -1], 0, "counts"));
        Assert.All(counts, c => Assert.Equal(new double[] { parties * (parties - 1) / 2, -parties }, c));
    }

    [Fact]
    public async Task ContributionsOfDifferentLengthsStopTheSumNamingThePartiesNotTheLengths()
    {
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => LocalHarness.RunAsync<ulong, double[]>(3, rt =>
            Opening.RevealSumAcrossPartiesAsync(rt, new double[rt.PartyIndex == 2 ? 7 : 5], 0, "sum")));
        Assert.Contains("Parties contribute vectors of different lengths", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("7", error.Message, StringComparison.Ordinal);
    }
}
