using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;
using Avx512F = System.Runtime.Intrinsics.X86.Avx512F;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// The circular correlation-robust hash of Guo, Katz, Wang and Yu, "Efficient and Secure
/// Multiparty Computation from Fixed-Key Block Ciphers" (IEEE S&amp;P 2020):
/// H(x) = AES_K(sigma(x)) XOR sigma(x) with a fixed public key K and the linear orthomorphism
/// sigma(hi, lo) = (hi XOR lo, hi). It breaks the correlation q XOR t = c * Delta that OT extension
/// leaves, so the unchosen message is pseudo-random to the receiver. Blocks are 128 bits, stored as
/// two ulongs (low word first).
/// </summary>
public sealed class CorrelationRobustHash : IDisposable
{
    // Fixed and public by design: security rests on AES behaving as a random permutation, not on a secret key.
    private static readonly byte[] FixedKey = SHA256.HashData("mpc/ccr-hash/fixed-key/v1"u8)[..16];
    private readonly Aes _aes;
    // One keyed native context for the instance's life: the one-shot EncryptEcb keys a new one per call (9 vs 12 GB/s at 64 KB here).
    private readonly ICryptoTransform _encryptor;
    // Blocks per AES call: 64 KB stays in cache while it is built, encrypted and XORed back.
    private const int Chunk = 4096;
    // Owned by this (thread-local) instance, so hashing allocates nothing per call.
    private readonly byte[] _plain = new byte[16 * Chunk];
    private readonly byte[] _cipher = new byte[16 * Chunk];

    public CorrelationRobustHash()
    {
        _aes = Aes.Create();
        _aes.Key = FixedKey;
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _encryptor = _aes.CreateEncryptor();
    }

    /// <summary>output[j] = H(input[j] XOR offset) for each 128-bit block (offset is zero or Delta).</summary>
    public void Hash(ReadOnlySpan<ulong> input, ReadOnlySpan<ulong> offset, Span<ulong> output)
    {
        if (input.Length != output.Length || (input.Length & 1) != 0 || offset.Length != 2)
            throw new ArgumentException("Hash blocks must be whole 128-bit blocks of equal count.");
        for (int start = 0; start < input.Length; start += 2 * Chunk)
        {
            int n = Math.Min(2 * Chunk, input.Length - start);
            EncryptSigma(input.Slice(start, n), offset, default, out var sigma, out var cipher);
            Xor(cipher, sigma, output.Slice(start, n));
        }
    }

    /// <summary>
    /// The two halves of H for at most <see cref="MaxPairBlocks"/> blocks, in this instance's buffers until its next call:
    /// sigma = sigma(input_j XOR offset_o) and cipher = AES_K(sigma) at block o * n + j for offset o (offset1 may be empty),
    /// so H(input_j XOR offset_o) = cipher XOR sigma there. A caller that needs part of a hash XORs only that part.
    /// </summary>
    internal void EncryptSigma(ReadOnlySpan<ulong> input, ReadOnlySpan<ulong> offset0, ReadOnlySpan<ulong> offset1, out ReadOnlySpan<ulong> sigma, out ReadOnlySpan<ulong> cipher)
    {
        int n = input.Length / 2, offsets = offset1.IsEmpty ? 1 : 2;
        if ((input.Length & 1) != 0 || n * offsets > Chunk || offset0.Length != 2 || (offsets == 2 && offset1.Length != 2))
            throw new ArgumentException("Hash blocks must be whole 128-bit blocks, at most a chunk of them.");
        var plain = MemoryMarshal.Cast<byte, ulong>(_plain.AsSpan(0, 16 * n * offsets));
        Sigma(input, offset0, plain[..(2 * n)]);
        if (offsets == 2) Sigma(input, offset1, plain[(2 * n)..]);
        _encryptor.TransformBlock(_plain, 0, 16 * n * offsets, _cipher, 0);
        sigma = plain;
        cipher = MemoryMarshal.Cast<byte, ulong>(_cipher.AsSpan(0, 16 * n * offsets));
    }

    /// <summary>The most blocks times offsets that <see cref="EncryptSigma"/> takes at once.</summary>
    internal const int MaxPairBlocks = Chunk;

