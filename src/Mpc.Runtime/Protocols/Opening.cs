using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// The Opening role: turns shares into a public value. Reveals of named outputs go through the
/// runtime's reveal policy; internal openings of masked values (x - a in Beaver, x + r in
/// truncation and comparison) are uniformly random and skip it.
/// </summary>
/// <remarks>
/// Wire format of one opening round: each party sends its share block to the others, tagged with
/// the round's program counter; a block is n ring elements as raw little-endian words
/// (<see cref="RingCodec"/>) or, for binary openings, n/64 little-endian 64-bit words.
/// </remarks>
public static class Opening
{
    /// <summary>Reveals a secret to every party as the named output.</summary>
    public static async Task<T[]> RevealAsync<T>(MpcRuntime<T> runtime, Secret<T> value, string outputName)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(value);
        runtime.RevealPolicy.CheckReveal(outputName, value.Length, RevealRecipient.Everyone);
        return await OpenAsync(runtime, value.Share).ConfigureAwait(false);
    }

    /// <summary>Reveals a secret to every party and decodes it at its scale.</summary>
    public static async Task<double[]> RevealRealAsync<T>(MpcRuntime<T> runtime, Secret<T> value, string outputName)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        FixedPointFormat.Decode<T>(await RevealAsync(runtime, value, outputName).ConfigureAwait(false), value.Scale);

    /// <summary>Reveals a secret to one party only; the others get null and learn nothing.</summary>
    public static async Task<T[]?> RevealToAsync<T>(MpcRuntime<T> runtime, Secret<T> value, int recipient, string outputName)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(value);
        if (recipient < 0 || recipient >= runtime.PartyCount) throw new ArgumentOutOfRangeException(nameof(recipient), ErrorMessages.PartyIndexOutOfRange(recipient, runtime.PartyCount));
        runtime.RevealPolicy.CheckReveal(outputName, value.Length, RevealRecipient.Party(recipient));
        long tag = runtime.NextTag();
        if (runtime.PartyIndex != recipient)
        {
            await runtime.SendAsync(recipient, tag, RingCodec.Encode<T>(value.Share)).ConfigureAwait(false);
            return null;
        }
        var sum = (T[])value.Share.Clone();
        await ExchangeAsync(runtime, tag, null, RingCodec.ByteLength<T>(sum.Length), (_, received) => RingCodec.AddInto<T>(received, sum)).ConfigureAwait(false);
        return sum;
    }

    /// <summary>
    /// Sends this party's shares of a declared output to the analyst, who alone reconstructs it;
    /// no party learns the value.
    /// </summary>
    public static async Task OutputAsync<T>(MpcRuntime<T> runtime, Secret<T> value, string outputName)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(value);
        runtime.RevealPolicy.CheckReveal(outputName, value.Length, RevealRecipient.Analyst);
        var sink = runtime.Outputs ?? throw new InvalidOperationException(RuntimeErrors.NoOutputSink(outputName));
        // Re-randomise with a fresh zero sharing so the analyst's view is the output and nothing else.
        var shares = runtime.NextZeroShares(value.Length);
        RingArithmetic<T>.AddInPlace(shares, value.Share);
        var message = new OutputShares(outputName, value.Rows, value.Columns, value.Scale, RingArithmetic<T>.Bits, RingCodec.Encode<T>(shares));
        await sink.DeliverAsync(message, runtime.Cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// The element-wise sum of every party's values, opened to every party as the named output in two message rounds
    /// through the leader (party 0) instead of a secure sum and a full-mesh opening: 2 (N - 1) messages instead of
    /// N (N - 1) per round. Each party sends its values plus a pseudo-random zero share to the leader, which adds them
    /// and sends the sum back; the leader sees only masked contributions (uniform unless every other party colludes
    /// with it), the other parties only the sum, which every party learns anyway.
    /// </summary>
    /// <remarks>
    /// Wire format: round 1 (tag t), every party but the leader to the leader: n ring elements (<see cref="RingCodec"/>),
    /// its values encoded at <paramref name="scale"/> plus its zero share; round 2 (tag t + 1), the leader to every
    /// party: the n ring elements of the sum. A block of another length aborts naming its sender. Contributions are
    /// range-checked as <see cref="Input.SumAcrossPartiesAsync"/> checks them, so the honest parties' sum cannot wrap. The
    /// lengths may be row counts: a mismatch names the parties, not the lengths.
    /// </remarks>
    public static Task<double[]> RevealSumAcrossPartiesAsync<T>(MpcRuntime<T> runtime, double[] localValues, int scale, string outputName)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        RevealSumAcrossPartiesAsync(runtime, localValues, scale, outputName, double.PositiveInfinity);

    /// <summary>
    /// The same sum, where every party knows a public bound on the magnitude of every element of the sum (a row count
    /// times a per-row bound): when the bound at <paramref name="scale"/> is below 2^62, the values travel as 64-bit words
    /// in Z_2^64 whatever the runtime's ring, with zero shares of their own (<see cref="MpcRuntime{T}.NextWordZeroShares"/>),
    /// and open to exactly the values the ring would open: the sum mod 2^64 is the sum, as it cannot wrap.
    /// </summary>
    /// <remarks>
    /// Wire format as above, with n 64-bit little-endian words in place of ring elements in both rounds when the bound
    /// allows (8 n bytes a message instead of 16 n in Z_2^128); every party decides it alike from the public bound.
    /// A value of this party's own beyond the bound is the caller's error and throws before anything is sent.
    /// </remarks>
    public static async Task<double[]> RevealSumAcrossPartiesAsync<T>(MpcRuntime<T> runtime, double[] localValues, int scale, string outputName, double sumBound)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(localValues);
        if (!(sumBound >= 0)) throw new ArgumentOutOfRangeException(nameof(sumBound), sumBound, "The bound on the sum's magnitude is a non-negative number (infinity: none).");
        Input.CheckContribution(runtime, localValues, 1, scale, null);
        runtime.RevealPolicy.CheckReveal(outputName, localValues.Length, RevealRecipient.Everyone);
        if (!FitsInWords(runtime.Format.RingBits, sumBound, scale))
        {
            var masked = runtime.NextZeroShares(localValues.Length);
            RingArithmetic<T>.AddInPlace(masked, runtime.Format.Encode<T>(localValues, scale));
            return FixedPointFormat.Decode<T>(await SumThroughLeaderAsync(runtime, masked).ConfigureAwait(false), scale);
        }
        var words = runtime.NextWordZeroShares(localValues.Length);
        double factor = Math.Pow(2, scale);
        for (int i = 0; i < words.Length; i++)
        {
            if (Math.Abs(localValues[i]) > sumBound) throw new ArgumentOutOfRangeException(nameof(localValues), RuntimeErrors.ValueBeyondDeclaredBound(i + 1));
            // The same rounding as the ring's encoding, so both widths open the same values.
            words[i] = unchecked(words[i] + (ulong)(long)Math.Round(localValues[i] * factor, MidpointRounding.ToEven));
        }
        return FixedPointFormat.Decode<ulong>(await SumThroughLeaderAsync(runtime, words).ConfigureAwait(false), scale);
    }

    /// <summary>Whether a sum whose elements are at most <paramref name="sumBound"/> in magnitude travels as 64-bit words (see the overload with a bound).</summary>
    public static bool FitsInWords(int ringBits, double sumBound, int scale) => ringBits > 64 && sumBound * Math.Pow(2, scale) < Math.Pow(2, 62);

    // Round 1 to the leader, round 2 back: the masked blocks of TWire elements (the runtime's ring or 64-bit words) and their sum.
    private static async Task<TWire[]> SumThroughLeaderAsync<T, TWire>(MpcRuntime<T> runtime, TWire[] masked)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
        where TWire : unmanaged, IBinaryInteger<TWire>, IUnsignedNumber<TWire>
    {
        long up = runtime.NextTag(), down = runtime.NextTag();
        int bytes = masked.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<TWire>();
        if (runtime.IsLeader)
        {
            await ExchangeAsync(runtime, up, null, null, (peer, received) =>
            {
                if (received.Length != bytes) throw new ProtocolAbortedException(RuntimeErrors.ContributionLengthsDiffer(runtime.PartyName, runtime.Channel.GetPartyName(peer)), runtime.Channel.GetPartyName(peer));
                RingCodec.AddInto<TWire>(received, masked);
            }).ConfigureAwait(false);
            await runtime.SendAllAsync(down, RingCodec.Encode<TWire>(masked)).ConfigureAwait(false);
            return masked;
        }
        await runtime.SendAsync(0, up, RingCodec.Encode<TWire>(masked)).ConfigureAwait(false);
        var sum = await runtime.ReceiveAsync(0, down).ConfigureAwait(false);
        if (sum.Length != bytes) throw new ProtocolAbortedException(RuntimeErrors.ContributionLengthsDiffer(runtime.PartyName, runtime.Channel.GetPartyName(0)), runtime.Channel.GetPartyName(0));
        var result = RingCodec.Decode<TWire>(sum, masked.Length);
        runtime.Channel.Release(sum);
        return result;
    }

    /// <summary>Opens shares of a masked (uniformly random) value to every party, in one round.</summary>
    internal static async Task<T[]> OpenAsync<T>(MpcRuntime<T> runtime, T[] shares)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var sum = (T[])shares.Clone();
        await ExchangeAsync(runtime, runtime.NextTag(), RingCodec.Encode<T>(shares), RingCodec.ByteLength<T>(shares.Length), (_, received) => RingCodec.AddInto<T>(received, sum)).ConfigureAwait(false);
        return sum;
    }

    /// <summary>Opens XOR shares of masked bit words to every party, in one round.</summary>
    internal static async Task<ulong[]> OpenBitsAsync<T>(MpcRuntime<T> runtime, ulong[] shares)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var sum = (ulong[])shares.Clone();
        await ExchangeAsync(runtime, runtime.NextTag(), RingCodec.Encode<ulong>(shares), RingCodec.ByteLength<ulong>(shares.Length), (_, received) => RingCodec.XorInto(received, sum)).ConfigureAwait(false);
        return sum;
    }

    // The one exchange loop of the openings: sends `payload` (if any) to every other party, folds in the block each other
    // party sent under the tag as it arrives, in party order, and hands each buffer back; the send completes before it returns.
    // A block of other than `expectedBytes` (where given; otherwise the fold checks) aborts, naming its sender.
    private static async Task ExchangeAsync<T>(MpcRuntime<T> runtime, long tag, byte[]? payload, int? expectedBytes, Action<int, byte[]> fold)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var send = payload is null ? Task.CompletedTask : runtime.SendAllAsync(tag, payload);
        for (int peer = 0; peer < runtime.PartyCount; peer++)
        {
            if (peer == runtime.PartyIndex) continue;
            var received = await runtime.ReceiveAsync(peer, tag).ConfigureAwait(false);
            try
            {
                if (expectedBytes is int expected && received.Length != expected)
                    throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag, expected, received.Length), runtime.Channel.GetPartyName(peer));
                fold(peer, received);
            }
            finally
            {
                runtime.Channel.Release(received);
            }
        }
        await send.ConfigureAwait(false);
    }
}
