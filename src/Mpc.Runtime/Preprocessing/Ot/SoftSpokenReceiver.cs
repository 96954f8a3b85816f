using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// The receiver's half of one SoftSpoken (k = 2) extension instance (see <see cref="SoftSpokenSender"/>
/// for the protocol and wire format). It was the sender of the 128 base OTs and knows all four
/// seeds of each of the 64 blocks; each extension with choice bits c gives it rows t_j = q_j XOR c_j * Delta.
/// </summary>
/// <remarks>
/// Puncturing (GGM tree of depth 2 per block b, base OTs 2b and 2b + 1 with keys K^0, K^1):
/// leaves s_y, s_(y+2) = G(K_2b^y, tag) for y = 0, 1; the message at tag + 2 holds, for each block
/// and y = 0, 1, G(K_2b+1^y, tag) XOR s_2y XOR s_(2y+1), 16 bytes each (2,048 bytes in all).
/// </remarks>
public sealed class SoftSpokenReceiver : IDisposable
{
    private const int Blocks = 64;
    internal const int PuncturingBytes = Blocks * 2 * 16;
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
        return await SendPuncturingAsync(channel, peer, tag, keys0, keys1, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets up the instance from <paramref name="peer"/> without base OTs, from the instance <paramref name="reverse"/> in which this
    /// party sends to the peer: 128 OTs extended on it (at <paramref name="tag"/>) serve as the base OTs, key 0 and key 1 of OT j
    /// coming from the rows q_j and q_j XOR Delta; then the puncturing message goes out at tag + 2 as after <see cref="SetupAsync"/>.
    /// </summary>
    public static async Task<SoftSpokenReceiver> SetupFromReverseAsync(IPartyChannel channel, int peer, long tag, SoftSpokenSender reverse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(reverse);
        var rows = await reverse.ExtendAsync(channel, peer, tag, 128, cancellationToken).ConfigureAwait(false);
        var keys0 = new byte[128][];
        var keys1 = new byte[128][];
        ulong delta0 = reverse.Delta[0], delta1 = reverse.Delta[1];
        for (int j = 0; j < 128; j++)
        {
            keys0[j] = BaseObliviousTransfer.KeyFromExtensionRow(tag, j, rows[2 * j], rows[2 * j + 1]);
            keys1[j] = BaseObliviousTransfer.KeyFromExtensionRow(tag, j, rows[2 * j] ^ delta0, rows[2 * j + 1] ^ delta1);
        }
        Array.Clear(rows, 0, 256);
        OtBuffers.Return(rows);
        return await SendPuncturingAsync(channel, peer, tag, keys0, keys1, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<SoftSpokenReceiver> SendPuncturingAsync(IPartyChannel channel, int peer, long tag, byte[][] keys0, byte[][] keys1, CancellationToken cancellationToken)
    {
        var (seeds, message) = Tree(keys0, keys1, tag);
        Array.ForEach(keys0, k => Array.Clear(k));
        Array.ForEach(keys1, k => Array.Clear(k));
        await channel.SendAsync(peer, tag + 2, message, cancellationToken).ConfigureAwait(false);
        return new SoftSpokenReceiver(seeds);
    }

    /// <summary>An instance from known base-OT keys, with its seeds (tests replay an extension with the same randomness).</summary>
    internal static (SoftSpokenReceiver Receiver, byte[][] Seeds, byte[] PuncturingMessage) FromBaseKeys(byte[][] keys0, byte[][] keys1, long tag)
    {
        var (seeds, message) = Tree(keys0, keys1, tag);
        return (new SoftSpokenReceiver(seeds.Select(s => (byte[])s.Clone()).ToArray()), seeds, message);
    }

    /// <summary>Seed x of block b (tests).</summary>
    internal ReadOnlySpan<byte> Seed(int block, int x) => _seeds[4 * block + x];

    private static (byte[][] Seeds, byte[] Message) Tree(byte[][] keys0, byte[][] keys1, long tag)
    {
        var seeds = new byte[4 * Blocks][];
        var message = new byte[PuncturingBytes];
        var children = new ulong[4];
        var pad = new ulong[2];
        for (int b = 0; b < Blocks; b++)
        {
            for (int y = 0; y < 2; y++)
            {
                TaggedPrg.Fill(y == 0 ? keys0[2 * b] : keys1[2 * b], tag, children);
                seeds[4 * b + y] = MemoryMarshal.AsBytes(children.AsSpan(0, 2)).ToArray();
                seeds[4 * b + y + 2] = MemoryMarshal.AsBytes(children.AsSpan(2, 2)).ToArray();
            }
            for (int y = 0; y < 2; y++)
            {
                TaggedPrg.Fill(y == 0 ? keys0[2 * b + 1] : keys1[2 * b + 1], tag, pad);
                var target = message.AsSpan((2 * b + y) * 16, 16);
                var padBytes = MemoryMarshal.AsBytes(pad.AsSpan());
                for (int i = 0; i < 16; i++) target[i] = (byte)(padBytes[i] ^ seeds[4 * b + 2 * y][i] ^ seeds[4 * b + 2 * y + 1][i]);
            }
        }
        return (seeds, message);
    }

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
        int bytes = Blocks * columnBytes;
        var message = OtBuffers.RentBytes(bytes);
        var corrections = OtBuffers.Words(message, Blocks * words);
        var columns = OtBuffers.Words(t, 128 * stride);
        var stream = OtBuffers.Words(r, words);
        for (int b = 0; b < Blocks; b++)
        {
            // r_0, r_1, r_2 go straight into d_b and the columns; r_3 is folded into all three in one pass.
            _prgs[4 * b].Fill(tag, message, b * columnBytes, columnBytes);
            _prgs[4 * b + 1].Fill(tag, t, 8 * 2 * b * stride, columnBytes);
            _prgs[4 * b + 2].Fill(tag, t, 8 * (2 * b + 1) * stride, columnBytes);
            _prgs[4 * b + 3].Fill(tag, r, 0, columnBytes);
            FoldReceiverBlock(columns.Slice(2 * b * stride, words), columns.Slice((2 * b + 1) * stride, words), corrections.Slice(b * words, words), stream, choices);
        }
        OtBuffers.ReturnBytes(r);
        await channel.SendAsync(peer, tag, message.AsMemory(0, bytes), cancellationToken).ConfigureAwait(false);
        OtBuffers.ReturnBytes(message);
        return t;
    }

    // With c0 = r_1, c1 = r_2, d = r_0, s = r_3 on entry: c0 = r_1 ^ r_3, c1 = r_2 ^ r_3, d = r_0 ^ r_1 ^ r_2 ^ r_3 ^ choices (lengths equal).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldReceiverBlock(Span<ulong> column0, Span<ulong> column1, Span<ulong> correction, ReadOnlySpan<ulong> stream, ReadOnlySpan<ulong> choices)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref ulong c0 = ref MemoryMarshal.GetReference(column0);
            ref ulong c1 = ref MemoryMarshal.GetReference(column1);
            ref ulong d = ref MemoryMarshal.GetReference(correction);
            ref ulong s = ref MemoryMarshal.GetReference(stream);
            ref ulong c = ref MemoryMarshal.GetReference(choices);
            for (; i + 8 <= column0.Length; i += 8)
            {
                var r3 = Vector512.LoadUnsafe(ref s, (nuint)i);
                var r2 = Vector512.LoadUnsafe(ref c1, (nuint)i);
                var t0 = Vector512.LoadUnsafe(ref c0, (nuint)i) ^ r3;
                t0.StoreUnsafe(ref c0, (nuint)i);
                (r2 ^ r3).StoreUnsafe(ref c1, (nuint)i);
                (Vector512.LoadUnsafe(ref d, (nuint)i) ^ t0 ^ r2 ^ Vector512.LoadUnsafe(ref c, (nuint)i)).StoreUnsafe(ref d, (nuint)i);
            }
        }
        for (; i < column0.Length; i++)
        {
            ulong r2 = column1[i], t0 = column0[i] ^ stream[i];
            column0[i] = t0;
            column1[i] = r2 ^ stream[i];
            correction[i] ^= t0 ^ r2 ^ choices[i];
        }
    }

    public void Dispose()
    {
        foreach (var prg in _prgs) prg.Dispose();
        Array.ForEach(_seeds, k => Array.Clear(k));
    }
}
