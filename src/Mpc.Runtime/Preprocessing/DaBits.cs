namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Random bits shared in both domains ("daBits", Rotaru and Wood, INDOCRYPT 2019): arithmetic
/// shares of b in {0,1} and packed XOR shares of the same b. They convert binary results to
/// arithmetic ones with one binary opening.
/// </summary>
public sealed record DaBits<T>(T[] Arithmetic, ulong[] Binary, int Count);
