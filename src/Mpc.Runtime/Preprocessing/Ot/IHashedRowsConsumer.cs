namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// Takes the hashed rows of <see cref="BitTranspose.HashRows{TConsumer}"/> a tile at a time, so a product can use them while
/// they are in cache instead of after a trip through memory.
/// </summary>
internal interface IHashedRowsConsumer
{
    /// <summary>
    /// Rows first .. first + count - 1: the hash of row first + g with offset o is cipher XOR sigma at block o * count + g
    /// (2 ulongs per block; <see cref="CorrelationRobustHash.EncryptSigma"/>), so a consumer XORs only the part it uses.
    /// </summary>
    void Consume(int first, int count, ReadOnlySpan<ulong> sigma, ReadOnlySpan<ulong> cipher);
}
