using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Tests;

/// <summary>Recombines every party's preprocessing material and checks the relation it must satisfy.</summary>
public static class PreprocessingChecks
{
    public static async Task CheckAllAsync(IReadOnlyList<IPreprocessing<ulong>> sources)
    {
        await CheckTriplesAsync(sources, 1000);

        var matrices = await Task.WhenAll(sources.Select(s => s.GetMatrixTripleAsync(4, 3, 2, default).AsTask()));
        var product = new ulong[8];
        RingArithmetic<ulong>.MatrixMultiply(Sum(matrices.Select(t => t.A)), Sum(matrices.Select(t => t.B)), product, 4, 3, 2);
        Assert.Equal(product, Sum(matrices.Select(t => t.C)));

        var binary = await Task.WhenAll(sources.Select(s => s.GetBinaryTriplesAsync(100, default).AsTask()));
        var ba = Xor(binary.Select(t => t.A));
        var bb = Xor(binary.Select(t => t.B));
        Assert.Equal(ba.Zip(bb, (x, y) => x & y), Xor(binary.Select(t => t.C)));

        await CheckDaBitsAsync(sources);
    }

    /// <summary>daBits, and the truncation pairs and masked bits made of them.</summary>
    public static async Task CheckDaBitsAsync(IReadOnlyList<IPreprocessing<ulong>> sources)
    {
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
        Assert.Contains(arithmetic, v => v == 1);
        Assert.Contains(arithmetic, v => v == 0);
    }

    public static async Task CheckTriplesAsync<T>(IReadOnlyList<IPreprocessing<T>> sources, int count) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var triples = await Task.WhenAll(sources.Select(s => s.GetTriplesAsync(count, default).AsTask()));
        var a = Sum(triples.Select(t => t.A));
        var b = Sum(triples.Select(t => t.B));
        var c = Sum(triples.Select(t => t.C));
        for (int i = 0; i < count; i++)
        {
            if (unchecked(a[i] * b[i]) != c[i]) Assert.Fail($"triple {i} of {count}: c != a * b");
        }
        Assert.NotEqual(triples[0].A, triples[1].A);
    }

    public static T[] Sum<T>(IEnumerable<T[]> parts) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        T[]? total = null;
        foreach (var p in parts)
        {
            if (total is null) total = (T[])p.Clone();
            else RingArithmetic<T>.AddInPlace(total, p);
        }
        return total!;
    }

    public static ulong[] Xor(IEnumerable<ulong[]> parts)
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