    // target_j = sigma(input_j XOR offset), (lo, hi) -> (hi, hi XOR lo).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sigma(ReadOnlySpan<ulong> input, ReadOnlySpan<ulong> offset, Span<ulong> target)
    {
        var off = Vector128.Create(offset[0], offset[1]);
        var blocks = MemoryMarshal.Cast<ulong, Vector128<ulong>>(input);
        var chunk = MemoryMarshal.Cast<ulong, Vector128<ulong>>(target);
        int i = 0, n = blocks.Length;
        if (Vector512.IsHardwareAccelerated)
        {
            // Four blocks at a time: (lo, hi) -> (hi, hi XOR lo) is UnpackHigh(x, x) XOR UnpackLow(0, x) per 128-bit lane.
            var off4 = Vector512.Create(Vector256.Create(off, off), Vector256.Create(off, off));
            ref var from = ref MemoryMarshal.GetReference(input);
            ref var to = ref MemoryMarshal.GetReference(target);
            for (; i + 4 <= n; i += 4)
            {
                var x = Vector512.LoadUnsafe(ref from, (nuint)(2 * i)) ^ off4;
                (Avx512F.UnpackHigh(x, x) ^ Avx512F.UnpackLow(Vector512<ulong>.Zero, x)).StoreUnsafe(ref to, (nuint)(2 * i));
            }
        }
        for (; i < n; i++)
        {
            var x = blocks[i] ^ off;
            var high = Vector128.Shuffle(x, Vector128.Create(1UL, 1UL));
            var low = Vector128.Shuffle(x, Vector128.Create(0UL, 0UL)) & Vector128.Create(0UL, ulong.MaxValue);
            chunk[i] = high ^ low;
        }
    }

    /// <summary>destination = a XOR b (equal lengths), 64 bytes at a time where the hardware has it.</summary>
    internal static void Xor(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> destination) =>
        XorBlocks(MemoryMarshal.Cast<ulong, Vector128<ulong>>(a), MemoryMarshal.Cast<ulong, Vector128<ulong>>(b), MemoryMarshal.Cast<ulong, Vector128<ulong>>(destination));

    // destination = a XOR b, 64 bytes at a time where the hardware has it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void XorBlocks(ReadOnlySpan<Vector128<ulong>> a, ReadOnlySpan<Vector128<ulong>> b, Span<Vector128<ulong>> destination)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            ref var x = ref Unsafe.As<Vector128<ulong>, ulong>(ref MemoryMarshal.GetReference(a));
            ref var y = ref Unsafe.As<Vector128<ulong>, ulong>(ref MemoryMarshal.GetReference(b));
            ref var z = ref Unsafe.As<Vector128<ulong>, ulong>(ref MemoryMarshal.GetReference(destination));
            for (; i + 4 <= destination.Length; i += 4)
                (Vector512.LoadUnsafe(ref x, (nuint)(2 * i)) ^ Vector512.LoadUnsafe(ref y, (nuint)(2 * i))).StoreUnsafe(ref z, (nuint)(2 * i));
        }
        for (; i < destination.Length; i++) destination[i] = a[i] ^ b[i];
    }

    /// <summary>
    /// Stretches each 128-bit hash h_j into <c>blocksPerSeed[j]</c> blocks AES_K(h_j XOR u) XOR h_j XOR u for u = 0, 1, ...
    /// (the same fixed-key construction with a counter), the seeds' streams one after another in <paramref name="output"/>.
    /// </summary>
    public void Expand(ReadOnlySpan<ulong> seeds, ReadOnlySpan<int> blocksPerSeed, Span<ulong> output)
    {
        int count = seeds.Length / 2, needed = 0;
        if (blocksPerSeed.Length != count) throw new ArgumentException("Expansion needs one block count per seed.");
        foreach (int blocks in blocksPerSeed) needed = checked(needed + blocks);
        if (output.Length != checked(needed * 2)) throw new ArgumentException("Expansion output has the wrong size.");
        var source = MemoryMarshal.Cast<ulong, Vector128<ulong>>(seeds);
        var target = MemoryMarshal.Cast<ulong, Vector128<ulong>>(output);
        var input = MemoryMarshal.Cast<byte, Vector128<ulong>>(_plain.AsSpan());
        var encrypted = MemoryMarshal.Cast<byte, Vector128<ulong>>(_cipher.AsSpan());
        int total = target.Length, seed = 0, counter = 0;
        for (int start = 0; start < total; start += Chunk)
        {
            int n = Math.Min(Chunk, total - start);
            var chunk = input[..n];
            for (int i = 0; i < n;)
            {
                while (counter == blocksPerSeed[seed]) (counter, seed) = (0, seed + 1);
                var h = source[seed];
                int run = Math.Min(blocksPerSeed[seed] - counter, n - i);
                for (int u = 0; u < run; u++) chunk[i + u] = h ^ Vector128.Create((ulong)(counter + u), 0UL);
                i += run;
                counter += run;
            }
            _encryptor.TransformBlock(_plain, 0, 16 * n, _cipher, 0);
            XorBlocks(encrypted[..n], chunk, target.Slice(start, n));
        }
    }

    public void Dispose()
    {
        _encryptor.Dispose();
        _aes.Dispose();
    }
}
