using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Boltzmann.Tests;

public class SecureSyntheticEvaluationTests
{
    private static readonly double[][] Real = BlocksInNoise.Generate(90, 12, new Random(3), blockLength: 3, blocks: 3).Rows;

    // Synthetic rows: real-like rows from another seed, with a few copies of real rows (distance 0) mixed in.
    private static readonly double[][] Synthetic = [.. BlocksInNoise.Generate(40, 12, new Random(4), blockLength: 3, blocks: 3).Rows, Real[0], Real[50]];

    private static double[][] Part(int party, int parties) => Real[(party * Real.Length / parties)..((party + 1) * Real.Length / parties)];

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SecureMarginalMetricsEqualTheClearTextMetricsOnThePooledRows(int parties)
    {
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
        {
            var metrics = await SecureSyntheticEvaluation.MarginalsAsync(rt, Part(rt.PartyIndex, parties), Synthetic, maxOrder: 3, maxSets: 30, seed: 2);
            return await Opening.RevealRealAsync(rt, metrics, "utility");
        }, new LocalHarnessOptions { Preprocessing = "dealer" });
        for (int k = 1; k <= 3; k++)
        {
            var (l1, max) = SyntheticDataEvaluation.Marginals(Real, Synthetic, k, maxSets: 30, seed: 2);
            foreach (var party in opened)
            {
                Assert.Equal(l1, party[2 * (k - 1)], 6);
                Assert.Equal(max, party[2 * (k - 1) + 1], 6);
            }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task SecureLogOddsRatioErrorEqualsTheClearTextErrorOnThePooledRows(int parties)
    {
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
        {
            var error = await SecureSyntheticEvaluation.LogOddsRatioErrorAsync(rt, Part(rt.PartyIndex, parties), Synthetic);
            return await Opening.RevealRealAsync(rt, error, "log_odds_ratio_error");
        }, new LocalHarnessOptions { Preprocessing = "dealer" });
        double expected = SyntheticDataEvaluation.LogOddsRatioError(Real, Synthetic);
        Assert.True(expected > 0.05, $"the check needs a clearly non-zero error, got {expected}");
        Assert.All(opened, party => Assert.Equal(expected, party[0], 8));
    }

    [Fact]
    public async Task SecureDistanceQuantilesEqualTheQuantilesOfEveryPartysDistancesPooled()
    {
        double[] probabilities = [0.05, 0.5, 0.9];
        const int parties = 3;
        var opened = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
        {
            var quantiles = await SecureSyntheticEvaluation.DistanceQuantilesAsync(rt, Part(rt.PartyIndex, parties), Synthetic, probabilities);
            return await Opening.RevealRealAsync(rt, quantiles, "privacy");
        }, new LocalHarnessOptions { Preprocessing = "dealer" });
        var expected = SecureSyntheticEvaluation.DistanceQuantiles(Enumerable.Range(0, parties).Select(p => (IReadOnlyList<double[]>)Part(p, parties)).ToList(), Synthetic, probabilities);
        // Independent check of the DCR quantiles: the order statistics of all parties' DCR values together.
        var pooledDcr = Enumerable.Range(0, parties).SelectMany(p => SyntheticDataEvaluation.DistancesToClosestRecords(Synthetic, Part(p, parties)).Dcr).Order().ToArray();
        for (int q = 0; q < probabilities.Length; q++)
            Assert.Equal(pooledDcr[(int)Math.Ceiling(probabilities[q] * pooledDcr.Length) - 1], expected[q], 9);
        Assert.Equal(0, expected[0]);
        foreach (var party in opened)
        {
            Assert.Equal(2 * probabilities.Length, party.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], party[i], 6);
        }
    }

    [Fact]
    public async Task SecureEvaluationRefusesRowsThatAreNotBinaryNamingTheRow()
    {
        var bad = Real.Select(r => (double[])r.Clone()).ToArray();
        bad[4][2] = 0.5;
        var error = await Assert.ThrowsAnyAsync<Exception>(() => LocalHarness.RunAsync<UInt128, int>(2, async rt =>
        {
            await SecureSyntheticEvaluation.MarginalsAsync(rt, bad, Synthetic);
            return 0;
        }));
        // The harness reports the party's failure; its message names the row.
        Assert.Contains("real row 5 is not binary", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDistanceCheckRefusesAPartyWithFewerThanTwoRowsRatherThanReportingZeroDistances()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => LocalHarness.RunAsync<UInt128, int>(2, async rt =>
        {
            await SecureSyntheticEvaluation.DistanceQuantilesAsync(rt, Real[..1], Synthetic, [0.5]);
            return 0;
        }));
        Assert.Contains("needs at least two real rows at every party; this party has 1", error.ToString(), StringComparison.Ordinal);
    }
}
