namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// This party's material for a truncation assisted by a helper party (<see cref="IAssistedTruncation{T}"/>): at each
/// of the two computing parties its share of r, of r &gt;&gt; Shift and of the top bit of r (r uniform in Z_2^k, shared
/// between the computing parties only) and the mask it shares with the other parties in <see cref="MaskOfFirst"/> or
/// <see cref="MaskOfSecond"/>; at the helper (and a fourth party) its masks with each computing party and empty shares.
/// The computing parties are the two lowest other than <see cref="Helper"/>, First the lower index. The shares of r &gt;&gt; Shift
/// and of the top bit come in <see cref="Dealt"/>: the second computing party receives them from the helper in the same round
/// as the truncation's messages, so it awaits them only after sending its own (one latency a truncation, not two).
/// </summary>
public sealed record AssistedTruncationPairs<T>(T[] R, Task<(T[] RShifted, T[] RTopBit)> Dealt, T[] MaskOfFirst, T[] MaskOfSecond, int Helper, int Shift);
