using System.Buffers;
using System.Runtime.InteropServices;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// Pooled scratch arrays for OT extension: a batch needs several multi-megabyte arrays, and
/// allocating them fresh each time churns the large-object heap into full collections (and the
/// kernel into zeroing fresh pages). Rented arrays may be longer than asked and hold stale data;
/// users write before they read.
/// </summary>
internal static class OtBuffers
{
    private static readonly ArrayPool<ulong> Pool = ArrayPool<ulong>.Create(1 << 23, 16);
    private static readonly ArrayPool<byte> BytePool = ArrayPool<byte>.Create(1 << 26, 16);

    public static ulong[] Rent(int length) => Pool.Rent(length);

    public static void Return(ulong[] array) => Pool.Return(array);

    /// <summary>A message buffer: a channel is done with a payload once its send completed (<see cref="IPartyChannel.SendAsync"/>).</summary>
    public static byte[] RentBytes(int length) => BytePool.Rent(length);

    public static void ReturnBytes(byte[] array) => BytePool.Return(array);

    /// <summary>The first <paramref name="count"/> ulongs of a rented byte array (OT columns live in byte arrays so the PRG can encrypt into them).</summary>
    public static Span<ulong> Words(byte[] array, int count) => MemoryMarshal.Cast<byte, ulong>(array.AsSpan(0, checked(8 * count)));
}
