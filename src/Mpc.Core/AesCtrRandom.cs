using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Mpc.Core;

/// <summary>
/// Cryptographically secure pseudo-random generator: AES-128 in counter mode (NIST SP 800-90A's
/// CTR construction without reseeding), keyed from the OS RNG or from a shared 16-byte seed.
/// Two instances with the same seed produce the same stream, which is what pairwise zero sharing
/// and the dealer's share derivation rely on. Uses .NET's AES (AES-NI where available).
/// </summary>
public sealed class AesCtrRandom : IDisposable
{
    public const int SeedLength = 16;
    private const int BlockSize = 16;
    private const int ChunkBlocks = 1024;

    private readonly Aes _aes;
    private readonly byte[] _counters = new byte[ChunkBlocks * BlockSize];
    private readonly byte[] _buffer = new byte[ChunkBlocks * BlockSize];
    private int _bufferOffset = ChunkBlocks * BlockSize;
    private ulong _counter;

    public AesCtrRandom(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength) throw new ArgumentException(ErrorMessages.SeedLength(seed.Length), nameof(seed));
        _aes = Aes.Create();
        _aes.Key = seed.ToArray();
    }

    /// <summary>A generator keyed from the operating system's CSPRNG.</summary>
    public static AesCtrRandom CreateFromSystem() => new(NewSeed());

    /// <summary>16 fresh bytes from the operating system's CSPRNG.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedLength);

    /// <summary>Derives an independent 16-byte seed from a seed and a label (HKDF-SHA256).</summary>
    public static byte[] DeriveSeed(ReadOnlySpan<byte> seed, string label)
    {
        var output = new byte[SeedLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, seed, output, salt: ReadOnlySpan<byte>.Empty, info: System.Text.Encoding.UTF8.GetBytes(label));
        return output;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Fill(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_bufferOffset == _buffer.Length)
            {
                // Large requests bypass the buffer: encrypt counters straight into the destination.
                if (destination.Length >= _buffer.Length)
                {
                    int whole = destination.Length / _buffer.Length * _buffer.Length;
                    for (int offset = 0; offset < whole; offset += _buffer.Length)
                        EncryptNextChunk(destination.Slice(offset, _buffer.Length));
                    destination = destination[whole..];
                    continue;
                }
                EncryptNextChunk(_buffer);
                _bufferOffset = 0;
            }
            int take = Math.Min(destination.Length, _buffer.Length - _bufferOffset);
            _buffer.AsSpan(_bufferOffset, take).CopyTo(destination);
            _bufferOffset += take;
            destination = destination[take..];
        }
    }

    /// <summary>Fills a span of unmanaged values (ring elements, words) with uniform random bits.</summary>
    public void Fill<T>(Span<T> destination) where T : unmanaged => Fill(MemoryMarshal.AsBytes(destination));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong NextUInt64()
    {
        // Per-value callers (sampling loops) take eight buffered bytes without the general copy loop.
        if (_buffer.Length - _bufferOffset >= sizeof(ulong))
        {
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_bufferOffset, sizeof(ulong)));
            _bufferOffset += sizeof(ulong);
            return value;
        }
        Span<byte> bytes = stackalloc byte[8];
        Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    /// <summary>Uniform integer in [0, bound) by rejection sampling (no modulo bias).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ulong NextBelow(ulong bound)
    {
        if (bound == 0) throw new ArgumentOutOfRangeException(nameof(bound));
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        while (true)
        {
            ulong candidate = NextUInt64();
            if (candidate < limit) return candidate % bound;
        }
    }

    /// <summary>Ring elements uniform in Z_2^k.</summary>
    public T[] NextRing<T>(int count) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var result = new T[count];
        Fill<T>(result);
        return result;
    }

    private void EncryptNextChunk(Span<byte> destination)
    {
        var counters = _counters.AsSpan();
        for (int block = 0; block < ChunkBlocks; block++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(counters.Slice(block * BlockSize, 8), _counter++);
        }
        int written = _aes.EncryptEcb(counters, destination, PaddingMode.None);
        if (written != destination.Length) throw new CryptographicException("AES-CTR produced a short block.");
    }

    public void Dispose() => _aes.Dispose();
}
