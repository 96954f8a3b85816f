using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>
/// Truncation pairs dealt by t + 1 parties with a carry adder (ReplicatedPreprocessing.DealtTruncation.cs): the pairs are
/// exact for every shift and ring, truncations at 4 to 7 parties are floor(x / 2^m) + e with e in {0, 1} up to the edges
/// of the range, and a coalition of t parties holds the same shares whatever the honest dealer drew.
/// </summary>
public class DealtTruncationPairsTests
{
    private static readonly LocalHarnessOptions Replicated = new() { Preprocessing = PreprocessingMode.Replicated };

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task DealtPairsAreExactForEveryShiftInBothRings(int parties)
    {
        foreach (int shift in new[] { 1, 16, 40, 62 })
        {
            var narrow = await PairsAsync<ulong>(parties, 131, shift, PairwiseSeeds.CreateForLocalParties(parties), []);
            for (int i = 0; i < 131; i++)
            {
                Assert.True(narrow.R[i] >> shift == narrow.Shifted[i], $"{parties} parties, shift {shift}, pair {i}: r >> m");
                Assert.True(narrow.R[i] >> 63 == narrow.Top[i], $"{parties} parties, shift {shift}, pair {i}: msb");
            }
        }
        var wide = await PairsAsync<UInt128>(parties, 70, 40, PairwiseSeeds.CreateForLocalParties(parties), []);
        for (int i = 0; i < 70; i++)
        {
            Assert.True(wide.R[i] >> 40 == wide.Shifted[i], $"{parties} parties, Z_2^128, pair {i}: r >> 40");
            Assert.True(wide.R[i] >> 127 == wide.Top[i], $"{parties} parties, Z_2^128, pair {i}: msb");
        }
        Assert.Empty((await PairsAsync<ulong>(parties, 0, 16, PairwiseSeeds.CreateForLocalParties(parties), [])).R);
        // r is uniform: both halves of the ring occur.
        Assert.Contains(wide.R, r => r >> 127 == 1);
        Assert.Contains(wide.R, r => r >> 127 == 0);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task TruncationsAtTheEdgesOfTheRangeAreTheFloorOrOneMore(int parties)
    {
        await Property.CheckAsync("dealt-truncation-" + parties, 2, async (random, seed) =>
        {
            long edge = (1L << 62) - 1;
            Int128[] values = [0, 1, -1, edge, -edge, edge - 65535, -edge + 65535, 65535, -65536, .. Enumerable.Range(0, 55).Select(_ => (Int128)(random.NextInt64(-edge, edge) >> random.Next(0, 62)))];
            foreach (int shift in new[] { 1, 16, 61 })
            {
                var opened = await LocalHarness.RunAsync<ulong, ulong[]>(parties, async rt =>
                    await Opening.OpenAsync(rt, await Truncation.TruncateRawAsync(rt, CountedRun.ToRing(rt, values), shift)), Replicated);
                for (int i = 0; i < values.Length; i++)
                {
                    long floor = (long)values[i] >> shift, got = unchecked((long)opened[0][i]);
                    Assert.True(got == floor || got == floor + 1, $"seed {seed}, {parties} parties: {values[i]} >> {shift} = {got}, expected {floor} or one more");
                }
            }
        });
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    public async Task ACoalitionOfTPartiesHoldsTheSameSharesWhateverTheHonestDealerDrew(int parties)
    {
        int t = (parties - 1) / 2;
        var seeds = PairwiseSeeds.CreateForLocalParties(parties);
        // The coalition is dealers 0..t-1 plus nobody else; dealer t is honest and draws differently in the two runs.
        var coalition = Enumerable.Range(0, t).ToArray();
        var own = Enumerable.Range(0, parties).Select(_ => AesCtrRandom.NewSeed()).ToArray();
        var first = await PairsAsync<ulong>(parties, 200, 16, seeds, own);
        own[t] = AesCtrRandom.NewSeed();
        var second = await PairsAsync<ulong>(parties, 200, 16, seeds, own);
        Assert.NotEqual(first.R, second.R);
        foreach (int p in coalition) Assert.Equal(first.Shares[p], second.Shares[p]);
        // The honest dealer's own share is what changes, so r differs although the coalition's shares do not.
        Assert.NotEqual(first.Shares[t], second.Shares[t]);
    }

    // Every party's pairs (own seeds given per party, or fresh), recombined; Shares are each party's shares of r.
    private static async Task<(T[] R, T[] Shifted, T[] Top, T[][] Shares)> PairsAsync<T>(int parties, int count, int shift, PairwiseSeeds[] seeds, byte[][] own)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var network = new InMemoryNetwork(parties, TimeSpan.FromMinutes(2));
        var sources = Enumerable.Range(0, parties).Select(i => own.Length == 0
            ? new ReplicatedPreprocessing<T>(network.GetChannel(i), seeds[i])
            : new ReplicatedPreprocessing<T>(network.GetChannel(i), seeds[i], own[i])).ToArray();
        try
        {
            var pairs = await Task.WhenAll(sources.Select(s => Task.Run(async () => await s.GetTruncationPairsAsync(count, shift, default))));
            return (PreprocessingChecks.Sum(pairs.Select(p => p.R)), PreprocessingChecks.Sum(pairs.Select(p => p.RShifted)), PreprocessingChecks.Sum(pairs.Select(p => p.RTopBit)), [.. pairs.Select(p => p.R)]);
        }
        finally
        {
            foreach (var s in sources) s.Dispose();
        }
    }
}
