using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// The block layout of SoftSpoken OT (Roy, CRYPTO 2022) shared by <see cref="SoftSpokenSender"/> and
/// <see cref="SoftSpokenReceiver"/>: Delta is cut into 128 / k blocks of k bits; for each block the receiver holds 2^k seeds
/// (the leaves of a GGM tree of depth k) and the sender all but the one at its block of Delta. An extension costs the
/// receiver m bits a block, so 128 m / k bits for m OTs (IKNP: 128 m), at 2^k PRG streams a block.
/// </summary>
/// <remarks>
/// k = 4 (was 2): 32 m bits for m OTs instead of 64 m, at 16 streams of m bits per block of 4 columns instead of 4 per 2
/// (twice the PRG work). Semi-honest security does not depend on k: the stream at the sender's punctured leaf masks the
/// receiver's choices and the sender's Delta stays hidden as it is a choice of the base OTs.
/// Tree (block b, base OTs k b + l for level l, keys K^0, K^1 with the receiver as their sender): the level-1 nodes are
/// K^0_kb and K^1_kb; a node's two children are the halves of G(node, tag), the child's index gaining bit l at level l. For
/// each level l = 1..k-1 and side y the receiver sends G(K^y_(kb+l), tag) XOR the XOR of the level-(l+1) nodes whose bit l
/// is y, 16 bytes, in the order (b, l, y): 128 / k * (k - 1) * 32 bytes in all. The sender, holding K^(1 - Delta bit) of each
/// base OT, knows every node off its path and recovers at each level the sibling of the path's node.
/// </remarks>
internal static class SoftSpokenTree
{
    /// <summary>k: bits of Delta a block.</summary>
    public const int BlockBits = 4;

    /// <summary>Blocks of Delta.</summary>
    public const int Blocks = 128 / BlockBits;

    /// <summary>Leaves (seeds) a block.</summary>
    public const int Leaves = 1 << BlockBits;

    /// <summary>Bytes of the puncturing message.</summary>
    public const int PuncturingBytes = Blocks * (BlockBits - 1) * 2 * 16;

    /// <summary>Bytes of the receiver's extension message for m OTs: m bits a block.</summary>
    public static int ExtensionBytes(int m) => checked(Blocks * (m / 8));

    /// <summary>Delta's bits k b .. k b + k - 1 as a leaf index (bit l of the index is Delta's bit k b + l).</summary>
    public static int DeltaBlock(ReadOnlySpan<ulong> delta, int block)
    {
        int first = BlockBits * block;
        return (int)((delta[first >> 6] >> (first & 63)) & (Leaves - 1));
    }

    /// <summary>The receiver's leaves (Leaves per block, block-major) and the puncturing message, from both keys of each base OT.</summary>
    public static (byte[][] Leaves, byte[] Message) Grow(byte[][] keys0, byte[][] keys1, long tag)
    {
        var leaves = new byte[Blocks * Leaves][];
        var message = new byte[PuncturingBytes];
        var nodes = new byte[Leaves][];
        var pad = new ulong[2];
        for (int b = 0; b < Blocks; b++)
        {
            nodes[0] = keys0[BlockBits * b];
            nodes[1] = keys1[BlockBits * b];
            for (int level = 1; level < BlockBits; level++)
            {
                Expand(nodes, 1 << level, tag, _ => true);
                for (int y = 0; y < 2; y++)
                {
                    TaggedPrg.Fill(y == 0 ? keys0[BlockBits * b + level] : keys1[BlockBits * b + level], tag, pad);
                    var target = message.AsSpan(Offset(b, level, y), 16);
                    MemoryMarshal.AsBytes(pad.AsSpan()).CopyTo(target);
                    for (int x = 0; x < 2 << level; x++)
                        if (((x >> level) & 1) == y) Xor(target, nodes[x]);
                }
            }
            for (int x = 0; x < Leaves; x++) leaves[Leaves * b + x] = nodes[x];
        }
        return (leaves, message);
    }

    /// <summary>
    /// The sender's leaves from the keys it chose (the complement of each bit of Delta) and the puncturing message: every leaf
    /// of block b but the one at Delta's block, which is empty.
    /// </summary>
    public static byte[][] Puncture(ReadOnlySpan<ulong> delta, byte[][] keys, byte[] message, long tag)
    {
        var leaves = new byte[Blocks * Leaves][];
        var nodes = new byte[Leaves][];
        var pad = new ulong[2];
        for (int b = 0; b < Blocks; b++)
        {
            int d = DeltaBlock(delta, b);
            Array.Clear(nodes);
            nodes[1 - (d & 1)] = keys[BlockBits * b];
            for (int level = 1; level < BlockBits; level++)
            {
                int path = d & ((1 << level) - 1);
                // Every node off the path has its children; the path node's child on the side off Delta is the sibling to recover.
                Expand(nodes, 1 << level, tag, x => x != path);
                int side = 1 - ((d >> level) & 1), sibling = path | (side << level);
                TaggedPrg.Fill(keys[BlockBits * b + level], tag, pad);
                var value = message.AsSpan(Offset(b, level, side), 16).ToArray();
                Xor(value, MemoryMarshal.AsBytes(pad.AsSpan()));
                for (int x = 0; x < 2 << level; x++)
                    if (((x >> level) & 1) == side && x != sibling) Xor(value, nodes[x]);
                nodes[sibling] = value;
            }
            for (int x = 0; x < Leaves; x++) leaves[Leaves * b + x] = x == d ? [] : nodes[x];
        }
        return leaves;
    }

    // Children of nodes 0 .. count - 1 (those selected) into x and x + count: the halves of G(node, tag).
    private static void Expand(byte[][] nodes, int count, long tag, Func<int, bool> selected)
    {
        var children = new ulong[4];
        for (int x = count - 1; x >= 0; x--)
        {
            if (!selected(x))
            {
                nodes[x + count] = null!;
                nodes[x] = null!;
                continue;
            }
            TaggedPrg.Fill(nodes[x], tag, children);
            nodes[x] = MemoryMarshal.AsBytes(children.AsSpan(0, 2)).ToArray();
            nodes[x + count] = MemoryMarshal.AsBytes(children.AsSpan(2, 2)).ToArray();
        }
    }

    private static int Offset(int block, int level, int side) => ((block * (BlockBits - 1) + level - 1) * 2 + side) * 16;

    private static void Xor(Span<byte> target, ReadOnlySpan<byte> source)
    {
        for (int i = 0; i < target.Length; i++) target[i] ^= source[i];
    }

    /// <summary>target ^= source (equal lengths).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void XorInto(Span<ulong> target, ReadOnlySpan<ulong> source)
    {
        int i = 0;
        ref ulong t = ref MemoryMarshal.GetReference(target);
        ref ulong s = ref MemoryMarshal.GetReference(source);
        if (Vector512.IsHardwareAccelerated)
            for (; i + 8 <= target.Length; i += 8) (Vector512.LoadUnsafe(ref t, (nuint)i) ^ Vector512.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 4 <= target.Length; i += 4) (Vector256.LoadUnsafe(ref t, (nuint)i) ^ Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        for (; i < target.Length; i++) Unsafe.Add(ref t, i) ^= Unsafe.Add(ref s, i);
    }
}
