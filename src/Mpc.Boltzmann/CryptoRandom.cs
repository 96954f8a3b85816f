using Mpc.Core;

namespace Mpc.Boltzmann;

/// <summary>A <see cref="Random"/> over the party's AES-CTR CSPRNG, for choices that protect privacy (subsampling, rounding).</summary>
internal sealed class CryptoRandom(AesCtrRandom source) : Random
{
    // 53 random bits, uniform on [0, 1).
    protected override double Sample() => (source.NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public override double NextDouble() => Sample();

    public override int Next(int maxValue) => (int)source.NextBelow((ulong)maxValue);

    public override int Next() => (int)source.NextBelow(int.MaxValue);

    public override int Next(int minValue, int maxValue) => minValue + (int)source.NextBelow((ulong)((long)maxValue - minValue));

    public override void NextBytes(byte[] buffer) => source.Fill(buffer);

    public override void NextBytes(Span<byte> buffer) => source.Fill(buffer);
}
