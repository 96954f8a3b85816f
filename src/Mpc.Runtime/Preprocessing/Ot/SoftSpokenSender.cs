using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// The sender's half of one OT extension instance: SoftSpoken OT (Roy, CRYPTO 2022) with k = <see cref="SoftSpokenTree.BlockBits"/>,
/// semi-honest, which gives the IKNP correlation (Ishai, Kilian, Nissim and Petrank, CRYPTO 2003)
/// for k times less traffic than IKNP. Delta is cut into 128 / k blocks of k bits. For each block the receiver
/// holds 2^k seeds s_x and this party all but s_Delta_b (a punctured PRF made from k base OTs, <see cref="SoftSpokenTree"/>).
/// Each extension gives it rows q_j = t_j XOR c_j * Delta, where t_j and the choice c_j are the
/// receiver's; hashing q_j and q_j XOR Delta (<see cref="CorrelationRobustHash"/>) gives the two OT
/// messages, of which the receiver can compute only the one it chose.
/// </summary>
/// <remarks>
/// Extension of m OTs (m a multiple of 128), block b, r_x = G(s_x, tag) of m bits (<see cref="TaggedPrg"/>):
/// the receiver sets t column k b + i = XOR of r_x over x with bit i set, and sends
/// d_b = XOR of r_x over all x, XOR c. This party sets q column k b + i = XOR of r_x over x with
/// bit i of x XOR Delta_b set, XOR d_b where bit i of Delta_b is set; that equals
/// t XOR Delta_b,i * c, and s_Delta_b drops out of the sum.
/// Wire format: the receiver sends d_0 .. d_(128/k - 1), m bits each, ulongs little-endian (128 m / k bits;
/// IKNP sends 128 m). The malicious-receiver consistency check is not run: like the rest of the
/// runtime this protects against passive adversaries only.
/// </remarks>
public sealed class SoftSpokenSender : IDisposable
{
    private const int Blocks = SoftSpokenTree.Blocks;
    private const int Leaves = SoftSpokenTree.Leaves;
    private readonly ulong[] _delta;
    // Per block, the seeds s_x for x = 0 .. 2^k - 1 (the punctured one is empty).
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
        var payload = await channel.ReceiveAsync(peer, tag + 2, cancellationToken).ConfigureAwait(false);
        if (payload.Length != SoftSpokenTree.PuncturingBytes)
            throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag + 2, SoftSpokenTree.PuncturingBytes, payload.Length), channel.GetPartyName(peer));
        var seeds = SoftSpokenTree.Puncture(delta, keys, payload, tag);
        Array.ForEach(keys, k => Array.Clear(k));
        return new SoftSpokenSender(delta, seeds, channel.GetPartyName(peer));
    }

    /// <summary>An instance from the receiver's seeds (tests replay an extension with the same randomness).</summary>
    internal static SoftSpokenSender FromSeeds(ulong[] delta, byte[][] receiverSeeds, string peerName)
    {
        var seeds = new byte[Leaves * Blocks][];
        for (int b = 0; b < Blocks; b++)
            for (int x = 0; x < Leaves; x++)
                seeds[Leaves * b + x] = x == SoftSpokenTree.DeltaBlock(delta, b) ? [] : (byte[])receiverSeeds[Leaves * b + x].Clone();
        return new SoftSpokenSender((ulong[])delta.Clone(), seeds, peerName);
    }

    /// <summary>Seed x of block b, empty where punctured (tests).</summary>
    internal ReadOnlySpan<byte> Seed(int block, int x) => _seeds[Leaves * block + x];

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
        int expected = SoftSpokenTree.ExtensionBytes(m);
        if (payload.Length != expected) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag, expected, payload.Length), _peerName);
        int words = m / 64;
        var corrections = MemoryMarshal.Cast<byte, ulong>(payload.AsSpan());
        int stride = BitTranspose.ColumnStride(words);
        int columnBytes = 8 * words;
        var q = OtBuffers.RentBytes(8 * 128 * stride);
        var r = OtBuffers.RentBytes(columnBytes);
        var columns = OtBuffers.Words(q, 128 * stride);
        var stream = OtBuffers.Words(r, words);
        const int k = SoftSpokenTree.BlockBits;
        for (int b = 0; b < Blocks; b++)
        {
            int d = SoftSpokenTree.DeltaBlock(_delta, b);
            // Column i starts as d_b where Delta's bit i is set; seed x counts in column i where bit i of x XOR d is set.
            for (int i = 0; i < k; i++)
            {
                var column = columns.Slice((k * b + i) * stride, words);
                if (((d >> i) & 1) != 0) corrections.Slice(b * words, words).CopyTo(column);
                else column.Clear();
            }
            for (int x = 0; x < Leaves; x++)
            {
                if (x == d) continue;
                _prgs[Leaves * b + x]!.Fill(tag, r, 0, columnBytes);
                for (int i = 0; i < k; i++)
                    if ((((x ^ d) >> i) & 1) != 0) SoftSpokenTree.XorInto(columns.Slice((k * b + i) * stride, words), stream);
            }
        }
        OtBuffers.ReturnBytes(r);
        channel.Release(payload);
        return q;
    }

    public void Dispose()
    {
        foreach (var prg in _prgs) prg?.Dispose();
        Array.ForEach(_seeds, k => Array.Clear(k));
    }
}
