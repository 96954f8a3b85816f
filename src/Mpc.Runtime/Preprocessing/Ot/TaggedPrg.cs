using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// The PRG G(k) of OT extension, addressed by the extension's tag: AES-128 keyed with a seed in
/// counter mode, with the tag as nonce (block = counter as the low 8 bytes | tag as the high 8,
/// little-endian). Each tag is used once, so concurrent batches draw disjoint, reproducible parts of
/// the stream in any order. An instance keeps its seed's AES objects between extensions: for the
/// kilobyte columns of small extensions, keying a fresh cipher cost more than encrypting.
/// </summary>
public sealed class TaggedPrg : IDisposable
{
    // Below this many bytes a kept encryptor (one keyed native context) wins; above it the one-shot call is faster.
    private const int SmallBytes = 8 << 10;
    private readonly byte[] _key;
    // AES objects are not thread-safe: each call borrows an engine and returns it. A queue, not a bag: a pool thread with no
    // engine of its own made the bag lock every other thread's list to steal one (a tenth of a worker's time at 20 parties).
    private readonly ConcurrentQueue<Engine> _idle = new();

    public TaggedPrg(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = (byte[])key.Clone();
    }

    /// <summary>Fills <paramref name="destination"/> (whole 128-bit blocks) with the stream for <paramref name="tag"/>.</summary>
    public void Fill(long tag, Span<ulong> destination)
    {
        if ((destination.Length & 1) != 0) throw new ArgumentException("The PRG fills whole 128-bit blocks.", nameof(destination));
        if (!_idle.TryDequeue(out var engine)) engine = new Engine(_key);
        try
        {
            engine.Fill(tag, destination);
        }
        finally
        {
            _idle.Enqueue(engine);
        }
    }

    /// <summary>
    /// Fills <paramref name="count"/> bytes (whole 128-bit blocks) of <paramref name="destination"/> from <paramref name="offset"/> with the
    /// stream for <paramref name="tag"/>: the hot path, encrypting the cached counters straight into the array with a kept cipher context.
    /// </summary>
    public void Fill(long tag, byte[] destination, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if ((count & 15) != 0) throw new ArgumentException("The PRG fills whole 128-bit blocks.", nameof(count));
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)offset + count, destination.Length, nameof(count));
        if (!_idle.TryDequeue(out var engine)) engine = new Engine(_key);
        try
        {
            engine.Fill(tag, destination, offset, count);
        }
        finally
        {
            _idle.Enqueue(engine);
        }
    }

    /// <summary>One-off use of a key (setup): the same stream as an instance's.</summary>
    public static void Fill(byte[] key, long tag, Span<ulong> destination)
    {
        if ((destination.Length & 1) != 0) throw new ArgumentException("The PRG fills whole 128-bit blocks.", nameof(destination));
        using var engine = new Engine(key);
        engine.Fill(tag, destination);
    }

    public void Dispose()
    {
        while (_idle.TryDequeue(out var engine)) engine.Dispose();
        Array.Clear(_key);
    }

    private sealed class Engine : IDisposable
    {
        private readonly Aes _aes;
        private ICryptoTransform? _encryptor;

        public Engine(byte[] key)
        {
            _aes = Aes.Create();
            _aes.Key = key;
            _aes.Mode = CipherMode.ECB;
            _aes.Padding = PaddingMode.None;
        }

        public void Fill(long tag, Span<ulong> destination)
        {
            var bytes = MemoryMarshal.AsBytes(destination);
            if (bytes.Length == 0) return;
            var counters = CountersFor(tag, bytes.Length);
            if (bytes.Length >= SmallBytes)
            {
                _aes.EncryptEcb(counters.AsSpan(0, bytes.Length), bytes, PaddingMode.None);
                return;
            }
            _encryptor ??= _aes.CreateEncryptor();
            var buffer = ArrayPool<byte>.Shared.Rent(bytes.Length);
            try
            {
                _encryptor.TransformBlock(counters, 0, bytes.Length, buffer, 0);
                buffer.AsSpan(0, bytes.Length).CopyTo(bytes);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Span.EncryptEcb would copy the counters into the destination and encrypt there, and key a new native context per call;
        // TransformBlock encrypts from the counters into the array in one pass.
        public void Fill(long tag, byte[] destination, int offset, int count)
        {
            if (count == 0) return;
            var counters = CountersFor(tag, count);
            _encryptor ??= _aes.CreateEncryptor();
            _encryptor.TransformBlock(counters, 0, count, destination, offset);
        }

        // Every seed's stream for a tag encrypts the same counter blocks: an extension's fills on one thread build them once
        // and encrypt from cache, instead of writing counters over each destination first.
        [ThreadStatic] private static byte[]? t_counters;
        [ThreadStatic] private static long t_countersTag;
        [ThreadStatic] private static int t_countersLength;

        private static byte[] CountersFor(long tag, int length)
        {
            var counters = t_counters;
            if (counters is not null && t_countersTag == tag && t_countersLength >= length) return counters;
            if (counters is null || counters.Length < length) t_counters = counters = new byte[Math.Max(length, SmallBytes)];
            Counters(tag, MemoryMarshal.Cast<byte, ulong>(counters.AsSpan(0, length)));
            (t_countersTag, t_countersLength) = (tag, length);
            return counters;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void Counters(long tag, Span<ulong> target)
        {
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                // Four blocks per store: the counters cost a pass over the whole stream before AES makes another.
                ref ulong start = ref MemoryMarshal.GetReference(target);
                var counters = Vector512.Create(0UL, (ulong)tag, 1UL, (ulong)tag, 2UL, (ulong)tag, 3UL, (ulong)tag);
                var four = Vector512.Create(4UL, 0UL, 4UL, 0UL, 4UL, 0UL, 4UL, 0UL);
                for (; i + 8 <= target.Length; i += 8, counters += four) counters.StoreUnsafe(ref start, (nuint)i);
            }
            var blocks = MemoryMarshal.Cast<ulong, Vector128<ulong>>(target);
            var counter = Vector128.Create((ulong)(i / 2), (ulong)tag);
            var one = Vector128.Create(1UL, 0UL);
            for (int b = i / 2; b < blocks.Length; b++, counter += one) blocks[b] = counter;
        }

        public void Dispose()
        {
            _encryptor?.Dispose();
            _aes.Dispose();
        }
    }
}
