namespace Mpc.Runtime.Preprocessing;

/// <summary>This party's XOR shares of random bit-sliced AND triples: c = a AND b, 64 gates a word.</summary>
public sealed record BinaryTriples(ulong[] A, ulong[] B, ulong[] C);
