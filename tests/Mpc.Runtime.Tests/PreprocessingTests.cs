using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Tests;

public class PreprocessingTests
{
    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task DealerMaterialIsCorrectWhenRecombined(int parties)
    {
        var secret = AesCtrRandom.NewSeed();
        var sources = Enumerable.Range(0, parties).Select(i => i == 0
            ? DealerPreprocessing<ulong>.ForDealer(parties, secret)
            : DealerPreprocessing<ulong>.ForParty(DealerPreprocessing<ulong>.PartySeed(secret, i))).ToArray();

        await PreprocessingChecks.CheckAllAsync(sources);
        foreach (var s in sources) s.Dispose();
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task ZeroSharesSumToZero(int parties)
    {
        var shares = await LocalHarness.RunAsync<UInt128, UInt128[]>(parties, rt => Task.FromResult(rt.NextZeroShares(257)));
        var total = new UInt128[257];
        foreach (var s in shares) RingArithmetic<UInt128>.AddInPlace(total, s);
        Assert.All(total, v => Assert.Equal(UInt128.Zero, v));
        Assert.NotEqual(shares[0], shares[1]);
    }
}
