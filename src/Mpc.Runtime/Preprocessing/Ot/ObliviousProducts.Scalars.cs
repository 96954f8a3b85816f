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
        var (tile0, tile1) = (OtBuffers.Rent(2 * BitTranspose.TileRows), OtBuffers.Rent(2 * BitTranspose.TileRows));
        var corrections = new ScalarCorrections<T>(tile0, tile1, x, message, result, bits, outputBits);
        BitTranspose.HashRows(columns.AsSpan(0, 128 * BitTranspose.ColumnStride(padded / 64)), padded / 64, m, session.Hash, NoOffset, sender.Delta, ref corrections);
        OtBuffers.Return(columns);
        OtBuffers.Return(tile0);
        OtBuffers.Return(tile1);
        await session.Channel.SendAsync(peer, tag + 1, message.AsMemory(0, bytes), cancellationToken).ConfigureAwait(false);
        OtBuffers.ReturnBytes(message);
        return result;
    }

    // The receiver hashes once the corrections are in, so both meet in cache; the columns wait in their pooled array meanwhile.
    private static async Task<T[]> ReceiveScalarsAsync<T>(OtSession session, int peer, long tag, ulong[] choices, int entries, int bits, int outputBits, CancellationToken cancellationToken)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int m = checked(entries * bits);
        var columns = await session.ReceiverFrom(peer).ExtendColumnsAsync(session.Channel, peer, tag, choices, cancellationToken).ConfigureAwait(false);
        byte[] payload;
        try
        {
            payload = await session.Channel.ReceiveAsync(peer, tag + 1, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            OtBuffers.Return(columns);
            throw;
        }
        int expected = CorrectionBytes(outputBits, entries, bits, 1);
        if (payload.Length != expected)
        {
            OtBuffers.Return(columns);
            throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag + 1, expected, payload.Length), session.Channel.GetPartyName(peer));
        }
        // Reads take a whole T at each offset, so the buffer carries slack past the last field.
        var buffer = OtBuffers.RentBytes(payload.Length + 16);
        payload.CopyTo(buffer, 0);
        session.Channel.Release(payload);
        var result = new T[entries];
        var tile = OtBuffers.Rent(2 * BitTranspose.TileRows);
        var shares = new ScalarShares<T>(tile, buffer, choices, result, bits, outputBits);
        BitTranspose.HashRows(columns.AsSpan(0, 128 * BitTranspose.ColumnStride(choices.Length)), choices.Length, m, session.Hash, NoOffset, default, ref shares);
        OtBuffers.Return(columns);
        OtBuffers.Return(tile);
        OtBuffers.ReturnBytes(buffer);
        return result;
    }

    // Sender, row j = e * bits + l: correction H(q_j) - H(q_j XOR Delta) + x_e into the message, share -= H(q_j) << l.
    // Rows arrive in order, so the walk over (e, l) and the message position carries from tile to tile. Sizes were checked
    // by the callers, so the loop uses unchecked refs (the message carries 16 bytes of slack).
    private ref struct ScalarCorrections<T>(ulong[] tile0, ulong[] tile1, T[] x, byte[] message, T[] result, int bits, int outputBits) : IHashedRowsConsumer
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        private int _position;

        public readonly Span<ulong> Output(int which, int first, int count) => (which == 0 ? tile0 : tile1).AsSpan(0, 2 * count);

        public void Consume(int first, int count)
        {
            // A T is read from the low end of each 128-bit block.
            int stride = 128 / RingArithmetic<T>.Bits, e = first / bits, l = first % bits, position = _position, w = outputBits;
            ref T h0 = ref Unsafe.As<ulong, T>(ref MemoryMarshal.GetArrayDataReference(tile0));
            ref T h1 = ref Unsafe.As<ulong, T>(ref MemoryMarshal.GetArrayDataReference(tile1));
            ref byte target = ref MemoryMarshal.GetArrayDataReference(message);
            unchecked
            {
                T xe = x[e], sum = T.Zero;
                for (int g = 0; g < count; g++)
                {
                    T m0 = Unsafe.Add(ref h0, g * stride);
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref target, position), m0 - Unsafe.Add(ref h1, g * stride) + xe);
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

    // Receiver, row j = e * bits + l: share += (H(t_j) + (correction AND choice_j)) << l, the walk carried as the sender's.
    private ref struct ScalarShares<T>(ulong[] tile, byte[] corrections, ulong[] choices, T[] result, int bits, int outputBits) : IHashedRowsConsumer
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        private int _position;

        public readonly Span<ulong> Output(int which, int first, int count) => tile.AsSpan(0, 2 * count);

        public void Consume(int first, int count)
        {
            int stride = 128 / RingArithmetic<T>.Bits, e = first / bits, l = first % bits, position = _position, w = outputBits;
            ref T h = ref Unsafe.As<ulong, T>(ref MemoryMarshal.GetArrayDataReference(tile));
            ref byte source = ref MemoryMarshal.GetArrayDataReference(corrections);
            ref ulong choice = ref MemoryMarshal.GetArrayDataReference(choices);
            unchecked
            {
                T sum = T.Zero;
                for (int g = 0; g < count; g++)
                {
                    int j = first + g;
                    T mask = T.Zero - T.CreateTruncating((Unsafe.Add(ref choice, j >> 6) >> (j & 63)) & 1UL);
                    T d = Unsafe.ReadUnaligned<T>(ref Unsafe.Add(ref source, position));
                    position += (w - l + 7) >> 3;
                    sum += (Unsafe.Add(ref h, g * stride) + (d & mask)) << l;
                    if (++l == bits)
                    {
                        result[e++] += sum;
                        (sum, l) = (T.Zero, 0);
                    }
                }
                if (l != 0) result[e] += sum;
            }
            _position = position;
        }
    }
}
