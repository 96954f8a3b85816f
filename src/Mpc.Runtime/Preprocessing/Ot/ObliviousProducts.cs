using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// Secret-shared products from correlated OT, as in Gilboa (CRYPTO 1999) and MP-SPDZ's semi2k:
/// the receiver holds a value b (its bits are the OT choices), the sender a vector x; afterwards
/// receiver and sender hold additive shares of b * x in Z_2^k. For bit l of b the sender's two
/// messages are m0 * 2^l and (m0 + x) * 2^l, so only the low k - l bits of each correction travel
/// (w - l bits where the shares are wanted modulo 2^w only, w &lt;= k).
/// The bit variant does the same over GF(2) (x AND b, for AND triples).
/// </summary>
/// <remarks>
/// Wire format, after the extension's u (tag): at tag + 1 the sender sends for each entry e, each
/// bit l &lt; bits and each vector element the correction d = H(q) - H(q XOR Delta) + x mod
/// 2^(w-l), little-endian in ceil((w-l)/8) bytes (w = k unless fewer output bits are asked); the bit
/// variant sends one packed bit per OT.
/// </remarks>
public static partial class ObliviousProducts
{
    private static readonly ulong[] NoOffset = new ulong[2];

    /// <summary>Bytes of the correction message for these shapes.</summary>
    public static int CorrectionBytes(int ringBits, int entries, int bits, int length)
    {
        int perEntry = 0;
        for (int l = 0; l < bits; l++) perEntry += (ringBits - l + 7) / 8;
        return checked(entries * length * perEntry);
    }

    /// <summary>OT count rounded up to the extension's granularity of 128.</summary>
    public static int PaddedCount(int count) => checked((count + 127) & ~127);

    /// <summary>
    /// Receiver: choice bit e * bits + l is bit l of this party's value for entry e (padded to a
    /// multiple of 128 bits). Returns shares of value_e * x_e (entries * length ring elements).
    /// </summary>
    public static Task<T[]> ReceiveAsync<T>(OtSession session, int peer, long tag, ulong[] choices, int entries, int bits, int length, CancellationToken cancellationToken)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        ReceiveAsync<T>(session, peer, tag, choices, entries, bits, length, RingArithmetic<T>.Bits, cancellationToken);

