using System.Numerics;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Source of the correlated randomness that the online protocols consume. Every party calls the
/// same methods with the same sizes in the same order (SPMD), and gets its own shares.
/// </summary>
public interface IPreprocessing<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>"dealer" or "ot": recorded in session headers and results.</summary>
    string Mode { get; }

    /// <summary>Bytes this party has sent to make preprocessing (0 where a dealer's seed makes it).</summary>
    long BytesSent { get; }

    ValueTask<BeaverTriples<T>> GetTriplesAsync(int count, CancellationToken cancellationToken);

    ValueTask<MatrixTriple<T>> GetMatrixTripleAsync(int rows, int inner, int columns, CancellationToken cancellationToken);

    ValueTask<BinaryTriples> GetBinaryTriplesAsync(int words, CancellationToken cancellationToken);

    ValueTask<TruncationPairs<T>> GetTruncationPairsAsync(int count, int shift, CancellationToken cancellationToken);

    ValueTask<MaskedBits<T>> GetMaskedBitsAsync(int count, CancellationToken cancellationToken);

    ValueTask<DaBits<T>> GetDaBitsAsync(int count, CancellationToken cancellationToken);
}
