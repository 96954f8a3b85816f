using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Mpc.Core;

namespace Mpc.Runtime.Preprocessing.Ot;

// The hot path, one ring element per OT (Beaver triples): each tile of hashed rows becomes corrections and shares while it is
// in cache, so the hashes never make a trip through memory (they were two 16-byte blocks per OT written and read back).
public static partial class ObliviousProducts
{
    private static async Task<T[]> SendScalarsAsync<T>(OtSession session, int peer, long tag, T[] x, int entries, int bits, int outputBits, CancellationToken cancellationToken)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int m = checked(entries * bits), padded = PaddedCount(m);
        var sender = session.SenderTo(peer);
        var columns = await sender.ExtendColumnsAsync(session.Channel, peer, tag, padded, cancellationToken).ConfigureAwait(false);
        int bytes = CorrectionBytes(outputBits, entries, bits, 1);
        // Writes take a whole T at each offset, so the buffer carries slack past the last field.
        var message = OtBuffers.RentBytes(bytes + 16);
        var result = new T[entries];
        var corrections = new ScalarCorrections<T>(x, message, result, bits, outputBits);
        BitTranspose.HashRows(OtBuffers.Words(columns, 128 * BitTranspose.ColumnStride(padded / 64)), padded / 64, m, session.Hash, NoOffset, sender.Delta, ref corrections);
        OtBuffers.ReturnBytes(columns);
        await session.Channel.SendAsync(peer, tag + 1, message.AsMemory(0, bytes), cancellationToken).ConfigureAwait(false);
        OtBuffers.ReturnBytes(message);
        return result;
    }

    // The receiver hashes as soon as its extension is sent, while the sender works: share_e = sum over l of
    // (H(t_j) + (d_j AND choice_j)) << l splits into the hashes' part, summed tile by tile into the shares, and the
    // corrections' part, added when they arrive (so no per-OT hash outlives its tile).
    private static async Task<T[]> ReceiveScalarsAsync<T>(OtSession session, int peer, long tag, ulong[] choices, int entries, int bits, int outputBits, CancellationToken cancellationToken)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int m = checked(entries * bits);
        var columns = await session.ReceiverFrom(peer).ExtendColumnsAsync(session.Channel, peer, tag, choices, cancellationToken).ConfigureAwait(false);
        var result = new T[entries];
        var shares = new ScalarHashSums<T>(result, bits);
        BitTranspose.HashRows(OtBuffers.Words(columns, 128 * BitTranspose.ColumnStride(choices.Length)), choices.Length, m, session.Hash, NoOffset, default, ref shares);
        OtBuffers.ReturnBytes(columns);
        var payload = await session.Channel.ReceiveAsync(peer, tag + 1, cancellationToken).ConfigureAwait(false);
        int expected = CorrectionBytes(outputBits, entries, bits, 1);
        if (payload.Length != expected) throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag + 1, expected, payload.Length), session.Channel.GetPartyName(peer));
        AddChosenCorrections(payload, choices, result, bits, outputBits);
        session.Channel.Release(payload);
        return result;
    }

    // share_e += sum over l of (d_j AND choice_j) << l, each correction d_j in ceil((w - l) / 8) bytes. A field is read as a
    // whole T where the payload has room past it and byte by byte at its end, so the payload needs no slack.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddChosenCorrections<T>(byte[] corrections, ulong[] choices, T[] result, int bits, int outputBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int w = outputBits, size = Unsafe.SizeOf<T>(), position = 0;
        ref byte source = ref MemoryMarshal.GetArrayDataReference(corrections);
        ref ulong choice = ref MemoryMarshal.GetArrayDataReference(choices);
        Span<byte> field = stackalloc byte[16];
        int e = 0;
        unchecked
        {
            if (bits == 64)
            {
                // Entry e's choices are word e: visit only the chosen bits, each field at its offset within the entry.
                Span<int> offsets = stackalloc int[64];
                int perEntry = 0;
                for (int l = 0; l < 64; l++) (offsets[l], perEntry) = (perEntry, perEntry + ((w - l + 7) >> 3));
                for (; e < result.Length && (e + 1) * perEntry + size <= corrections.Length; e++, position += perEntry)
                {
                    T sum = T.Zero;
                    ref byte entry = ref Unsafe.Add(ref source, position);
                    for (ulong chosen = Unsafe.Add(ref choice, e); chosen != 0; chosen &= chosen - 1)
                    {
                        int l = BitOperations.TrailingZeroCount(chosen);
                        sum += Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref entry, offsets[l])) << l;
                    }
                    result[e] += sum;
                }
            }
            for (; e < result.Length; e++)
            {
                T sum = T.Zero;
                for (int l = 0; l < bits; l++)
                {
                    int j = e * bits + l, width = (w - l + 7) >> 3;
                    T mask = T.Zero - T.CreateTruncating((Unsafe.Add(ref choice, j >> 6) >> (j & 63)) & 1UL);
                    T d;
                    if (position + size <= corrections.Length) d = Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref source, position));
                    else
                    {
                        // The last fields: only the bytes that are there (the ones above are shifted out or masked alike).
                        field.Clear();
                        corrections.AsSpan(position, width).CopyTo(field);
                        d = Unsafe.ReadUnaligned<T>(ref MemoryMarshal.GetReference(field));
                    }
                    position += width;
                    sum += (d & mask) << l;
                }
                result[e] += sum;
            }
        }
    }

    // Sender, row j = e * bits + l: correction H(q_j) - H(q_j XOR Delta) + x_e into the message, share -= H(q_j) << l.
    // Rows arrive in order, so the walk over (e, l) and the message position carries from tile to tile. Sizes were checked
    // by the callers, so the loop uses unchecked refs (the message carries 16 bytes of slack).
    private ref struct ScalarCorrections<T>(T[] x, byte[] message, T[] result, int bits, int outputBits) : IHashedRowsConsumer
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        private int _position;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Consume(int first, int count, ReadOnlySpan<ulong> sigma, ReadOnlySpan<ulong> cipher)
        {
            // A T is the low end of each 128-bit block; only that part of each hash is formed.
            int stride = 128 / RingArithmetic<T>.Bits, e = first / bits, l = first % bits, position = _position, w = outputBits;
            ref T s0 = ref Unsafe.As<ulong, T>(ref MemoryMarshal.GetReference(sigma));
            ref T c0 = ref Unsafe.As<ulong, T>(ref MemoryMarshal.GetReference(cipher));
            ref T s1 = ref Unsafe.Add(ref s0, count * stride);
            ref T c1 = ref Unsafe.Add(ref c0, count * stride);
            ref byte target = ref MemoryMarshal.GetArrayDataReference(message);
            unchecked
            {
                T xe = x[e], sum = T.Zero;
                for (int g = 0; g < count; g++)
                {
                    T m0 = Unsafe.Add(ref c0, g * stride) ^ Unsafe.Add(ref s0, g * stride);
                    T m1 = Unsafe.Add(ref c1, g * stride) ^ Unsafe.Add(ref s1, g * stride);
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, position), m0 - m1 + xe);
                    position += (w - l + 7) >> 3;
                    sum += m0 << l;
                    if (++l == bits)
                    {
                        result[e] -= sum;
                        (sum, l) = (T.Zero, 0);
                        if (++e < x.Length) xe = x[e];
                    }
                }
                if (l != 0) result[e] -= sum;
            }
            _position = position;
        }
    }

    // Receiver, row j = e * bits + l: share_e += H(t_j) << l, the walk over (e, l) carried from tile to tile as the sender's.
    private ref struct ScalarHashSums<T>(T[] result, int bits) : IHashedRowsConsumer
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Consume(int first, int count, ReadOnlySpan<ulong> sigma, ReadOnlySpan<ulong> cipher)
        {
            int stride = 128 / RingArithmetic<T>.Bits, e = first / bits, l = first % bits;
            ref T s = ref Unsafe.As<ulong, T>(ref MemoryMarshal.GetReference(sigma));
            ref T c = ref Unsafe.As<ulong, T>(ref MemoryMarshal.GetReference(cipher));
            unchecked
            {
                T sum = T.Zero;
                for (int g = 0; g < count; g++)
                {
                    sum += (Unsafe.Add(ref c, g * stride) ^ Unsafe.Add(ref s, g * stride)) << l;
                    if (++l == bits)
                    {
                        result[e++] += sum;
                        (sum, l) = (T.Zero, 0);
                    }
                }
                if (l != 0) result[e] += sum;
            }
        }
    }
}
