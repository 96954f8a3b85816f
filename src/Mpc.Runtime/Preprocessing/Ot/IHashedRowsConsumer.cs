namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// Takes the hashed rows of <see cref="BitTranspose.HashRows{TConsumer}"/> a tile at a time, so a product can use them while
/// they are in cache instead of after a trip through memory.
/// </summary>
internal interface IHashedRowsConsumer
{
    /// <summary>Where the hashes of rows first .. first + count - 1 go (2 ulongs per row) for offset 0 (which = 0) or 1.</summary>
    Span<ulong> Output(int which, int first, int count);

    /// <summary>The hashes of rows first .. first + count - 1 are in the spans <see cref="Output"/> gave.</summary>
    void Consume(int first, int count);
}
