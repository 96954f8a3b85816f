using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>
/// The honest-majority engine for 3 to 7 parties (replicated sharing): its material recombines to what
/// it must be, the protocols on it equal the clear text, and it refuses fewer or more parties.
/// </summary>
public class ReplicatedPreprocessingTests
{
    private static ReplicatedPreprocessing<T>[] Parties<T>(InMemoryNetwork network, int parties) where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IUnsignedNumber<T>
    {
        var seeds = PairwiseSeeds.CreateForLocalParties(parties);
        return [.. Enumerable.Range(0, parties).Select(i => new ReplicatedPreprocessing<T>(network.GetChannel(i), seeds[i]))];
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task ReplicatedMaterialIsCorrectWhenRecombined(int parties)
    {
        var sources = Parties<ulong>(new InMemoryNetwork(parties, TimeSpan.FromMinutes(2)), parties);
        await PreprocessingChecks.CheckAllAsync(sources);
        foreach (var s in sources) s.Dispose();
        var wide = Parties<UInt128>(new InMemoryNetwork(parties, TimeSpan.FromMinutes(2)), parties);
        await PreprocessingChecks.CheckTriplesAsync(wide, 777);
        foreach (var s in wide) s.Dispose();
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task AnyThresholdOfPartiesTogetherMissTheKeyOfOneComponentWhichEveryOtherPartyHolds(int parties)
    {
        var sources = Parties<ulong>(new InMemoryNetwork(parties, TimeSpan.FromMinutes(2)), parties);
        await Task.WhenAll(sources.Select(s => s.GetTriplesAsync(1, default).AsTask()));
        var plan = new ReplicatedSharingPlan(parties);
        var views = sources.Select(s => s.ComponentKeys).ToArray();
        // The keys are fresh: one distinct key per component, and every holder has the same one.
        var keyOf = Enumerable.Range(0, plan.ComponentCount).Select(c => Convert.ToHexString(views[plan.Holders(c)[0]][c]!)).ToArray();
        Assert.Equal(plan.ComponentCount, keyOf.Distinct().Count());
        for (int c = 0; c < plan.ComponentCount; c++)
            for (int p = 0; p < parties; p++)
                Assert.Equal(plan.Holds(p, c) ? keyOf[c] : null, views[p][c] is { } key ? Convert.ToHexString(key) : null);
        int t = (parties - 1) / 2;
        foreach (var coalition in Subsets(parties, t))
        {
            var known = coalition.SelectMany(p => views[p]).OfType<byte[]>().Select(Convert.ToHexString).ToHashSet();
            var missed = Enumerable.Range(0, plan.ComponentCount).Where(c => !known.Contains(keyOf[c])).ToArray();
            // Exactly the component of the coalition's own t-subset is missing, and the N - t others hold it.
            Assert.Single(missed);
            Assert.Equal(coalition.Sum(p => 1 << p), plan.Missing(missed[0]));
            Assert.Equal(Enumerable.Range(0, parties).Except(coalition), plan.Holders(missed[0]));
        }
        foreach (var s in sources) s.Dispose();
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    public void EveryCrossTermOfAProductIsComputedOnceByAPartyHoldingBothFactors(int parties)
    {
        var plan = new ReplicatedSharingPlan(parties);
        var seen = new int[plan.ComponentCount, plan.ComponentCount];
        var load = new int[parties];
        for (int p = 0; p < parties; p++)
        {
            var terms = plan.CrossTerms(p);
            for (int a = 0; a < plan.ComponentCount; a++)
                foreach (int b in terms[a])
                {
                    Assert.True(plan.Holds(p, a) && plan.Holds(p, b), $"party {p} computes x_{a} y_{b} without holding both");
                    seen[a, b]++;
                    load[p]++;
                }
        }
        Assert.All(seen.Cast<int>(), count => Assert.Equal(1, count));
        // The terms are spread evenly: no party computes more than a tenth above its share (C(N, t)^2 / N).
        Assert.InRange(load.Max(), 0, 1.1 * plan.ComponentCount * plan.ComponentCount / parties);
    }

    private static IEnumerable<int[]> Subsets(int n, int size) =>
        size == 0 ? [[]] : Enumerable.Range(0, n).SelectMany(last => Subsets(last, size - 1).Select(rest => rest.Append(last).ToArray()));

    [Fact]
    public async Task WithFivePartiesTriplesCostOnlyTheKeysOnceAndADaBitTwoBeaverOpeningsSummedSliceBySlice()
    {
        var sources = Parties<ulong>(new InMemoryNetwork(5, TimeSpan.FromMinutes(2)), 5);
        await Task.WhenAll(sources.Select(s => s.GetTriplesAsync(1000, default).AsTask()));
        // C(5, 2) = 10 components with 3 holders each: the lowest holder sends 16 bytes to each of the other two.
        var keys = sources.Select(s => s.BytesSent).ToArray();
        Assert.Equal(10 * 2 * 16, keys.Sum());
        await Task.WhenAll(sources.Select(s => s.GetTriplesAsync(100_000, default).AsTask()));
        Assert.Equal(keys, sources.Select(s => s.BytesSent));
        await Task.WhenAll(sources.Select(s => s.GetDaBitsAsync(100, default).AsTask()));
        // Three contributed bits, XORed in two levels of one multiplication each; each level opens 200 elements (d, e) in
        // slices of 40, party p summing slice p: 4 slices of shares out and its slice's sum to 4 peers, 4 (N - 1) = 16
        // elements a multiplication in all, not 2 N (N - 1) = 40.
        Assert.All(sources.Select((s, p) => s.BytesSent - keys[p]), sent => Assert.Equal(2 * (4 * 40 + 4 * 40) * 8, sent));
        foreach (var s in sources) s.Dispose();
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(7, 1)]
    [InlineData(7, 3)]
    public async Task DaBitsRecombineWhenMostPartiesSumAnEmptySliceOfTheOpenings(int parties, int count)
    {
        var sources = Parties<ulong>(new InMemoryNetwork(parties, TimeSpan.FromMinutes(2)), parties);
        for (int batch = 0; batch < 20; batch++)
        {
            var da = await Task.WhenAll(sources.Select(s => s.GetDaBitsAsync(count, default).AsTask()));
            var arithmetic = PreprocessingChecks.Sum(da.Select(d => d.Arithmetic));
            var packed = PreprocessingChecks.Xor(da.Select(d => d.Binary));
            for (int i = 0; i < count; i++) Assert.True((BitSlicing.Get(packed, i) ? 1UL : 0UL) == arithmetic[i], $"batch {batch}, daBit {i}: arithmetic {arithmetic[i]}");
        }
        foreach (var s in sources) s.Dispose();
    }

    [Fact]
    public async Task TheBytesOfTheDaBitsBeaverOpeningsAreCountedAndTriplesCostNone()
    {
        var sources = Parties<ulong>(new InMemoryNetwork(3, TimeSpan.FromMinutes(2)), 3);
        await Task.WhenAll(sources.Select(s => s.GetTriplesAsync(1000, default).AsTask()));
        Assert.All(sources, s => Assert.Equal(0, s.BytesSent));
        await Task.WhenAll(sources.Select(s => s.GetDaBitsAsync(100, default).AsTask()));
        // One Beaver multiplication per daBit: 200 elements (d, e) in slices of 66, 67 and 67; each party sends the others'
        // slices of its shares to them and its own slice's sum to both: 4 (N - 1) = 8 elements a daBit in all, not 12.
        int[] slices = [66, 67, 67];
        Assert.Equal(slices.Select(own => (200 - own + 2 * own) * 8L), sources.Select(s => s.BytesSent));
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

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public async Task ProtocolsOnTheHonestMajorityEngineMatchTheClearText(int parties)
    {
        var options = new LocalHarnessOptions { Preprocessing = PreprocessingMode.Replicated };
        await Property.CheckAsync("replicated-protocols-" + parties, parties == 3 ? 3 : 2, async (random, seed) =>
        {
            var x = Property.Uniform(random, 40, -50, 50);
            var y = Property.LogUniform(random, 40, 0.5, 40);
            var results = await LocalHarness.RunAsync<UInt128, double[][]>(parties, async rt =>
            {
                var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, x.Length, 1, rt.Format.FractionalBits);
                var sy = Input.Share(rt, 1, rt.PartyIndex == 1 ? y : null, y.Length, 1, rt.Format.FractionalBits);
                var product = await Multiplication.MultiplyAsync(rt, sx, sy);
                var quotient = await Division.DivideAsync(rt, sx, sy);
                var negative = await Comparison.LessThanZeroAsync(rt, sx);
                var root = await SquareRoot.ComputeAsync(rt, sy);
                var truncated = await Truncation.RescaleAsync(rt, sx, 20);
                return
                [
                    await Opening.RevealRealAsync(rt, truncated, "truncated"),
                    await Opening.RevealRealAsync(rt, product, "product"),
                    await Opening.RevealRealAsync(rt, quotient, "quotient"),
                    await Opening.RevealRealAsync(rt, negative, "negative"),
                    await Opening.RevealRealAsync(rt, root, "root"),
                ];
            }, options);
            var r = results[0][1..];
            for (int i = 0; i < x.Length; i++)
            {
                Assert.True(Math.Abs(results[0][0][i] - x[i]) <= Math.Pow(2, -19), $"seed {seed}: {x[i]} truncated to 20 bits = {results[0][0][i]}");
                Assert.True(Math.Abs(r[0][i] - x[i] * y[i]) <= 1e-6 * Math.Max(1, Math.Abs(x[i] * y[i])), $"seed {seed}: {x[i]} * {y[i]} = {r[0][i]}");
                Assert.True(Math.Abs(r[1][i] - x[i] / y[i]) <= 1e-5 * Math.Max(1, Math.Abs(x[i] / y[i])), $"seed {seed}: {x[i]} / {y[i]} = {r[1][i]}");
                Assert.Equal(x[i] < 0 ? 1.0 : 0.0, r[2][i]);
                Assert.True(Math.Abs(r[3][i] - Math.Sqrt(y[i])) <= 1e-5 * Math.Max(1, Math.Sqrt(y[i])), $"seed {seed}: sqrt {y[i]} = {r[3][i]}");
            }
        });
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public async Task TheHonestMajorityEngineRefusesFewerThanThreeAndMoreThanSevenParties(int parties)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => LocalHarness.RunAsync<ulong, int>(parties, _ => Task.FromResult(0), new LocalHarnessOptions { Preprocessing = PreprocessingMode.Replicated }));
        Assert.Contains(ErrorMessages.HonestMajorityPartyCount(parties, ReplicatedSharingPlan.MaxParties), error.Message, StringComparison.Ordinal);
    }
}
