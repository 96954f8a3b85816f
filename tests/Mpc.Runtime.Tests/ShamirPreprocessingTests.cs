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
        // 8,262 daBits: the OT engine's first batch of 8,192 and a second whose last 70 end inside a 64-bit word.
        const int count = 8192 + 70;
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
        // 8 parties (t = 3), Z_2^128: a first request pays the base OTs; the second's bytes are the daBits' own.
        const int parties = 8, count = 1 << 14;
        var sources = Parties<UInt128>(new InMemoryNetwork(parties, TimeSpan.FromMinutes(5)), parties);
        await Task.WhenAll(sources.Select(s => s.GetDaBitsAsync(count, default).AsTask()));
        var before = sources.Select(s => s.BytesSent).ToArray();
        await Task.WhenAll(sources.Select(s => s.GetDaBitsAsync(count, default).AsTask()));
        double perDaBit = sources.Select((s, i) => (double)(s.BytesSent - before[i])).Average() / count;
        // XORing 4 dealt bits by 3 Damgard-Nielsen products in GR(2^128, 4) sent 686 B; by OT it is about 11 B a peer.
        Assert.InRange(perDaBit, 1, 15.0 * (parties - 1));
        foreach (var s in sources) s.Dispose();
    }
}
