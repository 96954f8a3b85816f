using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>
/// The honest-majority engine for three parties (replicated sharing): its material recombines to what
/// it must be, the protocols on it equal the clear text, and it refuses any other number of parties.
/// </summary>
public class ReplicatedPreprocessingTests
{
    private static ReplicatedPreprocessing<T>[] ThreeParties<T>(InMemoryNetwork network) where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IUnsignedNumber<T>
    {
        var seeds = PairwiseSeeds.CreateForLocalParties(3);
        return [.. Enumerable.Range(0, 3).Select(i => new ReplicatedPreprocessing<T>(network.GetChannel(i), seeds[i]))];
    }

    [Fact]
    public async Task ReplicatedMaterialIsCorrectWhenRecombined()
    {
        var network = new InMemoryNetwork(3, TimeSpan.FromMinutes(2));
        var sources = ThreeParties<ulong>(network);
        await PreprocessingChecks.CheckAllAsync(sources);
        foreach (var s in sources) s.Dispose();
        var wide = ThreeParties<UInt128>(new InMemoryNetwork(3, TimeSpan.FromMinutes(2)));
        await PreprocessingChecks.CheckTriplesAsync(wide, 777);
        foreach (var s in wide) s.Dispose();
    }

    [Fact]
    public async Task TheBytesOfTheDaBitsBeaverOpeningsAreCountedAndTriplesCostNone()
    {
        var sources = ThreeParties<ulong>(new InMemoryNetwork(3, TimeSpan.FromMinutes(2)));
        await Task.WhenAll(sources.Select(s => s.GetTriplesAsync(1000, default).AsTask()));
        Assert.All(sources, s => Assert.Equal(0, s.BytesSent));
        await Task.WhenAll(sources.Select(s => s.GetDaBitsAsync(100, default).AsTask()));
        // One Beaver multiplication per daBit: d and e (two 8-byte elements) to each of two peers.
        Assert.All(sources, s => Assert.Equal(100 * 2 * 8 * 2, s.BytesSent));
        foreach (var s in sources) s.Dispose();
    }

    [Fact]
    public async Task EachPartysShareOfATripleIsMaskedBeyondTheComponentsItsNeighboursHold()
    {
        // Party i's share of a is a_(i+1) plus a zero share; the party before it also holds a_(i+1), so without the mask it would learn the share.
        var network = new InMemoryNetwork(3, TimeSpan.FromMinutes(2));
        var seeds = PairwiseSeeds.CreateForLocalParties(3);
        var sources = Enumerable.Range(0, 3).Select(i => new ReplicatedPreprocessing<ulong>(network.GetChannel(i), seeds[i])).ToArray();
        var triples = await Task.WhenAll(sources.Select(s => s.GetTriplesAsync(64, default).AsTask()));
        // Replay the components party 2 draws with party 0 (the component a_1 that parties 0 and 2 share).
        using var replay = new AesCtrRandom(AesCtrRandom.DeriveSeed(seeds[0].SeedWith(2), "mpc/replicated/component/UInt64"));
        var component = replay.NextRing<ulong>(64);
        Assert.NotEqual(component, triples[0].A);
        Assert.Equal(0, triples[0].A.Zip(component).Count(p => p.First == p.Second));
        foreach (var s in sources) s.Dispose();
    }

    [Fact]
    public async Task ProtocolsOnTheHonestMajorityEngineMatchTheClearText()
    {
        var options = new LocalHarnessOptions { Preprocessing = PreprocessingModes.Replicated };
        await Property.CheckAsync("replicated-protocols", 3, async (random, seed) =>
        {
            var x = Property.Uniform(random, 40, -50, 50);
            var y = Property.LogUniform(random, 40, 0.5, 40);
            var results = await LocalHarness.RunAsync<UInt128, double[][]>(3, async rt =>
            {
                var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, x.Length, 1, rt.Format.FractionalBits);
                var sy = Input.Share(rt, 1, rt.PartyIndex == 1 ? y : null, y.Length, 1, rt.Format.FractionalBits);
                var product = await Multiplication.MultiplyAsync(rt, sx, sy);
                var quotient = await Division.DivideAsync(rt, sx, sy);
                var negative = await Comparison.LessThanZeroAsync(rt, sx);
                var root = await SquareRoot.ComputeAsync(rt, sy);
                return
                [
                    await Opening.RevealRealAsync(rt, product, "product"),
                    await Opening.RevealRealAsync(rt, quotient, "quotient"),
                    await Opening.RevealRealAsync(rt, negative, "negative"),
                    await Opening.RevealRealAsync(rt, root, "root"),
                ];
            }, options);
            var r = results[0];
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(r[0][i] - x[i] * y[i]) <= 1e-6 * Math.Max(1, Math.Abs(x[i] * y[i])), $"seed {seed}: {x[i]} * {y[i]} = {r[0][i]}");
                Assert.True(Math.Abs(r[1][i] - x[i] / y[i]) <= 1e-5 * Math.Max(1, Math.Abs(x[i] / y[i])), $"seed {seed}: {x[i]} / {y[i]} = {r[1][i]}");
                Assert.Equal(x[i] < 0 ? 1.0 : 0.0, r[2][i]);
                Assert.True(Math.Abs(r[3][i] - Math.Sqrt(y[i])) <= 1e-5 * Math.Max(1, Math.Sqrt(y[i])), $"seed {seed}: sqrt {y[i]} = {r[3][i]}");
            }
        });
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public async Task TheHonestMajorityEngineRunsWithExactlyThreeParties(int parties)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => LocalHarness.RunAsync<ulong, int>(parties, _ => Task.FromResult(0), new LocalHarnessOptions { Preprocessing = PreprocessingModes.Replicated }));
        Assert.Contains(ErrorMessages.ReplicatedNeedsThreeParties(parties), error.Message, StringComparison.Ordinal);
    }
}
