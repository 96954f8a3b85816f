using System.Runtime.InteropServices;
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
        for (int i = 0; i < destination.Length; i += 2)
        {
            destination[i] = (ulong)(i >> 1);
            destination[i + 1] = (ulong)tag;
        }
        using var aes = Aes.Create();
        aes.Key = key;
        var bytes = MemoryMarshal.AsBytes(destination);
        aes.EncryptEcb(bytes, bytes, PaddingMode.None);
    }
}
