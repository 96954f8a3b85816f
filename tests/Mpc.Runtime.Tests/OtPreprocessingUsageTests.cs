using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Tests;

/// <summary>
/// The OT engine makes what is asked for (at least a minimum batch at a time) or forecast, less than a minimum batch ahead of it,
/// and its bytes are the stated cost per item.
/// </summary>
public class OtPreprocessingUsageTests
{
    // Requests of uneven sizes (triples in Z_2^64 come in pairs: 128 OTs; daBits in 128s), so that some leave items for the next.
    private static readonly int[] TripleRequests = [1000, 2, 5000, 9000, 18];
    private static readonly int[] DaBitRequests = [100, 28, 3000, 1];

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task TheOtEngineMakesWhatIsRequestedWithinOneMinimumBatchAndSendsTheStatedBytesAnItem(int parties)
    {
        var network = new InMemoryNetwork(parties, TimeSpan.FromSeconds(120));
        var sources = Enumerable.Range(0, parties).Select(i => new OtPreprocessing<ulong>(network.GetChannel(i))).ToArray();
        await Task.WhenAll(sources.Select(async source =>
        {
            foreach (int count in TripleRequests) await source.GetTriplesAsync(count, default);
            foreach (int count in DaBitRequests) await source.GetDaBitsAsync(count, default);
        }));
        int triples = TripleRequests.Sum(), daBits = DaBitRequests.Sum();
        foreach (var source in sources)
        {
            var usage = source.Usage.ToDictionary(u => u.Item);
            var tripleUsage = usage["triples, Z_2^64"];
            Assert.Equal(triples, tripleUsage.Taken);
            // A small request starts a minimum batch (64), whose rest the next requests take: never a whole minimum batch ahead.
            Assert.InRange(tripleUsage.Produced - triples, 0, 63);
            // Per triple and peer: the extension of 64 OTs as receiver and the corrections of 64 Gilboa OTs as sender.
            // SoftSpoken with k = 2 sends 128 / 2 bits an OT.
            long perTriple = 64 * 128 / 2 / 8 + ObliviousProducts.CorrectionBytes(64, 2, 64, 1) / 2;
            Assert.Equal(tripleUsage.Produced * (parties - 1) * perTriple, tripleUsage.BytesSent);
            var daBitUsage = usage["daBits, Z_2^64"];
            Assert.Equal(daBits, daBitUsage.Taken);
            Assert.InRange(daBitUsage.Produced - daBits, 0, 511);
            Assert.Equal(0, usage["AND triples (64-bit words)"].Produced);
        }
        foreach (var source in sources) source.Dispose();
    }

    [Fact]
    public async Task ARunOfSmallRequestsIsServedByOneMinimumBatch()
    {
        const int parties = 3;
        var network = new InMemoryNetwork(parties, TimeSpan.FromSeconds(120));
        var sources = Enumerable.Range(0, parties).Select(i => new OtPreprocessing<UInt128>(network.GetChannel(i))).ToArray();
        var taken = await Task.WhenAll(sources.Select(async source =>
        {
            var pieces = new List<BeaverTriples<UInt128>>();
            for (int r = 0; r < 20; r++) pieces.Add(await source.GetTriplesAsync(3, default));
            return pieces;
        }));
        foreach (var source in sources)
        {
            var usage = source.Usage.Single(u => u.Item == "triples, Z_2^128");
            // 20 requests of 3 triples: one production of 64 (the minimum), not 20 of 4.
            Assert.Equal(60, usage.Taken);
            Assert.Equal(64, usage.Produced);
        }
        for (int piece = 0; piece < 20; piece++)
        {
            var a = PreprocessingChecks.Sum(taken.Select(t => t[piece].A));
            var b = PreprocessingChecks.Sum(taken.Select(t => t[piece].B));
            var product = new UInt128[a.Length];
            RingArithmetic<UInt128>.Multiply(a, b, product);
            Assert.Equal(product, PreprocessingChecks.Sum(taken.Select(t => t[piece].C)));
        }
        foreach (var source in sources) source.Dispose();
    }

    [Fact]
    public async Task AForecastIsMadeOnceAndServesTheRequestsThatFollowWithCorrectTriples()
    {
        const int parties = 3, forecast = 6000;
        var network = new InMemoryNetwork(parties, TimeSpan.FromSeconds(120));
        var sources = Enumerable.Range(0, parties).Select(i => new OtPreprocessing<UInt128>(network.GetChannel(i))).ToArray();
        var taken = await Task.WhenAll(sources.Select(async source =>
        {
            source.Forecast(forecast, 0, 0);
            var pieces = new List<BeaverTriples<UInt128>>();
            // A smaller forecast inside the first one starts nothing more.
            source.Forecast(forecast / 2, 0, 0);
            foreach (int count in new[] { 2000, 1000, 3000 }) pieces.Add(await source.GetTriplesAsync(count, default));
            return pieces;
        }));
        foreach (var source in sources)
        {
            var usage = source.Usage.Single(u => u.Item == "triples, Z_2^128");
            Assert.Equal(forecast, usage.Produced);
            Assert.Equal(forecast, usage.Taken);
        }
        for (int piece = 0; piece < 3; piece++)
        {
            var a = PreprocessingChecks.Sum(taken.Select(t => t[piece].A));
            var b = PreprocessingChecks.Sum(taken.Select(t => t[piece].B));
            var c = PreprocessingChecks.Sum(taken.Select(t => t[piece].C));
            var product = new UInt128[a.Length];
            RingArithmetic<UInt128>.Multiply(a, b, product);
            Assert.Equal(product, c);
        }
        foreach (var source in sources) source.Dispose();
    }
}
