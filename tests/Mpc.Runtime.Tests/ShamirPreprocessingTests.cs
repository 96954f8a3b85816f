using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Tests;

/// <summary>
/// The honest-majority engine for 8 or more parties (Shamir sharing over a Galois ring): its material recombines to
/// what it must be against the clear values, and what it sends is what its wire format says.
/// </summary>
public class ShamirPreprocessingTests
{
    private static ShamirPreprocessing<T>[] Parties<T>(InMemoryNetwork network, int parties) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var seeds = PairwiseSeeds.CreateForLocalParties(parties);
        return [.. Enumerable.Range(0, parties).Select(i => new ShamirPreprocessing<T>(network.GetChannel(i), seeds[i]))];
    }

    [Theory]
    [InlineData(8)]
    [InlineData(11)]
    [InlineData(20)]
    public async Task ShamirMaterialIsCorrectWhenRecombined(int parties)
    {
        var sources = Parties<ulong>(new InMemoryNetwork(parties, TimeSpan.FromMinutes(5)), parties);
        await PreprocessingChecks.CheckAllAsync(sources);
        foreach (var s in sources) s.Dispose();
        var wide = Parties<UInt128>(new InMemoryNetwork(parties, TimeSpan.FromMinutes(5)), parties);
        await PreprocessingChecks.CheckTriplesAsync(wide, 777);
        foreach (var s in wide) s.Dispose();
    }

    [Theory]
    [InlineData(8)]
    [InlineData(11)]
    public async Task WideDaBitsOverSeveralBatchesAreTheSameBitInBothDomainsAndBothValuesOccur(int parties)
    {
        // 4,166 daBits: one whole batch of 4,096 and a last one of 70 that ends inside a 64-bit word.
        const int count = 4096 + 70;
        var sources = Parties<UInt128>(new InMemoryNetwork(parties, TimeSpan.FromMinutes(5)), parties);
        var da = await Task.WhenAll(sources.Select(s => s.GetDaBitsAsync(count, default).AsTask()));
        var arithmetic = PreprocessingChecks.Sum(da.Select(d => d.Arithmetic));
        var packed = new ulong[da[0].Binary.Length];
        foreach (var d in da) BitSlicing.Xor(packed, d.Binary, packed);
        for (int i = 0; i < count; i++) Assert.Equal(BitSlicing.Get(packed, i) ? UInt128.One : UInt128.Zero, arithmetic[i]);
        Assert.Equal(0UL, packed[^1] >> (count % 64));
        int ones = arithmetic.Count(v => v == UInt128.One);
        Assert.InRange(ones, count / 2 - 300, count / 2 + 300);
        foreach (var s in sources) s.Dispose();
    }

    [Fact]
    public async Task WideDaBitsCostAPartyAboutOneObliviousTransferAPeerNotTDamgardNielsenProducts()
    {
        // 16,384 daBits in Z_2^128 among 8 parties (t = 3): the base OTs' setup spread over them, then one OT a peer each.
        const int parties = 8, count = 1 << 14;
        var sources = Parties<UInt128>(new InMemoryNetwork(parties, TimeSpan.FromMinutes(5)), parties);
        var da = await Task.WhenAll(sources.Select(s => s.GetDaBitsAsync(count, default).AsTask()));
        Assert.Equal(count, PreprocessingChecks.Sum(da.Select(d => d.Arithmetic)).Length);
        double perDaBit = sources.Average(s => (double)s.BytesSent) / count;
        // XORing 4 dealt bits by 3 Damgard-Nielsen products in GR(2^128, 4) sent 686 B; by OT it is about 12 B a peer.
        Assert.InRange(perDaBit, 1, 25.0 * (parties - 1));
        foreach (var s in sources) s.Dispose();
    }
}
