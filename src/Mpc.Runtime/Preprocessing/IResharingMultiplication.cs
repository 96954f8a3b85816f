using System.Numerics;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// An engine whose security model lets the runtime multiply by resharing (Araki, Furukawa, Lindell, Nof and Ohara, CCS
/// 2016) instead of with Beaver triples: offered by <see cref="ReplicatedPreprocessing{T}"/> with three parties, where
/// at most one party is corrupted. The product needs no material from the engine; the engine only declares the model.
/// </summary>
public interface IResharingMultiplication<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>Whether products are made by resharing for this session's number of parties (three only).</summary>
    bool OffersResharingMultiplication { get; }
}
