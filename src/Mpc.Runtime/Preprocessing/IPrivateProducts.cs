using System.Numerics;

namespace Mpc.Runtime.Preprocessing;

/// <summary>
/// Products of one party's private matrix with a secret, straight from pairwise oblivious transfer: the owner's
/// matrix never becomes a secret, so no triple is spent on it. Offered by preprocessing that holds OT sessions;
/// without it the runtime shares the matrix and uses a matrix triple.
/// </summary>
public interface IPrivateProducts<T> where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
{
    /// <summary>
    /// This party's shares (rows x columns, row-major, unscaled) of L * U, where L (rows x inner) is given by
    /// <paramref name="owner"/> only (null elsewhere) and <paramref name="share"/> is this party's share of U (inner x columns).
    /// Only the low <paramref name="choiceBits"/> bits of the other parties' entries count (all k for shares of a secret; fewer
    /// for small private values). Every party calls it with the same shapes in the same order.
    /// </summary>
    ValueTask<T[]> PrivateProductAsync(int owner, T[]? matrix, T[] share, int rows, int inner, int columns, int choiceBits, CancellationToken cancellationToken);
}
