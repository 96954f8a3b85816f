using System.Numerics;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// An engine whose security model lets the runtime multiply by resharing (Araki, Furukawa, Lindell, Nof and Ohara, CCS
/// 2016, for three parties; replicated sharing after Cramer, Damgard and Ishai, TCC 2005, for four to seven) instead of
/// with Beaver triples: offered by <see cref="ReplicatedPreprocessing{T}"/>, where at most t = floor((N - 1) / 2) parties
/// are corrupted. With three parties the product needs no material from the engine; with more, the engine supplies the
/// components' pseudo-random values, which only their holders can draw.
/// </summary>
public interface IResharingMultiplication<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>Whether products are made by resharing for this session's number of parties.</summary>
    bool OffersResharingMultiplication { get; }

    /// <summary>Who holds which component and computes which cross term.</summary>
    ReplicatedSharingPlan Plan { get; }

    /// <summary>This party's held components of <paramref name="length"/> fresh values each; every party calls it with the same sizes in the same order.</summary>
    ValueTask<ResharingComponents<T>> GetResharingComponentsAsync(int length, CancellationToken cancellationToken);
}
