using System.Numerics;
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
}
