namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// This party's shares of random r uniform in Z_2^k together with r &gt;&gt; Shift (logical) and the
/// top bit of r, all arithmetic shares. They drive the probabilistic truncation protocol.
/// </summary>
public sealed record TruncationPairs<T>(T[] R, T[] RShifted, T[] RTopBit, int Shift);
