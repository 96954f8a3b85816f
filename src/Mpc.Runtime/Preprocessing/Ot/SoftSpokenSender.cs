using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// The sender's half of one OT extension instance: SoftSpoken OT (Roy, CRYPTO 2022) with k = 2,
/// semi-honest, which gives the IKNP correlation (Ishai, Kilian, Nissim and Petrank, CRYPTO 2003)
/// for half of IKNP's traffic. Delta is cut into 64 blocks of 2 bits. For each block the receiver
/// holds four seeds s_0..s_3 and this party all but s_Delta_b (a punctured PRF made from 2 base OTs).
/// Each extension gives it rows q_j = t_j XOR c_j * Delta, where t_j and the choice c_j are the
/// receiver's; hashing q_j and q_j XOR Delta (<see cref="CorrelationRobustHash"/>) gives the two OT
/// messages, of which the receiver can compute only the one it chose.
/// </summary>
/// <remarks>
/// Extension of m OTs (m a multiple of 128), block b, r_x = G(s_x, tag) of m bits (<see cref="TaggedPrg"/>):
/// the receiver sets t column 2b + i = XOR of r_x over x with bit i set, and sends
/// d_b = r_0 XOR r_1 XOR r_2 XOR r_3 XOR c. This party sets q column 2b + i = XOR of r_x over x with
/// bit i of x XOR Delta_b set, XOR d_b where bit i of Delta_b is set; that equals
/// t XOR Delta_b,i * c, and s_Delta_b drops out of the sum.
/// Wire format: the receiver sends d_0 .. d_63, m bits each, ulongs little-endian (8 m bytes;
/// IKNP sends 16 m). The malicious-receiver consistency check is not run: like the rest of the
/// runtime this protects against passive adversaries only.
/// </remarks>
public sealed class SoftSpokenSender : IDisposable
{
    private const int Blocks = 64;
    private readonly ulong[] _delta;
    // Per block, the seeds s_x for x = 0..3 (the punctured one is empty).
    private readonly byte[][] _seeds;
    private readonly TaggedPrg?[] _prgs;
    private readonly string _peerName;

    private SoftSpokenSender(ulong[] delta, byte[][] seeds, string peerName)
    {
        _delta = delta;
        _seeds = seeds;
        _prgs = seeds.Select(s => s.Length == 0 ? null : new TaggedPrg(s)).ToArray();
        _peerName = peerName;
    }

    /// <summary>Delta as two ulongs (low word first); secret to this party.</summary>
    public ReadOnlySpan<ulong> Delta => _delta;

    /// <summary>
    /// Runs the 128 base OTs as their receiver, choosing the complement of each bit of a fresh random
    /// Delta, then receives the puncturing message (at tag + 2) and keeps every seed but s_Delta_b.
    /// </summary>
    public static async Task<SoftSpokenSender> SetupAsync(IPartyChannel channel, int peer, long tag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var delta = MemoryMarshal.Cast<byte, ulong>(RandomNumberGenerator.GetBytes(16)).ToArray();
        var choices = new bool[128];
        for (int i = 0; i < 128; i++) choices[i] = !BitSlicing.Get(delta, i);
        var keys = await BaseObliviousTransfer.ReceiveAsync(channel, peer, tag, choices, cancellationToken).ConfigureAwait(false);
        return await PunctureAsync(channel, peer, tag, delta, keys, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets up the instance to <paramref name="peer"/> without base OTs, from the instance <paramref name="reverse"/> in which the peer
    /// sends to this party: 128 OTs extended on it (at <paramref name="tag"/>, choosing the complement of each bit of a fresh Delta)
    /// serve as the base OTs, then the puncturing message arrives at tag + 2 as after <see cref="SetupAsync"/>.
    /// </summary>
    /// <remarks>
    /// Wire format: the extension's corrections (1,024 bytes, <see cref="SoftSpokenReceiver.ExtendAsync"/>) to the peer at tag; the
    /// keys are <see cref="BaseObliviousTransfer.KeyFromExtensionRow"/> of the rows t_j.
    /// </remarks>
    public static async Task<SoftSpokenSender> SetupFromReverseAsync(IPartyChannel channel, int peer, long tag, SoftSpokenReceiver reverse, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(reverse);
        var delta = MemoryMarshal.Cast<byte, ulong>(RandomNumberGenerator.GetBytes(16)).ToArray();
        ulong[] choices = [~delta[0], ~delta[1]];
        var rows = await reverse.ExtendAsync(channel, peer, tag, choices, cancellationToken).ConfigureAwait(false);
        Array.Clear(choices);
        var keys = new byte[128][];
        for (int j = 0; j < 128; j++) keys[j] = BaseObliviousTransfer.KeyFromExtensionRow(tag, j, rows[2 * j], rows[2 * j + 1]);
        Array.Clear(rows, 0, 256);
        OtBuffers.Return(rows);
        return await PunctureAsync(channel, peer, tag, delta, keys, cancellationToken).ConfigureAwait(false);
    }

    // The base OTs' (or their stand-ins') keys, chosen by the complement of Delta's bits, and the peer's puncturing message give every seed but s_Delta_b.
    private static async Task<SoftSpokenSender> PunctureAsync(IPartyChannel channel, int peer, long tag, ulong[] delta, byte[][] keys, CancellationToken cancellationToken)
    {
        var payload = await channel.ReceiveAsync(peer, tag + 2, cancellationToken).ConfigureAwait(false);
        if (payload.Length != SoftSpokenReceiver.PuncturingBytes)
            throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag + 2, SoftSpokenReceiver.PuncturingBytes, payload.Length), channel.GetPartyName(peer));
        var seeds = Puncture(delta, keys, payload, tag);
        Array.ForEach(keys, k => Array.Clear(k));
        return new SoftSpokenSender(delta, seeds, channel.GetPartyName(peer));
    }

