using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>
/// What a party sees (its shares, and the masked values opened to it) must not depend on the
/// secrets: a chi-square test on byte frequencies tells a share that leaks its secret from a
/// uniform one.
/// </summary>
public class PartyViewTests
{
    // 255 degrees of freedom: the 1e-6 upper quantile is about 375; a leaking share scores in the thousands.
    internal const double ChiSquareLimit = 375;

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task SharesOfAConstantLookUniform(int parties)
    {
        var views = await CollectViewsAsync(parties, Enumerable.Repeat(1.0, 4096).ToArray());
        for (int p = 1; p < parties; p++) Assert.InRange(ChiSquare(views[p].Shares), 0, ChiSquareLimit);
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task OpenedMasksLookUniformWhetherTheSecretIsConstantOrRandom(int parties)
    {
        var random = new Random(Property.BaseSeed);
        var constant = await CollectViewsAsync(parties, Enumerable.Repeat(0.0, 4096).ToArray());
        var uniform = await CollectViewsAsync(parties, Property.Uniform(random, 4096, -1000, 1000));
        for (int p = 0; p < parties; p++)
        {
            Assert.InRange(ChiSquare(constant[p].Opened), 0, ChiSquareLimit);
            Assert.InRange(ChiSquare(uniform[p].Opened), 0, ChiSquareLimit);
            Assert.InRange(TwoSampleChiSquare(constant[p].Opened, uniform[p].Opened), 0, ChiSquareLimit);
        }
    }

    [Fact]
    public void TheTestDetectsAShareThatLeaksItsSecret()
    {
        // A "share" equal to the encoded constant itself: the statistic must be far above the limit.
        var leaked = FixedPointFormat.Ring64.Encode<ulong>(Enumerable.Repeat(1.0, 4096).ToArray());
        Assert.True(ChiSquare(RingCodec.Encode<ulong>(leaked)) > 10 * ChiSquareLimit);
    }

    private static async Task<(byte[] Shares, byte[] Opened)[]> CollectViewsAsync(int parties, double[] secret)
    {
        var opened = new List<byte[]>[parties];
        for (int i = 0; i < parties; i++) opened[i] = [];
        return await LocalHarness.RunAsync<ulong, (byte[], byte[])>(parties, async rt =>
        {
            var x = Input.Share(rt, 0, rt.PartyIndex == 0 ? secret : null, secret.Length, 1, 16);
            // The masked values that a truncation and a multiplication open: x + r, x - a.
            var truncationPairs = await rt.Preprocessing.GetTruncationPairsAsync(x.Length, 16, default);
            var masked = new ulong[x.Length];
            RingArithmetic<ulong>.Add(x.Share, truncationPairs.R, masked);
            var view = await Opening.OpenAsync(rt, masked);
            return (RingCodec.Encode<ulong>(x.Share), RingCodec.Encode<ulong>(view));
        });
    }

    internal static double ChiSquare(byte[] bytes)
    {
        var counts = new long[256];
        foreach (var b in bytes) counts[b]++;
        double expected = bytes.Length / 256.0;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    private static double TwoSampleChiSquare(byte[] a, byte[] b)
    {
        var ca = new long[256];
        var cb = new long[256];
        foreach (var x in a) ca[x]++;
        foreach (var x in b) cb[x]++;
        double total = 0;
        for (int i = 0; i < 256; i++)
        {
            double sum = ca[i] + cb[i];
            if (sum == 0) continue;
            total += (ca[i] - cb[i]) * (double)(ca[i] - cb[i]) / sum;
        }
        return total;
    }
}
