using Mpc.Federation.Protocols;
using Mpc.Runtime.Harness;

namespace Mpc.EndToEnd.Tests;

/// <summary>Configuration every party must share, compared under MPC (issue 29: Gaussian clip ranges).</summary>
public class SharedLimitsTests
{
    [Fact]
    public async Task AgreementIsOneBitPerColumnAndCatchesAnyPartyThatDiffers()
    {
        // Three columns' ranges as [lower..., upper...]: column 0 the same everywhere, column 1's upper off at party 2
        // (by half a unit), column 2's lower off at party 1.
        double[][] ranges =
        [
            [0, 10, -5, 100, 20, 5],
            [0, 10, -4, 100, 20, 5],
            [0, 10, -5, 100, 20.5, 5],
        ];
        var agree = await LocalHarness.RunAsync<UInt128, bool[]>(3, rt => SharedLimits.AgreeAsync(rt, ranges[rt.PartyIndex], 3, "bounds_agree"));
        var expected = Enumerable.Range(0, 3).Select(j => ranges.All(r => r[j] == ranges[0][j] && r[3 + j] == ranges[0][3 + j])).ToArray();
        Assert.Equal([true, false, false], expected);
        Assert.All(agree, bits => Assert.Equal(expected, bits));
        var same = await LocalHarness.RunAsync<UInt128, bool[]>(3, rt => SharedLimits.AgreeAsync(rt, ranges[0], 3, "bounds_agree"));
        Assert.All(same, bits => Assert.Equal([true, true, true], bits));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public async Task DigestsAgreeOnlyWhereEveryPartysFirst128BitsAreTheSame(int parties)
    {
        var digest = System.Security.Cryptography.SHA256.HashData("seed 1, 500 rows"u8);
        byte[] Flipped(int bit)
        {
            var copy = (byte[])digest.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            return copy;
        }
        async Task<bool> Agree(Func<int, byte[]> of)
        {
            var results = await LocalHarness.RunAsync<UInt128, bool>(parties, rt => SharedLimits.AgreeOnDigestAsync(rt, of(rt.PartyIndex), "sampling_agree"));
            Assert.All(results, r => Assert.Equal(results[0], r));
            return results[0];
        }
        Assert.True(await Agree(_ => digest));
        // One party differs in the first, a middle and the last folded bit (each 52-bit word's ends included).
        foreach (int bit in new[] { 0, 51, 52, 103, 104, 127 })
            Assert.False(await Agree(p => p == parties - 1 ? Flipped(bit) : digest), $"bit {bit} differs at the last party");
        // Bits past the first 128 are not compared (the fold keeps 128): the digest's length decides what agrees.
        Assert.True(await Agree(p => p == 0 ? Flipped(200) : digest));
    }
}
