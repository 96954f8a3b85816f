namespace Mpc.Runtime;

/// <summary>One party's shares of a named output: raw little-endian ring elements, with shape and scale.</summary>
public sealed record OutputShares(string Name, int Rows, int Columns, int Scale, int RingBits, byte[] Shares);
