namespace Mpc.Runtime.Preprocessing;

/// <summary>This party's shares of random triples (a, b, c) with c = a * b element-wise in Z_2^k.</summary>
public sealed record BeaverTriples<T>(T[] A, T[] B, T[] C);
