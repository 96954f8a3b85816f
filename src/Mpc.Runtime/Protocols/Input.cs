using System.Buffers.Binary;
using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// The Input role: a party secret-shares its private values. With pseudo-random zero sharing the
/// owner's share is its values plus its zero share and every other share is that party's zero
/// share, so no share data crosses the network. Shapes are public.
/// </summary>
public static class Input
{
    /// <summary>
    /// The owner secret-shares a matrix whose shape every party knows. Only the owner passes values.
    /// </summary>
    public static Secret<T> Share<T>(MpcRuntime<T> runtime, int owner, double[]? values, int rows, int columns, int scale)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        CheckOwner(runtime, owner, values);
        int count = checked(rows * columns);
        T[]? encoded = null;
        if (runtime.PartyIndex == owner)
        {
            if (values!.Length != count) throw new ArgumentException(RuntimeErrors.InputShapeInvalid(rows, columns, values.Length), nameof(values));
            CheckRange(values, Math.Pow(2, runtime.Format.RingBits - 2 - scale), RuntimeErrors.ShareOutOfRange, (v, i, bound) => RuntimeErrors.ShareOutOfRangeDetail(v, i, bound));
            encoded = runtime.Format.Encode<T>(values, scale);
        }
        var share = runtime.NextZeroShares(count);
        if (encoded is not null) RingArithmetic<T>.AddInPlace(share, encoded);
        return new Secret<T>(runtime, share, rows, columns, scale);
    }

    /// <summary>
    /// The owner secret-shares a matrix with a known column count; its row count is sent to the
    /// others first (one round), so it becomes public.
    /// </summary>
    public static async Task<Secret<T>> ShareAsync<T>(MpcRuntime<T> runtime, int owner, double[]? values, int columns, int scale)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        CheckOwner(runtime, owner, values);
        if (columns <= 0) throw new ArgumentOutOfRangeException(nameof(columns));
        long tag = runtime.NextTag();
        int rows;
        if (runtime.PartyIndex == owner)
        {
            if (values!.Length % columns != 0) throw new ArgumentException(RuntimeErrors.InputShapeInvalid(values.Length / columns, columns, values.Length), nameof(values));
            rows = values.Length / columns;
            var payload = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(payload, rows);
            await runtime.SendAllAsync(tag, payload).ConfigureAwait(false);
        }
        else
        {
            var payload = await runtime.ReceiveAsync(owner, tag).ConfigureAwait(false);
            if (payload.Length != 4) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(owner, tag, 4, payload.Length), runtime.Channel.GetPartyName(owner));
            rows = BinaryPrimitives.ReadInt32LittleEndian(payload);
            if (rows < 0) throw new ProtocolAbortedException(RuntimeErrors.NegativeRowCount(runtime.Channel.GetPartyName(owner)), runtime.Channel.GetPartyName(owner));
        }
        return Share(runtime, owner, values, rows, columns, scale);
    }

    /// <summary>
    /// Every party contributes a vector of the same length; the result is their element-wise sum,
    /// secret-shared. The lengths are compared first (one round) and a mismatch aborts naming the parties.
    /// </summary>
    /// <remarks>
    /// The ring holds |x| &lt; 2^(k-2-scale); a pooled sum outside that range would wrap around silently.
    /// Without a range proof, each party checks its own contribution against that bound divided by the
    /// number of parties, so that the honest parties' total cannot wrap; a contribution over it stops
    /// the session with a <see cref="DataProblemException"/> naming what was summed (from
    /// <paramref name="labels"/>, by element, or by column when it has one label per column) and never
    /// the value. A party that lies about its range can still wrap the sum: it could as well lie about its data.
    /// </remarks>
    public static async Task<Secret<T>> SumAcrossPartiesAsync<T>(MpcRuntime<T> runtime, double[] localValues, int columns, int scale, IReadOnlyList<string>? labels = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(localValues);
        CheckContribution(runtime, localValues, columns, scale, labels);
        var encoded = runtime.Format.Encode<T>(localValues, scale);
        long tag = runtime.NextTag();
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, localValues.Length);
        var send = runtime.SendAllAsync(tag, payload);
        for (int peer = 0; peer < runtime.PartyCount; peer++)
        {
            if (peer == runtime.PartyIndex) continue;
            var received = await runtime.ReceiveAsync(peer, tag).ConfigureAwait(false);
            int length = received.Length == 4 ? BinaryPrimitives.ReadInt32LittleEndian(received) : -1;
            // The lengths may be row counts: the message names the parties, not the lengths.
            if (length != localValues.Length)
                throw new ProtocolAbortedException(RuntimeErrors.ContributionLengthsDiffer(runtime.PartyName, runtime.Channel.GetPartyName(peer)), runtime.Channel.GetPartyName(peer));
        }
        await send.ConfigureAwait(false);
        var share = runtime.NextZeroShares(encoded.Length);
        RingArithmetic<T>.AddInPlace(share, encoded);
        return new Secret<T>(runtime, share, localValues.Length / columns, columns, scale);
    }

    // A contribution to a sum over the parties: whole rows of `columns`, each value below the ring's bound divided by the number of parties.
    internal static void CheckContribution<T>(MpcRuntime<T> runtime, double[] localValues, int columns, int scale, IReadOnlyList<string>? labels)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (columns <= 0 || localValues.Length % columns != 0) throw new ArgumentException(RuntimeErrors.InputShapeInvalid(localValues.Length / Math.Max(columns, 1), columns, localValues.Length), nameof(localValues));
        double bound = Math.Pow(2, runtime.Format.RingBits - 2 - scale) / runtime.PartyCount;
        string Label(int i) => labels is null || labels.Count == 0 ? $"element {i + 1}" : labels.Count == localValues.Length ? labels[i] : labels[i % columns % labels.Count];
        for (int i = 0; i < localValues.Length; i++)
        {
            if (!double.IsFinite(localValues[i]) || Math.Abs(localValues[i]) >= bound)
                throw new DataProblemException(RuntimeErrors.SumOutOfRange(Label(i), runtime.PartyCount), RuntimeErrors.SumOutOfRangeDetail(Label(i), localValues[i], bound), dependsOnValues: true);
        }
    }

    /// <summary>A public matrix as a (trivial) sharing: party 0 holds the values, the others zeros.</summary>
    public static Secret<T> Public<T>(MpcRuntime<T> runtime, double[] values, int rows, int columns, int scale)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != checked(rows * columns)) throw new ArgumentException(RuntimeErrors.InputShapeInvalid(rows, columns, values.Length), nameof(values));
        var share = runtime.IsLeader ? runtime.Format.Encode<T>(values, scale) : new T[values.Length];
        return new Secret<T>(runtime, share, rows, columns, scale);
    }

    // A value the ring cannot hold stops the session without quoting it (the detail, with the value, is for the party's log).
    private static void CheckRange(double[] values, double bound, Func<string> publicMessage, Func<double, int, double, string> detail)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]) || Math.Abs(values[i]) >= bound)
                throw new DataProblemException(publicMessage(), detail(values[i], i, bound), dependsOnValues: true);
    }

    private static void CheckOwner<T>(MpcRuntime<T> runtime, int owner, double[]? values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (owner < 0 || owner >= runtime.PartyCount) throw new ArgumentOutOfRangeException(nameof(owner), ErrorMessages.PartyIndexOutOfRange(owner, runtime.PartyCount));
        if (runtime.PartyIndex == owner && values is null) throw new ArgumentException(RuntimeErrors.InputMissingAtOwner(owner), nameof(values));
        if (runtime.PartyIndex != owner && values is not null) throw new ArgumentException(RuntimeErrors.InputOnlyAtOwner(owner, runtime.PartyIndex), nameof(values));
    }
}
