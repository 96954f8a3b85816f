using System.Numerics;
using System.Runtime.InteropServices;

namespace Mpc.Core;

/// <summary>
/// Wire encoding of share blocks: ring elements as raw little-endian words (8 bytes for Z_2^64,
/// 16 for Z_2^128, low half first), with no header; the frame around it carries the length.
/// </summary>
public static class RingCodec
{
    static RingCodec()
    {
        // The raw block format is little-endian; a big-endian host would need byte swaps here.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Mpc needs a little-endian host.");
    }

    public static byte[] Encode<T>(ReadOnlySpan<T> values) where T : unmanaged => MemoryMarshal.AsBytes(values).ToArray();

    /// <summary>Bytes of a block of <paramref name="count"/> elements.</summary>
    public static int ByteLength<T>(int count) where T : unmanaged => checked(count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>());

    /// <summary>Decodes a block that must hold exactly <paramref name="count"/> elements.</summary>
    public static T[] Decode<T>(ReadOnlySpan<byte> bytes, int count) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (bytes.Length != checked(count * size)) throw new FormatException($"Share block of {bytes.Length} bytes does not hold {count} elements of {size} bytes.");
        var result = new T[count];
        bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    /// <summary>Adds a received block into an accumulator without allocating.</summary>
    public static void AddInto<T>(ReadOnlySpan<byte> bytes, Span<T> accumulator) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        if (bytes.Length != checked(accumulator.Length * size)) throw new FormatException($"Share block of {bytes.Length} bytes does not hold {accumulator.Length} elements of {size} bytes.");
        RingArithmetic<T>.AddInPlace(accumulator, MemoryMarshal.Cast<byte, T>(bytes));
    }

    /// <summary>XORs a received bit block into an accumulator.</summary>
    public static void XorInto(ReadOnlySpan<byte> bytes, Span<ulong> accumulator)
    {
        if (bytes.Length != checked(accumulator.Length * 8)) throw new FormatException($"Bit block of {bytes.Length} bytes does not hold {accumulator.Length} words.");
        BitSlicing.Xor(accumulator, MemoryMarshal.Cast<byte, ulong>(bytes), accumulator);
    }
}
