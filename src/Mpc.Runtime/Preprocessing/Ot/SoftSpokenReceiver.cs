using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// The receiver's half of one SoftSpoken (k = <see cref="SoftSpokenTree.BlockBits"/>) extension instance (see <see cref="SoftSpokenSender"/>
/// for the protocol and wire format). It was the sender of the 128 base OTs and knows all 2^k
/// seeds of each of the 128 / k blocks; each extension with choice bits c gives it rows t_j = q_j XOR c_j * Delta.
/// The puncturing message and the trees are described in <see cref="SoftSpokenTree"/>.
/// </summary>
public sealed class SoftSpokenReceiver : IDisposable
{
    private const int Blocks = SoftSpokenTree.Blocks;
    private const int Leaves = SoftSpokenTree.Leaves;
    private readonly byte[][] _seeds;
    private readonly TaggedPrg[] _prgs;

    private SoftSpokenReceiver(byte[][] seeds)
    {
        _seeds = seeds;
        _prgs = seeds.Select(s => new TaggedPrg(s)).ToArray();
    }

    /// <summary>Runs the base OTs as their sender and sends the puncturing message.</summary>
    public static async Task<SoftSpokenReceiver> SetupAsync(IPartyChannel channel, int peer, long tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var (keys0, keys1) = await BaseObliviousTransfer.SendAsync(channel, peer, tag, 128, cancellationToken).ConfigureAwait(false);
        var (seeds, message) = SoftSpokenTree.Grow(keys0, keys1, tag);
        Array.ForEach(keys0, k => Array.Clear(k));
        Array.ForEach(keys1, k => Array.Clear(k));
        await channel.SendAsync(peer, tag + 2, message, cancellationToken).ConfigureAwait(false);
        return new SoftSpokenReceiver(seeds);
    }

    /// <summary>An instance from known base-OT keys, with its seeds (tests replay an extension with the same randomness).</summary>
    internal static (SoftSpokenReceiver Receiver, byte[][] Seeds, byte[] PuncturingMessage) FromBaseKeys(byte[][] keys0, byte[][] keys1, long tag)
    {
        var (seeds, message) = SoftSpokenTree.Grow(keys0, keys1, tag);
        return (new SoftSpokenReceiver(seeds.Select(s => (byte[])s.Clone()).ToArray()), seeds, message);
    }

    /// <summary>Seed x of block b (tests).</summary>
    internal ReadOnlySpan<byte> Seed(int block, int x) => _seeds[Leaves * block + x];

    /// <summary>Sends the corrections for the choice bits (m = 64 * choices.Length, a multiple of 128) and returns the rows t_j in a pooled array of at least 2m ulongs; return it to <see cref="OtBuffers"/>.</summary>
    public async Task<ulong[]> ExtendAsync(IPartyChannel channel, int peer, long tag, ulong[] choices, CancellationToken cancellationToken)
    {
        var t = await ExtendColumnsAsync(channel, peer, tag, choices, cancellationToken).ConfigureAwait(false);
        int words = choices.Length;
        var rows = OtBuffers.Rent(2 * 64 * words);
        BitTranspose.StridedColumnsToRows(OtBuffers.Words(t, 128 * BitTranspose.ColumnStride(words)), words, rows.AsSpan(0, 128 * words));
        OtBuffers.ReturnBytes(t);
        return rows;
    }

    /// <summary>
    /// <see cref="ExtendAsync"/> before the transpose: the 128 columns t_i of choices.Length ulongs each, <see cref="BitTranspose.ColumnStride"/> apart, in a pooled
    /// byte array (read it through <see cref="OtBuffers.Words"/>), for <see cref="BitTranspose.ColumnsToHashedRows"/>; return it with <see cref="OtBuffers.ReturnBytes"/>.
    /// </summary>
    public async Task<byte[]> ExtendColumnsAsync(IPartyChannel channel, int peer, long tag, ulong[] choices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(choices);
        int words = choices.Length;
        if (words == 0 || (words & 1) != 0) throw new ArgumentException("OT extension runs in multiples of 128.", nameof(choices));
        int stride = BitTranspose.ColumnStride(words);
        int columnBytes = 8 * words;
        var t = OtBuffers.RentBytes(8 * 128 * stride);
        var r = OtBuffers.RentBytes(columnBytes);
        int bytes = SoftSpokenTree.ExtensionBytes(64 * words);
        var message = OtBuffers.RentBytes(bytes);
        var corrections = OtBuffers.Words(message, Blocks * words);
        var columns = OtBuffers.Words(t, 128 * stride);
        var stream = OtBuffers.Words(r, words);
        const int k = SoftSpokenTree.BlockBits;
        for (int b = 0; b < Blocks; b++)
        {
            // d_b = c XOR every r_x; column i = XOR of r_x over x with bit i set (the single-bit x fill their column first).
            var d = corrections.Slice(b * words, words);
            choices.CopyTo(d);
            for (int i = 0; i < k; i++)
            {
                var column = columns.Slice((k * b + i) * stride, words);
                _prgs[Leaves * b + (1 << i)].Fill(tag, t, 8 * (k * b + i) * stride, columnBytes);
                SoftSpokenTree.XorInto(d, column);
            }
            for (int x = 0; x < Leaves; x++)
            {
                if ((x & (x - 1)) == 0 && x != 0) continue;
                _prgs[Leaves * b + x].Fill(tag, r, 0, columnBytes);
                SoftSpokenTree.XorInto(d, stream);
                for (int i = 0; i < k; i++)
                    if (((x >> i) & 1) != 0) SoftSpokenTree.XorInto(columns.Slice((k * b + i) * stride, words), stream);
            }
        }
        OtBuffers.ReturnBytes(r);
        await channel.SendAsync(peer, tag, message.AsMemory(0, bytes), cancellationToken).ConfigureAwait(false);
        OtBuffers.ReturnBytes(message);
        return t;
    }

    public void Dispose()
    {
        foreach (var prg in _prgs) prg.Dispose();
        Array.ForEach(_seeds, k => Array.Clear(k));
    }
}
