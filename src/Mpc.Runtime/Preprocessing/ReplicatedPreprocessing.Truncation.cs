using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing.Ot;

namespace Mpc.Runtime.Preprocessing;

/// <remarks>
/// With an honest majority of t = 1 only (three or four parties): a coalition of the helper and a computing party would
/// know both r and x + r. Assisted truncation pairs (the helper-party pattern of Wagh, Gupta and Chandran, SecureNN, PoPETS 2019, applied to
/// the pairs of Escudero et al., CRYPTO 2020): party 2, the helper, draws r_0, a_0, u_0, t_0 with party 0 and r_1, a_1
/// with party 1 from their pairwise seeds' PRG, so r = r_0 + r_1 is uniform in Z_2^k and known to the helper alone, and
/// sends party 1 u_1 = (r &gt;&gt; m) - u_0 and t_1 = msb(r) - t_0, each masked by a value party 1 never sees (u_0, t_0).
/// Party 0 receives nothing; the helper receives nothing, and in the truncation protocol it receives nothing either, so
/// the one party that knows r never sees a value r masks. The masks a_j carry the helper's share to the other computing
/// party. A fourth party draws a mask with each computing party, m_0 and m_1, which the computing party adds to its a_j,
/// and so sends its share to the computing parties as the helper does; it holds no part of r and receives nothing.
/// Cost: 2 ring elements a pair, sent by the helper to party 1, instead of k daBits (a Beaver multiplication each).
/// </remarks>
public sealed partial class ReplicatedPreprocessing<T>
{
    /// <summary>The party that deals assisted truncation pairs and never sees a value they mask.</summary>
    public const int TruncationHelper = 2;

    public async ValueTask<AssistedTruncationPairs<T>> GetAssistedTruncationPairsAsync(int count, int shift, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (!OffersAssistedTruncation) throw new InvalidOperationException(ErrorMessages.AssistedTruncationNeedsThreeParties(_plan.Parties));
        if (shift <= 0 || shift > K - 2) throw new ArgumentOutOfRangeException(nameof(shift), ErrorMessages.TruncationShiftOutOfRange(shift, K));
        return await AssistedPairsAsync(count, shift, cancellationToken).ConfigureAwait(false);
    }

    private async Task<AssistedTruncationPairs<T>> AssistedPairsAsync(int count, int shift, CancellationToken cancellationToken)
    {
        int self = _channel.PartyIndex;
        var (r0, a0, u, t, r1, a1, tag) = await InOrderAsync(() =>
        {
            T[] r0 = [], a0 = [], u = [], t = [], r1 = [], a1 = [];
            long tag = PreprocessingTags.Of(PreprocessingTags.ReplicatedTruncation, K, _truncationBatches++, 0);
            // Party 0 and the helper share the first stream, party 1 and the helper the second.
            if (self == 0 || self == TruncationHelper)
            {
                var withFirst = _truncationWith[self == 0 ? TruncationHelper : 0]!;
                (r0, a0, u, t) = (withFirst.NextRing<T>(count), withFirst.NextRing<T>(count), withFirst.NextRing<T>(count), withFirst.NextRing<T>(count));
            }
            if (self == 1 || self == TruncationHelper)
            {
                var withSecond = _truncationWith[self == 1 ? TruncationHelper : 1]!;
                (r1, a1) = (withSecond.NextRing<T>(count), withSecond.NextRing<T>(count));
            }
            // A party beyond the helper shares one mask with each computing party; they fold it into their a_j.
            if (self > TruncationHelper) (a0, a1) = (_truncationWith[0]!.NextRing<T>(count), _truncationWith[1]!.NextRing<T>(count));
            for (int extra = TruncationHelper + 1; extra < _plan.Parties && self < TruncationHelper; extra++)
                RingArithmetic<T>.AddInPlace(self == 0 ? a0 : a1, _truncationWith[extra]!.NextRing<T>(count));
            return (r0, a0, u, t, r1, a1, tag);
        }).ConfigureAwait(false);
        var none = Task.FromResult<(T[], T[])>(([], []));
        if (self > TruncationHelper) return new AssistedTruncationPairs<T>([], none, a0, a1, TruncationHelper, shift);
        if (self == 0) return new AssistedTruncationPairs<T>(r0, Task.FromResult((u, t)), a0, [], TruncationHelper, shift);
        if (self == TruncationHelper)
        {
            DealSecondShares(r0, r1, u, t, shift);
            var payload = new T[2 * count];
            u.CopyTo(payload, 0);
            t.CopyTo(payload, count);
            // Wire format: party 1's shares of r >> m then of msb(r), little-endian ring elements (RingCodec), helper to party 1.
            await _channel.SendAsync(1, tag, RingCodec.Encode<T>(payload), cancellationToken).ConfigureAwait(false);
            return new AssistedTruncationPairs<T>([], none, a0, a1, TruncationHelper, shift);
        }
        return new AssistedTruncationPairs<T>(r1, ReceiveDealtSharesAsync(tag, count, cancellationToken), [], a1, TruncationHelper, shift);
    }

    // Party 1's shares of r >> m and msb(r), from the helper; received by tag, so awaiting them late keeps the order of the streams.
    private async Task<(T[] RShifted, T[] RTopBit)> ReceiveDealtSharesAsync(long tag, int count, CancellationToken cancellationToken)
    {
        var shares = await CheckedReceive.ElementsAsync<T>(_channel, TruncationHelper, tag, 2 * count, cancellationToken).ConfigureAwait(false);
        return (shares[..count], shares[count..]);
    }

    // Overwrites u_0 and t_0 with party 1's shares: (r >> m) - u_0 and msb(r) - t_0, r = r_0 + r_1.
    private static void DealSecondShares(T[] r0, T[] r1, T[] u, T[] t, int shift)
    {
        unchecked
        {
            for (int i = 0; i < u.Length; i++)
            {
                T r = r0[i] + r1[i];
                u[i] = (r >>> shift) - u[i];
                t[i] = (RingArithmetic<T>.IsNegative(r) ? T.One : T.Zero) - t[i];
            }
        }
    }
}
