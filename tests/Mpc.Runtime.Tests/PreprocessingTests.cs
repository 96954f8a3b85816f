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

        var triples = await Task.WhenAll(sources.Select(s => s.GetTriplesAsync(1000, default).AsTask()));
        var a = Sum(triples.Select(t => t.A));
        var b = Sum(triples.Select(t => t.B));
        var c = Sum(triples.Select(t => t.C));
        for (int i = 0; i < 1000; i++) Assert.Equal(unchecked(a[i] * b[i]), c[i]);

        var matrices = await Task.WhenAll(sources.Select(s => s.GetMatrixTripleAsync(4, 3, 2, default).AsTask()));
        var product = new ulong[8];
        RingArithmetic<ulong>.MatrixMultiply(Sum(matrices.Select(t => t.A)), Sum(matrices.Select(t => t.B)), product, 4, 3, 2);
        Assert.Equal(product, Sum(matrices.Select(t => t.C)));

        var binary = await Task.WhenAll(sources.Select(s => s.GetBinaryTriplesAsync(100, default).AsTask()));
        var ba = Xor(binary.Select(t => t.A));
        var bb = Xor(binary.Select(t => t.B));
        Assert.Equal(ba.Zip(bb, (x, y) => x & y), Xor(binary.Select(t => t.C)));

        var pairs = await Task.WhenAll(sources.Select(s => s.GetTruncationPairsAsync(500, 16, default).AsTask()));
        var r = Sum(pairs.Select(p => p.R));
        Assert.Equal(r.Select(v => v >> 16), Sum(pairs.Select(p => p.RShifted)));
        Assert.Equal(r.Select(v => v >> 63), Sum(pairs.Select(p => p.RTopBit)));

        var masks = await Task.WhenAll(sources.Select(s => s.GetMaskedBitsAsync(130, default).AsTask()));
        Assert.Equal(BitSlicing.Slice<ulong>(Sum(masks.Select(m => m.R)), 64), Xor(masks.Select(m => m.Bits)));

        var da = await Task.WhenAll(sources.Select(s => s.GetDaBitsAsync(200, default).AsTask()));
        var arithmetic = Sum(da.Select(d => d.Arithmetic));
        var packed = Xor(da.Select(d => d.Binary));
        for (int i = 0; i < 200; i++) Assert.Equal(BitSlicing.Get(packed, i) ? 1UL : 0UL, arithmetic[i]);

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

    private static ulong[] Sum(IEnumerable<ulong[]> parts)
    {
        ulong[]? total = null;
        foreach (var p in parts)
        {
            if (total is null) total = (ulong[])p.Clone();
            else RingArithmetic<ulong>.AddInPlace(total, p);
        }
        return total!;
    }

    private static ulong[] Xor(IEnumerable<ulong[]> parts)
    {
        ulong[]? total = null;
        foreach (var p in parts)
        {
            if (total is null) total = (ulong[])p.Clone();
            else BitSlicing.Xor(total, p, total);
        }
        return total!;
    }
}
