using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Protocols;

/// <remarks>
/// Assisted truncation, for three or four parties with an honest majority (semi-honest, at most one corrupted). A fourth
/// party sends its share as the helper does, masked by m_a and m_b that it shares with P_a and P_b, and P_j sends
/// z_j + r_j - a_j - m_j, so the masks cancel in each computing party's sum and every message it receives is uniform.
/// Method: the known-MSB truncation above, run between the two computing parties P_a and P_b with a pair dealt by the
/// helper H (<see cref="IAssistedTruncation{T}"/>): r = r_a + r_b uniform in Z_2^k, shares of r &gt;&gt; m and msb(r) at
/// P_a and P_b only, masks a_a (drawn by P_a and H) and a_b (P_b and H). In one round H sends x_H + a_b to P_a and
/// x_H + a_a to P_b; P_j sends z_j + r_j - a_j to the other, where z_j is its share of z = x + 2^(k-2) (the bias at
/// the leader, never H). Each computing party adds its own z_j + r_j unmasked and so obtains c = z + r; H obtains nothing.
/// Security: H receives nothing in the protocol, so knowing r gives it nothing. P_a sees z_b + r_b - a_b and x_H + a_b,
/// and P_b's dealt shares are never sent to it: r_b and a_b come from the seed of P_b and H, independent and uniform to
/// P_a, so the pair is uniform and independent of x (the same for P_b, whose dealt shares u_b, t_b are masked by u_a, t_a
/// drawn from the seed it lacks). With PRG security the view is simulated by uniform elements.
/// Error: as the known-MSB truncation (c is the same value): floor(x / 2^m) + e, e in {0, 1}, 1 with probability
/// (x mod 2^m) / 2^m; failure probability zero for |x| &lt; 2^(k-2).
/// Cost: one round; n ring elements from each party to each computing party (4n in all, against 6n for a full opening),
/// and 2n ring elements of dealt shares from the helper (against k daBits, 4 ring elements sent each, per pair).
/// The result shares are re-randomised with a zero sharing, so the helper's share is not the constant it would be.
/// </remarks>
public static partial class Truncation
{
    private static async Task<T[]> TruncateAssistedAsync<T>(MpcRuntime<T> runtime, IAssistedTruncation<T> source, T[] x, int shift)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int n = x.Length, self = runtime.PartyIndex;
        var pairs = await source.GetAssistedTruncationPairsAsync(n, shift, runtime.Cancellation).ConfigureAwait(false);
        int helper = pairs.Helper;
        // The leader adds the public bias, so it must be a computing party.
        if (runtime.PartyCount > 4 || helper < 2 || helper >= runtime.PartyCount) throw new InvalidOperationException(ErrorMessages.AssistedTruncationNeedsThreeParties(runtime.PartyCount));
        int first = 0, second = 1;
        long tag = runtime.NextTag();
        var result = runtime.NextZeroShares(n);
        if (self != first && self != second)
        {
            Multiplication.CheckDelivered("truncation masks", 2 * n, pairs.MaskOfFirst.Length + pairs.MaskOfSecond.Length);
            var toFirst = new T[n];
            var toSecond = new T[n];
            unchecked
            {
                for (int i = 0; i < n; i++)
                {
                    toFirst[i] = x[i] + pairs.MaskOfSecond[i];
                    toSecond[i] = x[i] + pairs.MaskOfFirst[i];
                }
            }
            // Wire format: n ring elements (RingCodec) to each computing party, tagged with the round's program counter.
            await Task.WhenAll(runtime.SendAsync(first, tag, RingCodec.Encode<T>(toFirst)), runtime.SendAsync(second, tag, RingCodec.Encode<T>(toSecond))).ConfigureAwait(false);
            return result;
        }
        try
        {
            return await TruncateAtComputingPartyAsync(runtime, pairs, x, shift, tag, result, self == first).ConfigureAwait(false);
        }
        catch
        {
            // The helper's dealt shares may have failed too: observed here, so that only the first failure ends the session.
            _ = pairs.Dealt.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    private static async Task<T[]> TruncateAtComputingPartyAsync<T>(MpcRuntime<T> runtime, AssistedTruncationPairs<T> pairs, T[] x, int shift, long tag, T[] result, bool isFirst)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int n = x.Length, k = RingArithmetic<T>.Bits, self = runtime.PartyIndex, first = 0, second = 1;
        bool leader = runtime.IsLeader;
        var mask = isFirst ? pairs.MaskOfFirst : pairs.MaskOfSecond;
        Multiplication.CheckDelivered("truncation pairs", n, Math.Min(pairs.R.Length, mask.Length));
        T bias = RingArithmetic<T>.PowerOfTwo(k - 2);
        var c = new T[n];
        var masked = new T[n];
        unchecked
        {
            for (int i = 0; i < n; i++)
            {
                c[i] = x[i] + pairs.R[i] + (leader ? bias : T.Zero);
                masked[i] = c[i] - mask[i];
            }
        }
        int other = isFirst ? second : first;
        var send = runtime.SendAsync(other, tag, RingCodec.Encode<T>(masked));
        foreach (var peer in Enumerable.Range(0, runtime.PartyCount).Where(p => p != self))
        {
            var received = await CheckedReceive.BlockAsync<T>(runtime.Channel, peer, tag, n, runtime.Cancellation).ConfigureAwait(false);
            RingCodec.AddInto<T>(received, c);
            runtime.Channel.Release(received);
        }
        await send.ConfigureAwait(false);
        var (rShifted, rTopBit) = await pairs.Dealt.ConfigureAwait(false);
        Multiplication.CheckDelivered("truncation pairs", n, Math.Min(rShifted.Length, rTopBit.Length));
        T wrapWeight = RingArithmetic<T>.PowerOfTwo(k - shift);
        T biasShifted = RingArithmetic<T>.PowerOfTwo(k - 2 - shift);
        unchecked
        {
            for (int i = 0; i < n; i++)
            {
                T value = result[i] - rShifted[i];
                if (!RingArithmetic<T>.IsNegative(c[i])) value += rTopBit[i] * wrapWeight;
                if (leader) value += (c[i] >>> shift) - biasShifted;
                result[i] = value;
            }
        }
        return result;
    }
}