    /// <summary>
    /// <see cref="ReceiveAsync{T}(OtSession, int, long, ulong[], int, int, int, CancellationToken)"/> with shares correct modulo
    /// 2^<paramref name="outputBits"/> only (the bits above are arbitrary): each correction is k - outputBits bits shorter.
    /// </summary>
    public static async Task<T[]> ReceiveAsync<T>(OtSession session, int peer, long tag, ulong[] choices, int entries, int bits, int length, int outputBits, CancellationToken cancellationToken)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(choices);
        CheckOutputBits<T>(outputBits, bits);
        int w = outputBits;
        int m = checked(entries * bits);
        if (choices.Length * 64 != PaddedCount(m)) throw new ArgumentException("Choice bits must be padded to a multiple of 128.", nameof(choices));
        if (length == 1) return await ReceiveScalarsAsync<T>(session, peer, tag, choices, entries, bits, w, cancellationToken).ConfigureAwait(false);
        var hashes = await ReceiveHashesAsync(session, peer, tag, choices, m, cancellationToken).ConfigureAwait(false);
        var payload = await session.Channel.ReceiveAsync(peer, tag + 1, cancellationToken).ConfigureAwait(false);
        int expected = CorrectionBytes(w, entries, bits, length);
        if (payload.Length != expected) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag + 1, expected, payload.Length), session.Channel.GetPartyName(peer));
        // Reads take a whole T at each offset, so the buffer carries slack past the last field.
        var corrections = OtBuffers.RentBytes(payload.Length + 16);
        payload.CopyTo(corrections, 0);
        session.Channel.Release(payload);
        var result = new T[checked(entries * length)];
        Combine(session.Hash, hashes, corrections, choices, result, entries, bits, length, w);
        OtBuffers.Return(hashes);
        OtBuffers.ReturnBytes(corrections);
        return result;
    }

    /// <summary>Sender: x holds entries * length ring elements. Returns shares of value_e * x_e.</summary>
    public static Task<T[]> SendAsync<T>(OtSession session, int peer, long tag, T[] x, int entries, int bits, int length, CancellationToken cancellationToken)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> =>
        SendAsync(session, peer, tag, x, entries, bits, length, RingArithmetic<T>.Bits, cancellationToken);

    /// <summary>Sender with shares correct modulo 2^<paramref name="outputBits"/> only.</summary>
    public static async Task<T[]> SendAsync<T>(OtSession session, int peer, long tag, T[] x, int entries, int bits, int length, int outputBits, CancellationToken cancellationToken)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(x);
        CheckOutputBits<T>(outputBits, bits);
        int w = outputBits;
        int m = checked(entries * bits);
        if (x.Length != checked(entries * length)) throw new ArgumentException("Correlation vector has the wrong length.", nameof(x));
        if (length == 1) return await SendScalarsAsync(session, peer, tag, x, entries, bits, w, cancellationToken).ConfigureAwait(false);
        var (h0, h1) = await SendHashesAsync(session, peer, tag, PaddedCount(m), m, cancellationToken).ConfigureAwait(false);
        int bytes = CorrectionBytes(w, entries, bits, length);
        // Writes take a whole T at each offset, so the buffer carries slack past the last field.
        var message = OtBuffers.RentBytes(bytes + 16);
        var result = new T[x.Length];
        Correct(session.Hash, h0, h1, x, message, result, entries, bits, length, w);
        OtBuffers.Return(h0);
        OtBuffers.Return(h1);
        await session.Channel.SendAsync(peer, tag + 1, message.AsMemory(0, bytes), cancellationToken).ConfigureAwait(false);
        OtBuffers.ReturnBytes(message);
        return result;
    }

    /// <summary>Receiver over GF(2): returns XOR shares of choice_j AND x_j for the m = 64 * choices.Length OTs.</summary>
    public static async Task<ulong[]> ReceiveBitsAsync(OtSession session, int peer, long tag, ulong[] choices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(choices);
        int m = 64 * choices.Length;
        var h = await ReceiveHashesAsync(session, peer, tag, choices, m, cancellationToken).ConfigureAwait(false);
        var payload = await session.Channel.ReceiveAsync(peer, tag + 1, cancellationToken).ConfigureAwait(false);
        if (payload.Length != choices.Length * 8) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag + 1, choices.Length * 8, payload.Length), session.Channel.GetPartyName(peer));
        var d = MemoryMarshal.Cast<byte, ulong>(payload.AsSpan());
        var result = LowBits(h.AsSpan(0, 2 * m));
        OtBuffers.Return(h);
        for (int w = 0; w < result.Length; w++) result[w] ^= d[w] & choices[w];
        session.Channel.Release(payload);
        return result;
    }

    /// <summary>Sender over GF(2): x holds one bit per OT; returns XOR shares of choice_j AND x_j.</summary>
    public static async Task<ulong[]> SendBitsAsync(OtSession session, int peer, long tag, ulong[] x, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(x);
        int m = 64 * x.Length;
        var (h0, h1) = await SendHashesAsync(session, peer, tag, m, m, cancellationToken).ConfigureAwait(false);
        var s0 = LowBits(h0.AsSpan(0, 2 * m));
        var s1 = LowBits(h1.AsSpan(0, 2 * m));
        OtBuffers.Return(h0);
        OtBuffers.Return(h1);
        var message = new byte[x.Length * 8];
        var d = MemoryMarshal.Cast<byte, ulong>(message.AsSpan());
        for (int w = 0; w < x.Length; w++) d[w] = s0[w] ^ s1[w] ^ x[w];
        await session.Channel.SendAsync(peer, tag + 1, message, cancellationToken).ConfigureAwait(false);
        return s0;
    }

    // Bit 0 of each hash block, packed.
    private static ulong[] LowBits(ReadOnlySpan<ulong> blocks)
    {
        int m = blocks.Length / 2;
        var result = new ulong[(m + 63) / 64];
        for (int j = 0; j < m; j++) result[j >> 6] |= (blocks[2 * j] & 1UL) << (j & 63);
        return result;
    }

    // Every choice bit l < bits needs a correction of outputBits - l > 0 bits.
    private static void CheckOutputBits<T>(int outputBits, int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (outputBits < bits || outputBits > RingArithmetic<T>.Bits)
            throw new ArgumentOutOfRangeException(nameof(outputBits), $"Output bits must be in {bits}..{RingArithmetic<T>.Bits} for {bits} choice bits.");
    }

    // The receiver's extension, hashed: H(t_j) for the first m rows, one 128-bit block per OT; pooled.
    private static async Task<ulong[]> ReceiveHashesAsync(OtSession session, int peer, long tag, ulong[] choices, int m, CancellationToken cancellationToken)
    {
        var columns = await session.ReceiverFrom(peer).ExtendColumnsAsync(session.Channel, peer, tag, choices, cancellationToken).ConfigureAwait(false);
        var hashes = OtBuffers.Rent(2 * m);
        BitTranspose.ColumnsToHashedRows(OtBuffers.Words(columns, 128 * BitTranspose.ColumnStride(choices.Length)), choices.Length, m, session.Hash, NoOffset, hashes.AsSpan(0, 2 * m), default, default);
        OtBuffers.ReturnBytes(columns);
        return hashes;
    }

    // The sender's extension of `padded` OTs, hashed: H(q_j) and H(q_j XOR Delta) for the first m rows; pooled.
    private static async Task<(ulong[] H0, ulong[] H1)> SendHashesAsync(OtSession session, int peer, long tag, int padded, int m, CancellationToken cancellationToken)
    {
        var sender = session.SenderTo(peer);
        var columns = await sender.ExtendColumnsAsync(session.Channel, peer, tag, padded, cancellationToken).ConfigureAwait(false);
        var (h0, h1) = (OtBuffers.Rent(2 * m), OtBuffers.Rent(2 * m));
        BitTranspose.ColumnsToHashedRows(OtBuffers.Words(columns, 128 * BitTranspose.ColumnStride(padded / 64)), padded / 64, m, session.Hash, NoOffset, h0.AsSpan(0, 2 * m), sender.Delta, h1.AsSpan(0, 2 * m));
        OtBuffers.ReturnBytes(columns);
        return (h0, h1);
    }

    // Blocks stretched per call when an OT carries a vector: a few OTs' worth, so the stretched messages stay in cache
    // from the AES call to their use instead of making a pass through memory of entries * bits * length elements.
    private const int StretchBlocks = 2048;

    // An OT that carries a vector stretches its hash into `length` packed fields of ceil((w - l)/8) bytes, the width of its
    // corrections, rather than a whole T each: only the low w - l bits of a message matter once it is shifted by l modulo
    // 2^w, and the bits above a field (the next field's) are shifted out alike. Every field is read as a whole T, so the
    // stream covers (length - 1) * width + sizeof(T) bytes, in whole blocks: a third to a half fewer AES blocks than a T per element.
    private static int[] StretchedBlocksPerBit<T>(int bits, int length, int outputBits)
        where T : unmanaged
    {
        var blocks = new int[bits];
        for (int l = 0; l < bits; l++) blocks[l] = ((length - 1) * FieldBytes(outputBits, l) + Unsafe.SizeOf<T>() + 15) / 16;
        return blocks;
    }

    private static int FieldBytes(int outputBits, int l) => (outputBits - l + 7) / 8;

    // The OTs from `first` whose streams fill up to StretchBlocks blocks (at least one OT), their block counts in `counts`.
    private static (int Count, int Blocks) NextGroup(int first, int m, int bits, int[] blocksPerBit, int[] counts)
    {
        int n = 0, total = 0;
        while (first + n < m)
        {
            int b = blocksPerBit[(first + n) % bits];
            if (n > 0 && total + b > StretchBlocks) break;
            counts[n++] = b;
            total += b;
        }
        return (n, total);
    }

    // Receiver's shares from its hashes and the corrections; sizes were checked by the caller, so the loops use unchecked refs
    // (corrections carry 16 bytes of slack past the last field, the streams their own, see StretchedBlocksPerBit).
    private static void Combine<T>(CorrelationRobustHash hash, ulong[] seeds, byte[] corrections, ulong[] choices, T[] result, int entries, int bits, int length, int outputBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = outputBits, m = entries * bits;
        var blocksPerBit = StretchedBlocksPerBit<T>(bits, length, w);
        var counts = new int[Math.Min(m, StretchBlocks)];
        var stretched = OtBuffers.Rent(2 * Math.Max(StretchBlocks, blocksPerBit[0]));
        ref byte stream = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(stretched));
        ref byte buffer = ref MemoryMarshal.GetArrayDataReference(corrections);
        ref T results = ref MemoryMarshal.GetArrayDataReference(result);
        int position = 0;
        unchecked
        {
            for (int first = 0; first < m;)
            {
                var (n, total) = NextGroup(first, m, bits, blocksPerBit, counts);
                hash.Expand(seeds.AsSpan(2 * first, 2 * n), counts.AsSpan(0, n), stretched.AsSpan(0, 2 * total));
                int offset = 0;
                for (int g = 0; g < n; g++)
                {
                    int j = first + g, e = j / bits, l = j % bits, width = FieldBytes(w, l);
                    T mask = ((choices[j >> 6] >> (j & 63)) & 1) != 0 ? T.AllBitsSet : T.Zero;
                    ref byte h = ref Unsafe.Add(ref stream, offset);
                    ref byte d = ref Unsafe.Add(ref buffer, position);
                    ref T output = ref Unsafe.Add(ref results, e * length);
                    for (int u = 0, at = 0; u < length; u++, at += width)
                        Unsafe.Add(ref output, u) += (Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref h, at)) + (Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref d, at)) & mask)) << l;
                    position += length * width;
                    offset += 16 * counts[g];
                }
                first += n;
            }
        }
        OtBuffers.Return(stretched);
    }

    // Sender's corrections and shares; as Combine, sizes checked by the caller (the message carries 16 bytes of slack).
    private static void Correct<T>(CorrelationRobustHash hash, ulong[] seeds0, ulong[] seeds1, T[] x, byte[] message, T[] result, int entries, int bits, int length, int outputBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = outputBits, m = entries * bits;
        var blocksPerBit = StretchedBlocksPerBit<T>(bits, length, w);
        var counts = new int[Math.Min(m, StretchBlocks)];
        var stretched0 = OtBuffers.Rent(2 * Math.Max(StretchBlocks, blocksPerBit[0]));
        var stretched1 = OtBuffers.Rent(2 * Math.Max(StretchBlocks, blocksPerBit[0]));
        ref byte stream0 = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(stretched0));
        ref byte stream1 = ref Unsafe.As<ulong, byte>(ref MemoryMarshal.GetArrayDataReference(stretched1));
        ref byte buffer = ref MemoryMarshal.GetArrayDataReference(message);
        ref T values = ref MemoryMarshal.GetArrayDataReference(x);
        ref T results = ref MemoryMarshal.GetArrayDataReference(result);
        int position = 0;
        unchecked
        {
            for (int first = 0; first < m;)
            {
                var (n, total) = NextGroup(first, m, bits, blocksPerBit, counts);
                hash.Expand(seeds0.AsSpan(2 * first, 2 * n), counts.AsSpan(0, n), stretched0.AsSpan(0, 2 * total));
                hash.Expand(seeds1.AsSpan(2 * first, 2 * n), counts.AsSpan(0, n), stretched1.AsSpan(0, 2 * total));
                int offset = 0;
                for (int g = 0; g < n; g++)
                {
                    int j = first + g, e = j / bits, l = j % bits, width = FieldBytes(w, l);
                    ref byte m0 = ref Unsafe.Add(ref stream0, offset);
                    ref byte m1 = ref Unsafe.Add(ref stream1, offset);
                    ref byte d = ref Unsafe.Add(ref buffer, position);
                    ref T xe = ref Unsafe.Add(ref values, e * length);
                    ref T output = ref Unsafe.Add(ref results, e * length);
                    // Fields are written in increasing order, each overwriting only the slack of the one before.
                    for (int u = 0, at = 0; u < length; u++, at += width)
                    {
                        T h0 = Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref m0, at));
                        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, at), h0 - Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref m1, at)) + Unsafe.Add(ref xe, u));
                        Unsafe.Add(ref output, u) -= h0 << l;
                    }
                    position += length * width;
                    offset += 16 * counts[g];
                }
                first += n;
            }
        }
        OtBuffers.Return(stretched0);
        OtBuffers.Return(stretched1);
    }
}
