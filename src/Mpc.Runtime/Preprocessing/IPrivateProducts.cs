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
    /// for small private values). The shares are correct modulo 2^<paramref name="outputBits"/> (at most k) and arbitrary above:
    /// each oblivious transfer then carries k - outputBits bits less. Every party calls it with the same shapes in the same order.
    /// </summary>
    ValueTask<T[]> PrivateProductAsync(int owner, T[]? matrix, T[] share, int rows, int inner, int columns, int choiceBits, int outputBits, CancellationToken cancellationToken);

    /// <summary>
    /// This party's shares of s_e * U_e for every entry e, where the scalars s are given by <paramref name="owner"/> only (null
    /// elsewhere) and <paramref name="share"/> is this party's share of U; only the low <paramref name="choiceBits"/> bits of the
    /// other parties' entries count. Numbered with <see cref="PrivateProductAsync"/>: every party calls both in the same order.
    /// </summary>
    ValueTask<T[]> PrivateScaleAsync(int owner, T[]? scalars, T[] share, int choiceBits, CancellationToken cancellationToken);
}
