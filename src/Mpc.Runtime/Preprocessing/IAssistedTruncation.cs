using System.Numerics;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Truncation material dealt by one party (the helper) to the other two, for an honest-majority engine: the helper knows
/// r and so must never see a value masked by it. Offered by <see cref="ReplicatedPreprocessing{T}"/>; the truncation
/// protocol uses it instead of <see cref="IPreprocessing{T}.GetTruncationPairsAsync"/> where it is offered.
/// </summary>
public interface IAssistedTruncation<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>Whether pairs are dealt for this session's number of parties (a single helper is safe only where no two parties collude).</summary>
    bool OffersAssistedTruncation { get; }

    /// <summary>This party's part of <paramref name="count"/> pairs; every party calls it with the same sizes in the same order.</summary>
    ValueTask<AssistedTruncationPairs<T>> GetAssistedTruncationPairsAsync(int count, int shift, CancellationToken cancellationToken);
}
