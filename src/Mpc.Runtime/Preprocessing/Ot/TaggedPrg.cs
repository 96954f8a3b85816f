using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// The PRG G(k) of OT extension, addressed by the extension's tag: AES-128 keyed with a base-OT
/// key in counter mode, with the tag as nonce (block = tag | counter). Each tag is used once, so
/// concurrent batches draw disjoint, reproducible parts of the stream in any order.
/// </summary>
public static class TaggedPrg
{
    public static void Fill(byte[] key, long tag, Span<ulong> destination)
    {
        if ((destination.Length & 1) != 0) throw new ArgumentException("The PRG fills whole 128-bit blocks.", nameof(destination));
        var blocks = MemoryMarshal.Cast<ulong, Vector128<ulong>>(destination);
        var counter = Vector128.Create(0UL, (ulong)tag);
        var one = Vector128.Create(1UL, 0UL);
        for (int i = 0; i < blocks.Length; i++, counter += one) blocks[i] = counter;
        using var aes = Aes.Create();
        aes.Key = key;
        var bytes = MemoryMarshal.AsBytes(destination);
        aes.EncryptEcb(bytes, bytes, PaddingMode.None);
    }
}
