using System.Buffers.Binary;
using System.Numerics;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Public values that every party could compute itself, computed once overall: party k computes items k, k + N, k + 2N, ...
/// and sends them to every other party, so each party does 1/N of the work and all end with every item. Only for items that
/// are functions of public inputs (such as samples of a released model under a public seed): what is sent is then what every
/// receiver could have computed, so it discloses nothing; it is not a way to send a party's data, which goes through
/// declared outputs. A party that deviates can alter the items it computes, as it could by computing them wrong on its own.
/// </summary>
/// <remarks>
/// Wire format of the one round (tag t): every party to every other party its items in increasing order, each
/// <c>width</c> IEEE 754 doubles, little-endian; nothing else. A block whose length is not exactly its sender's item
/// count times width times 8 bytes, or that holds a value that is not finite, aborts naming the sender.
/// </remarks>
public static class SharedPublicWork
{
    /// <summary>The most values (items times width) one round shares: larger work goes in several rounds, each message below 8 MB.</summary>
    public const int MaximumValuesPerRound = 1 << 20;

    /// <summary>
    /// Items 0..count-1 of <paramref name="width"/> finite values each, this party computing its own (index mod N = its index)
    /// with <paramref name="item"/>, the rest received from the parties that computed them; the same at every party.
    /// </summary>
    public static async Task<double[][]> ComputeAsync<T>(MpcRuntime<T> runtime, int count, int width, Func<int, double[]> item)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(item);
        if (count < 0 || width < 1 || width > MaximumValuesPerRound)
            throw new ArgumentOutOfRangeException(nameof(count), $"Shared work takes a non-negative item count and 1 to {MaximumValuesPerRound} values an item; here {count} items of {width}.");
        int perRound = MaximumValuesPerRound / width;
        var result = new double[count][];
        for (int start = 0; start < count; start += perRound)
        {
            int first = start;
            var chunk = await ComputeCoreAsync(runtime, Math.Min(perRound, count - start), width, i => item(first + i)).ConfigureAwait(false);
            chunk.CopyTo(result, start);
        }
        return result;
    }

    // The items party p computes: p, p + N, ... below count.
    private static int ItemsOf(int party, int parties, int count) => party < count ? (count - party + parties - 1) / parties : 0;

    private static async Task<double[][]> ComputeCoreAsync<T>(MpcRuntime<T> runtime, int count, int width, Func<int, double[]> item)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int parties = runtime.PartyCount, me = runtime.PartyIndex;
        var result = new double[count][];
        int mine = ItemsOf(me, parties, count);
        var payload = new byte[mine * width * sizeof(double)];
        for (int j = 0; j < mine; j++)
        {
            int index = me + j * parties;
            var values = item(index);
            if (values.Length != width || values.Any(v => !double.IsFinite(v)))
                throw new ArgumentException($"Item {index} has {values.Length} values where {width} finite ones are shared.", nameof(item));
            result[index] = values;
            for (int c = 0; c < width; c++) BinaryPrimitives.WriteDoubleLittleEndian(payload.AsSpan((j * width + c) * sizeof(double)), values[c]);
        }
        long tag = runtime.NextTag();
        var send = runtime.SendAllAsync(tag, payload);
        for (int peer = 0; peer < parties; peer++)
        {
            if (peer == me) continue;
            var received = await runtime.ReceiveAsync(peer, tag).ConfigureAwait(false);
            int theirs = ItemsOf(peer, parties, count);
            string name = runtime.Channel.GetPartyName(peer);
            if (received.Length != theirs * width * sizeof(double)) throw new ProtocolAbortedException(RuntimeErrors.SharedWorkLength(name), name);
            for (int j = 0; j < theirs; j++)
            {
                var values = new double[width];
                for (int c = 0; c < width; c++) values[c] = BinaryPrimitives.ReadDoubleLittleEndian(received.AsSpan((j * width + c) * sizeof(double)));
                if (values.Any(v => !double.IsFinite(v))) throw new ProtocolAbortedException(RuntimeErrors.SharedWorkNotFinite(name), name);
                result[peer + j * parties] = values;
            }
            runtime.Channel.Release(received);
        }
        await send.ConfigureAwait(false);
        return result;
    }
}
