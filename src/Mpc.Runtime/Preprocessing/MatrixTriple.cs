namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// This party's shares of a random matrix triple: A (rows x inner), B (inner x columns) and
/// C = A * B, row-major. A product of secret X and Y then opens X - A and Y - B only, so it costs
/// O(rows*inner + inner*columns) communication instead of O(rows*inner*columns).
/// </summary>
public sealed record MatrixTriple<T>(T[] A, T[] B, T[] C, int Rows, int Inner, int Columns);
