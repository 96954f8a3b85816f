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
}
