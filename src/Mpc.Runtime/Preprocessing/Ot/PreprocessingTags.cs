namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// Message tags of dealer-free preprocessing. They live apart from the online program counter
/// (bit 62 set), so preprocessing can run ahead of the online phase: tag = 2^62 | kind &lt;&lt; 54 |
/// batch &lt;&lt; 16 | step, where every party numbers the batches of a kind in the same order.
/// </summary>
public static class PreprocessingTags
{
    public const int Triples = 2;
    public const int BinaryTriples = 3;
    public const int DaBits = 4;
    public const int MatrixTriples = 5;
    public const int PrivateProducts = 6;
    public const int ReplicatedDaBits = 7;
    public const int ReplicatedTruncation = 8;
    public const int ReplicatedKeys = 9;
    public const int ShamirProducts = 10;
    public const int ShamirBinaryProducts = 11;
    internal const int SetupKind = 1;

    /// <summary>Tag of a batch step; the ring width is part of the kind so two rings never collide.</summary>
    public static long Of(int kind, int ringBits, long batch, int step)
    {
        if (batch < 0 || batch >= 1L << 38) throw new ArgumentOutOfRangeException(nameof(batch));
        if (step < 0 || step >= 1 << 16) throw new ArgumentOutOfRangeException(nameof(step));
        long k = kind | (ringBits == 128 ? 32 : 0);
        return (1L << 62) | (k << 54) | (batch << 16) | (long)step;
    }

    /// <summary>
    /// Whether a message with this tag is preprocessing that a protocol may have started ahead of its use (every kind but private
    /// products, which carry a round's data): a connection lets a protocol round's messages overtake its pieces.
    /// </summary>
    public static bool IsBackground(long tag) => (tag & (1L << 62)) != 0 && ((tag >> 54) & 31) != PrivateProducts;

    /// <summary>Tag of the base OTs of the extension instance where <paramref name="sender"/> sends to <paramref name="receiver"/>.</summary>
    public static long Setup(int ringBits, int sender, int receiver) => Of(SetupKind, ringBits, sender * 4096L + receiver, 0);
}