    /// <summary>An instance from the receiver's seeds (tests replay an extension with the same randomness).</summary>
    internal static SoftSpokenSender FromSeeds(ulong[] delta, byte[][] receiverSeeds, string peerName)
    {
        var seeds = new byte[4 * Blocks][];
        for (int b = 0; b < Blocks; b++)
            for (int x = 0; x < 4; x++)
                seeds[4 * b + x] = x == BlockOf(delta, b) ? [] : (byte[])receiverSeeds[4 * b + x].Clone();
        return new SoftSpokenSender((ulong[])delta.Clone(), seeds, peerName);
    }

    /// <summary>Seed x of block b, empty where punctured (tests).</summary>
    internal ReadOnlySpan<byte> Seed(int block, int x) => _seeds[4 * block + x];

    // Bits 2b and 2b + 1 of Delta as the block's index x = bit(2b) + 2 bit(2b + 1).
    private static int BlockOf(ReadOnlySpan<ulong> delta, int b) => (int)((delta[b >> 5] >> (2 * (b & 31))) & 3);

    // Level 1 of the tree is base OT 2b (this party holds the key on the side opposite Delta's bit),
    // its two leaves come from the PRG; the sibling on the punctured side comes from the receiver's
    // XOR of the leaves with bit 1 equal to the complement of Delta's bit 2b + 1.
    private static byte[][] Puncture(ulong[] delta, byte[][] keys, byte[] payload, long tag)
    {
        var seeds = new byte[4 * Blocks][];
        var children = new ulong[4];
        var pad = new ulong[2];
        for (int b = 0; b < Blocks; b++)
        {
            int d = BlockOf(delta, b), d0 = d & 1, d1 = d >> 1;
            // Known subtree: the two leaves x = (1 - d0) + 2 * y.
            TaggedPrg.Fill(keys[2 * b], tag, children);
            var known0 = MemoryMarshal.AsBytes(children.AsSpan(0, 2)).ToArray();
            var known1 = MemoryMarshal.AsBytes(children.AsSpan(2, 2)).ToArray();
            // Sibling leaf x = d0 + 2 (1 - d1): the message for side 1 - d1, unmasked, minus the known leaf on that side.
            TaggedPrg.Fill(keys[2 * b + 1], tag, pad);
            var message = payload.AsSpan((2 * b + (1 - d1)) * 16, 16);
            var sibling = new byte[16];
            var known = d1 == 1 ? known0 : known1;
            var padBytes = MemoryMarshal.AsBytes(pad.AsSpan());
            for (int i = 0; i < 16; i++) sibling[i] = (byte)(message[i] ^ padBytes[i] ^ known[i]);
            seeds[4 * b + (1 - d0)] = known0;
            seeds[4 * b + (1 - d0) + 2] = known1;
            seeds[4 * b + d0 + 2 * (1 - d1)] = sibling;
            seeds[4 * b + d] = [];
        }
        return seeds;
    }

