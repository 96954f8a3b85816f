namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Random masks with their bits ("edaBits", Escudero et al., CRYPTO 2020): arithmetic shares of
/// r uniform in Z_2^k, and XOR shares of every bit of r, bit-sliced (bit j of element i at word
/// j * ceil(n/64) + i/64).
/// </summary>
public sealed record MaskedBits<T>(T[] R, ulong[] Bits, int Count);
