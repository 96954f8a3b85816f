using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Protocols;

/// <remarks>
/// Multiplication by resharing with four to seven parties and replicated sharing (<see cref="ReplicatedSharingPlan"/>:
/// a value is the sum of one component per t-subset A, held by the N - t parties outside A). Method: the additive
/// shares of x and y become replicated components, then every party sums its cross terms x_A y_B as the replicated
/// triples do. Party i adds a fresh zero share, v_i = x_i + a_i, and subtracts the components it owns, drawn from their
/// keys: d_i = v_i - sum over A owned by i of R_A. It sends d_i to the other holders of its sink component S_i (the one
/// missing the t parties after it), so component A is R_A plus the d_j of the parties whose sink it is, and the
/// components sum to sum v_i = x. Its result share is the sum of its cross terms plus a second zero share.
/// Security (semi-honest, any t parties C): C misses exactly component C; its owner's d is masked by R_C, which C cannot
/// draw, and every other honest d_j carries the zero share's G(j, owner of C), which C also lacks, so all it receives is
/// uniform; component C itself contains R_C, so the components C holds are independent of x; the result shares are
/// re-randomised by the zero sharing, as a replicated triple's are. So C's view is simulated from its own inputs.
/// Cost: one round; each party sends 2 ring elements a product to N - t - 1 peers (4 at four and five parties, 6 at
/// seven) against 2 to every peer (6, 8, 12) for a Beaver product; the components are local PRG draws.
/// </remarks>
public static partial class Multiplication
{
    private static async Task<T[]> MultiplyReplicatedAsync<T>(MpcRuntime<T> runtime, T[] x, T[] y, Action<T[], T[], T[]> multiply, int resultLength)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var engine = (IResharingMultiplication<T>)runtime.Preprocessing;
        var plan = engine.Plan;
        int self = runtime.PartyIndex, nx = x.Length, length = nx + y.Length;
        long tag = runtime.NextTag();
        var shares = runtime.NextZeroShares(length);
        var resultMask = runtime.NextZeroShares(resultLength);
        var components = (await engine.GetResharingComponentsAsync(length, runtime.Cancellation).ConfigureAwait(false)).Components;
        CheckDelivered("resharing components", plan.HeldBy(self).Length, components.Count(c => c?.Length == length));
        RingArithmetic<T>.AddInPlace(shares.AsSpan(0, nx), x);
        RingArithmetic<T>.AddInPlace(shares.AsSpan(nx), y);
        foreach (int c in plan.HeldBy(self))
            if (plan.Owner(c) == self) RingArithmetic<T>.SubtractInPlace(shares, components[c]!);
        int sink = plan.Sink(self);
        var receivers = plan.Holders(sink).Where(p => p != self).ToArray();
        // Wire format: d_i, the sender's masked shares of x then of y, little-endian ring elements (RingCodec), to the other holders of its sink.
        var payload = RingCodec.Encode<T>(shares);
        var sends = receivers.Select(p => runtime.SendAsync(p, tag, payload)).ToArray();
        RingArithmetic<T>.AddInPlace(components[sink]!, shares);
        for (int peer = 0; peer < runtime.PartyCount; peer++)
        {
            if (peer == self || !plan.Holds(self, plan.Sink(peer))) continue;
            var received = await CheckedReceive.BlockAsync<T>(runtime.Channel, peer, tag, length, runtime.Cancellation).ConfigureAwait(false);
            RingCodec.AddInto<T>(received, components[plan.Sink(peer)]);
            runtime.Channel.Release(received);
        }
        await Task.WhenAll(sends).ConfigureAwait(false);
        var xs = components.Select(c => c?[..nx]).ToArray();
        var ys = components.Select(c => c?[nx..]).ToArray();
        var z = plan.SumCrossTerms(self, xs, ys, resultLength, (sum, term) => RingArithmetic<T>.AddInPlace(sum, term), multiply);
        RingArithmetic<T>.AddInPlace(z, resultMask);
        return z;
    }
}
