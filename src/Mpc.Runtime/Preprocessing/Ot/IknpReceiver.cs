using System.Runtime.InteropServices;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// The receiver's half of one IKNP extension instance (see <see cref="IknpSender"/> for the
/// protocol and wire format). It holds both seeds of each of the 128 base OTs, for which it was the
/// base-OT sender; each extension with choice bits c gives it rows t_j = q_j XOR c_j * Delta.
/// </summary>
public sealed class IknpReceiver : IDisposable
{
    private readonly byte[][] _keys0;
    private readonly byte[][] _keys1;

    private IknpReceiver(byte[][] keys0, byte[][] keys1)
    {
        _keys0 = keys0;
        _keys1 = keys1;
    }

    /// <summary>Runs the base OTs as their sender.</summary>
    public static async Task<IknpReceiver> SetupAsync(IPartyChannel channel, int peer, long tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var (keys0, keys1) = await BaseObliviousTransfer.SendAsync(channel, peer, tag, 128, cancellationToken).ConfigureAwait(false);
        return new IknpReceiver(keys0, keys1);
    }

    /// <summary>An instance from known base-OT keys (tests replay an extension with the same randomness).</summary>
    internal static IknpReceiver FromBaseKeys(byte[][] keys0, byte[][] keys1) =>
        new(keys0.Select(k => (byte[])k.Clone()).ToArray(), keys1.Select(k => (byte[])k.Clone()).ToArray());

    /// <summary>Sends u for the choice bits (m = 64 * choices.Length, a multiple of 128) and returns the rows t_j in a pooled array of at least 2m ulongs; return it to <see cref="OtBuffers"/>.</summary>
    public async Task<ulong[]> ExtendAsync(IPartyChannel channel, int peer, long tag, ulong[] choices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(choices);
        int words = choices.Length;
        if (words == 0 || (words & 1) != 0) throw new ArgumentException("OT extension runs in multiples of 128.", nameof(choices));
        var t = OtBuffers.Rent(128 * words);
        var message = new byte[128 * words * 8];
        var u = MemoryMarshal.Cast<byte, ulong>(message.AsSpan());
        for (int i = 0; i < 128; i++)
        {
            var tColumn = t.AsSpan(i * words, words);
            var uColumn = u.Slice(i * words, words);
            TaggedPrg.Fill(_keys0[i], tag, tColumn);
            TaggedPrg.Fill(_keys1[i], tag, uColumn);
            BitSlicing.Xor(uColumn, tColumn, uColumn);
            BitSlicing.Xor(uColumn, choices, uColumn);
        }
        var send = channel.SendAsync(peer, tag, message, cancellationToken);
        var rows = OtBuffers.Rent(2 * 64 * words);
        BitTranspose.ColumnsToRows(t.AsSpan(0, 128 * words), words, rows.AsSpan(0, 128 * words));
        OtBuffers.Return(t);
        await send.ConfigureAwait(false);
        return rows;
    }

    public void Dispose()
    {
        Array.ForEach(_keys0, k => Array.Clear(k));
        Array.ForEach(_keys1, k => Array.Clear(k));
    }
}
