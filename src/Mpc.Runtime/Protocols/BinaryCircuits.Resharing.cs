using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <remarks>
/// AND by resharing among three parties with an honest majority (semi-honest, at most one corrupted): the binary form of
/// Multiplication.Resharing.cs (Araki, Furukawa, Lindell, Nof and Ohara, CCS 2016). Each party P_i XORs fresh zero shares
/// into its shares, x'_i = x_i ^ a_i and y'_i = y_i ^ b_i, and sends them to one neighbour, so that it holds its own
/// pair and the neighbour's; then z_i = x'_i (y'_i ^ y'_j) ^ x'_j y'_i ^ c_i, j the neighbour it received from, and the
/// three z_i XOR to all nine cross terms, x y. The first half of the words goes to P_(i-1) (P_i then holds x'_(i+1)),
/// the second half to P_(i+1) (P_i holds x'_(i-1)): both links carry half, where one link carried all.
/// Security: a_i = G(i, i+1) ^ G(i-1, i), and the receiving neighbour lacks one of the two seeds, so each word it
/// receives is uniform; c_i re-randomises the result. One party's view is simulated by uniform words.
/// Cost: one round; each party sends 2 words a word of gates (one to each neighbour), against 4 (2 to each peer) for a
/// binary Beaver triple's opening, and draws no triple.
/// </remarks>
public static partial class BinaryCircuits
{
    private static async Task<ulong[]> AndByResharingAsync<T>(MpcRuntime<T> runtime, ulong[] x, ulong[] y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = x.Length, half = w / 2, rest = w - half;
        int self = runtime.PartyIndex, previous = (self + 2) % 3, next = (self + 1) % 3;
        long tag = runtime.NextTag();
        var mineX = runtime.NextBitZeroShares(w);
        var mineY = runtime.NextBitZeroShares(w);
        var z = runtime.NextBitZeroShares(w);
        BitSlicing.Xor(mineX, x, mineX);
        BitSlicing.Xor(mineY, y, mineY);
        // Wire format: x' then y' of words [0, half) to P_(i-1), of words [half, w) to P_(i+1), little-endian words (RingCodec); an empty half is not sent.
        var sends = new List<Task>(2);
        if (half > 0) sends.Add(runtime.SendAsync(previous, tag, RingCodec.Encode<ulong>([.. mineX.AsSpan(0, half), .. mineY.AsSpan(0, half)])));
        sends.Add(runtime.SendAsync(next, tag, RingCodec.Encode<ulong>([.. mineX.AsSpan(half), .. mineY.AsSpan(half)])));
        // The neighbour's x' then y' of the half it sent this party.
        if (half > 0) Combine(await CheckedReceive.ElementsAsync<ulong>(runtime.Channel, next, tag, 2 * half, runtime.Cancellation).ConfigureAwait(false), 0, half);
        Combine(await CheckedReceive.ElementsAsync<ulong>(runtime.Channel, previous, tag, 2 * rest, runtime.Cancellation).ConfigureAwait(false), half, rest);
        await Task.WhenAll(sends).ConfigureAwait(false);
        return z;

        void Combine(ulong[] theirs, int from, int count)
        {
            for (int i = 0; i < count; i++)
            {
                int at = from + i;
                ulong xi = mineX[at], yi = mineY[at];
                z[at] ^= (xi & (yi ^ theirs[count + i])) ^ (theirs[i] & yi);
            }
        }
    }
}
