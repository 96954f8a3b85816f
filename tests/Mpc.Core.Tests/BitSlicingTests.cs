using Mpc.Core;

namespace Mpc.Core.Tests;

public class BitSlicingTests
{
    [Fact]
    public void SlicedBitsMatchTheValuesBits()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 130).Select(_ => (ulong)random.NextInt64()).ToArray();
        var sliced = BitSlicing.Slice<ulong>(values, 64);
        int words = BitSlicing.WordsFor(130);
        Assert.Equal(3, words);
        for (int i = 0; i < values.Length; i++)
            for (int j = 0; j < 64; j++)
                Assert.Equal(((values[i] >> j) & 1) == 1, BitSlicing.Get(sliced.AsSpan(j * words, words), i));
    }

    [Theory]
    [InlineData(1, 83)]
    [InlineData(5, 40)]
    [InlineData(64, 3)]
    [InlineData(70, 9)]
    [InlineData(130, 5)]
    public void PackedSegmentsHoldEachSegmentsUsedBitsDenselyAndUnpackWithTheRestZero(int bits, int segments)
    {
        var random = new Random(bits * 1000 + segments);
        int w = BitSlicing.WordsFor(bits);
        var source = Enumerable.Range(0, segments * w).Select(_ => (ulong)random.NextInt64() ^ ((ulong)random.Next() << 63)).ToArray();
        var dense = BitSlicing.PackSegments(source, bits);
        Assert.Equal(BitSlicing.WordsFor(segments * bits), dense.Length);
        for (int s = 0; s < segments; s++)
            for (int b = 0; b < bits; b++) Assert.Equal(BitSlicing.Get(source, s * w * 64 + b), BitSlicing.Get(dense, s * bits + b));
        var back = BitSlicing.UnpackSegments(dense, bits, segments);
        for (int s = 0; s < segments; s++)
            for (int b = 0; b < w * 64; b++) Assert.Equal(b < bits && BitSlicing.Get(source, s * w * 64 + b), BitSlicing.Get(back, s * w * 64 + b));
    }

    [Fact]
    public void PackAndLastWordMaskAgree()
    {
        var bits = Enumerable.Range(0, 70).Select(i => i % 3 == 0).ToArray();
        var packed = BitSlicing.Pack(bits);
        Assert.Equal(2, packed.Length);
        Assert.Equal(0UL, packed[1] & ~BitSlicing.LastWordMask(70));
        for (int i = 0; i < 70; i++) Assert.Equal(bits[i], BitSlicing.Get(packed, i));
    }

    [Fact]
    public void RingCodecRoundTripsAndRejectsWrongLengths()
    {
        var values = new UInt128[] { 1, UInt128.MaxValue, new(5, 7) };
        var bytes = RingCodec.Encode<UInt128>(values);
        Assert.Equal(48, bytes.Length);
        Assert.Equal(1, bytes[0]);
        Assert.Equal(values, RingCodec.Decode<UInt128>(bytes, 3));
        Assert.Throws<FormatException>(() => RingCodec.Decode<UInt128>(bytes, 2));
    }
}