    /// <summary>Receives the corrections for m OTs and returns the rows q_j (two ulongs each) in a pooled array of at least 2m ulongs; return it to <see cref="OtBuffers"/>.</summary>
    public async Task<ulong[]> ExtendAsync(IPartyChannel channel, int peer, long tag, int m, CancellationToken cancellationToken)
    {
        var q = await ExtendColumnsAsync(channel, peer, tag, m, cancellationToken).ConfigureAwait(false);
        var rows = OtBuffers.Rent(2 * m);
        BitTranspose.StridedColumnsToRows(OtBuffers.Words(q, 128 * BitTranspose.ColumnStride(m / 64)), m / 64, rows.AsSpan(0, 2 * m));
        OtBuffers.ReturnBytes(q);
        return rows;
    }

    /// <summary>
    /// <see cref="ExtendAsync"/> before the transpose: the 128 columns of m / 64 ulongs each (column i at [i * stride], stride
    /// <see cref="BitTranspose.ColumnStride"/>(m / 64)) in a pooled byte array (read it through <see cref="OtBuffers.Words"/>), for
    /// <see cref="BitTranspose.ColumnsToHashedRows"/>; return it with <see cref="OtBuffers.ReturnBytes"/>.
    /// </summary>
    public async Task<byte[]> ExtendColumnsAsync(IPartyChannel channel, int peer, long tag, int m, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        if (m <= 0 || (m & 127) != 0) throw new ArgumentOutOfRangeException(nameof(m), "OT extension runs in multiples of 128.");
        var payload = await channel.ReceiveAsync(peer, tag, cancellationToken).ConfigureAwait(false);
        int expected = checked(8 * m);
        if (payload.Length != expected) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag, expected, payload.Length), _peerName);
        int words = m / 64;
        var corrections = MemoryMarshal.Cast<byte, ulong>(payload.AsSpan());
        int stride = BitTranspose.ColumnStride(words);
        int columnBytes = 8 * words;
        var q = OtBuffers.RentBytes(8 * 128 * stride);
        var r = OtBuffers.RentBytes(columnBytes);
        var columns = OtBuffers.Words(q, 128 * stride);
        var stream = OtBuffers.Words(r, words);
        for (int b = 0; b < Blocks; b++)
        {
            int d = BlockOf(_delta, b);
            // The seeds x = d ^ 1, d ^ 2 and d ^ 3 (x ^ d has bit i set where x counts in column i): the first two straight
            // into their columns, the third folded into both with d_b where Delta's bits ask for it, in one pass.
            _prgs[4 * b + (d ^ 1)]!.Fill(tag, q, 8 * 2 * b * stride, columnBytes);
            _prgs[4 * b + (d ^ 2)]!.Fill(tag, q, 8 * (2 * b + 1) * stride, columnBytes);
            _prgs[4 * b + (d ^ 3)]!.Fill(tag, r, 0, columnBytes);
            FoldSenderBlock(columns.Slice(2 * b * stride, words), columns.Slice((2 * b + 1) * stride, words), stream, corrections.Slice(b * words, words),
                (d & 1) != 0 ? ~0UL : 0, (d & 2) != 0 ? ~0UL : 0);
        }
        OtBuffers.ReturnBytes(r);
        channel.Release(payload);
        return q;
    }

    // c0 ^= s ^ (d_b AND mask0), c1 ^= s ^ (d_b AND mask1), masks all ones where Delta's bit of that column is set (lengths equal).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldSenderBlock(Span<ulong> column0, Span<ulong> column1, ReadOnlySpan<ulong> stream, ReadOnlySpan<ulong> correction, ulong mask0, ulong mask1)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref ulong c0 = ref MemoryMarshal.GetReference(column0);
            ref ulong c1 = ref MemoryMarshal.GetReference(column1);
            ref ulong s = ref MemoryMarshal.GetReference(stream);
            ref ulong d = ref MemoryMarshal.GetReference(correction);
            var m0 = Vector512.Create(mask0);
            var m1 = Vector512.Create(mask1);
            for (; i + 8 <= column0.Length; i += 8)
            {
                var r = Vector512.LoadUnsafe(ref s, (nuint)i);
                var u = Vector512.LoadUnsafe(ref d, (nuint)i);
                (Vector512.LoadUnsafe(ref c0, (nuint)i) ^ r ^ (u & m0)).StoreUnsafe(ref c0, (nuint)i);
                (Vector512.LoadUnsafe(ref c1, (nuint)i) ^ r ^ (u & m1)).StoreUnsafe(ref c1, (nuint)i);
            }
        }
        for (; i < column0.Length; i++)
        {
            column0[i] ^= stream[i] ^ (correction[i] & mask0);
            column1[i] ^= stream[i] ^ (correction[i] & mask1);
        }
    }

    public void Dispose()
    {
        foreach (var prg in _prgs) prg?.Dispose();
        Array.ForEach(_seeds, k => Array.Clear(k));
    }
}
