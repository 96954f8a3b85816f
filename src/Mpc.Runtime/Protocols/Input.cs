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
            if (values!.Length != count) throw new ArgumentException(ErrorMessages.InputShapeInvalid(rows, columns, values.Length), nameof(values));
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
            if (values!.Length % columns != 0) throw new ArgumentException(ErrorMessages.InputShapeInvalid(values.Length / columns, columns, values.Length), nameof(values));
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
            if (rows < 0) throw new ProtocolAbortedException($"Party {runtime.Channel.GetPartyName(owner)} announced a negative row count.", runtime.Channel.GetPartyName(owner));
        }
        return Share(runtime, owner, values, rows, columns, scale);
    }

    /// <summary>
    /// Every party contributes a vector of the same length; the result is their element-wise sum,
    /// secret-shared. The lengths are compared first (one round) and a mismatch aborts naming the parties.
    /// </summary>
    public static async Task<Secret<T>> SumAcrossPartiesAsync<T>(MpcRuntime<T> runtime, double[] localValues, int columns, int scale)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(localValues);
        if (columns <= 0 || localValues.Length % columns != 0) throw new ArgumentException(ErrorMessages.InputShapeInvalid(localValues.Length / Math.Max(columns, 1), columns, localValues.Length), nameof(localValues));
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
            if (length != localValues.Length)
                throw new ProtocolAbortedException(
                    $"Parties contribute vectors of different lengths: {runtime.PartyName} has {localValues.Length}, {runtime.Channel.GetPartyName(peer)} has {length}.",
                    runtime.Channel.GetPartyName(peer));
        }
        await send.ConfigureAwait(false);
        var share = runtime.NextZeroShares(encoded.Length);
        RingArithmetic<T>.AddInPlace(share, encoded);
        return new Secret<T>(runtime, share, localValues.Length / columns, columns, scale);
    }

    /// <summary>A public matrix as a (trivial) sharing: party 0 holds the values, the others zeros.</summary>
    public static Secret<T> Public<T>(MpcRuntime<T> runtime, double[] values, int rows, int columns, int scale)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != checked(rows * columns)) throw new ArgumentException(ErrorMessages.InputShapeInvalid(rows, columns, values.Length), nameof(values));
        var share = runtime.IsLeader ? runtime.Format.Encode<T>(values, scale) : new T[values.Length];
        return new Secret<T>(runtime, share, rows, columns, scale);
    }

    private static void CheckOwner<T>(MpcRuntime<T> runtime, int owner, double[]? values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (owner < 0 || owner >= runtime.PartyCount) throw new ArgumentOutOfRangeException(nameof(owner), ErrorMessages.PartyIndexOutOfRange(owner, runtime.PartyCount));
        if (runtime.PartyIndex == owner && values is null) throw new ArgumentException(ErrorMessages.InputMissingAtOwner(owner), nameof(values));
        if (runtime.PartyIndex != owner && values is not null) throw new ArgumentException(ErrorMessages.InputOnlyAtOwner(owner, runtime.PartyIndex), nameof(values));
    }
}
