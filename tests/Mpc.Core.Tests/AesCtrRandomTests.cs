using System.Security.Cryptography;
using Mpc.Core;

namespace Mpc.Core.Tests;

public class AesCtrRandomTests
{
    [Fact]
    public void TheStreamIsAesOfALittleEndianCounter()
    {
        // Block i of the stream is AES_k(i as 16 little-endian bytes): checked against .NET's AES directly.
        var key = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
        using var prg = new AesCtrRandom(key);
        var stream = new byte[48];
        prg.Fill(stream);
        using var aes = Aes.Create();
        aes.Key = key;
        var counters = new byte[48];
        counters[16] = 1;
        counters[32] = 2;
        Assert.Equal(aes.EncryptEcb(counters, PaddingMode.None), stream);
        // FIPS-197 appendix C.1 fixes AES-128 itself: block 0 under this key is AES(0).
        Assert.Equal("c6a13b37878f5b826f4f8162a1c8d879", Convert.ToHexString(stream.AsSpan(0, 16)).ToLowerInvariant());
    }

    [Fact]
    public void SameSeedGivesTheSameStreamWhateverTheRequestSizes()
    {
        var seed = AesCtrRandom.NewSeed();
        using var a = new AesCtrRandom(seed);
        using var b = new AesCtrRandom(seed);
        var whole = new byte[70_000];
        a.Fill(whole);
        var pieces = new byte[70_000];
        int offset = 0;
        foreach (var size in new[] { 1, 15, 17, 16384, 3, 40000, 13580 })
        {
            b.Fill(pieces.AsSpan(offset, size));
            offset += size;
        }
        Assert.Equal(whole, pieces);
    }

    [Fact]
    public void DifferentSeedsAndLabelsGiveDifferentStreams()
    {
        var seed = AesCtrRandom.NewSeed();
        Assert.NotEqual(AesCtrRandom.DeriveSeed(seed, "a"), AesCtrRandom.DeriveSeed(seed, "b"));
        using var a = new AesCtrRandom(AesCtrRandom.DeriveSeed(seed, "a"));
        using var b = new AesCtrRandom(AesCtrRandom.DeriveSeed(seed, "b"));
        Assert.NotEqual(a.NextUInt64(), b.NextUInt64());
    }

    [Fact]
    public void NextBelowStaysBelowItsBoundAndCoversIt()
    {
        using var prg = AesCtrRandom.CreateFromSystem();
        var counts = new int[7];
        for (int i = 0; i < 7000; i++) counts[prg.NextBelow(7)]++;
        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }

    [Fact]
    public void ASeedMustBeSixteenBytes()
    {
        var error = Assert.Throws<ArgumentException>(() => new AesCtrRandom(new byte[15]));
        Assert.StartsWith("A PRG seed must be 16 bytes, got 15.", error.Message, StringComparison.Ordinal);
    }
}
