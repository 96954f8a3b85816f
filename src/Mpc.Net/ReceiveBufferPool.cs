namespace Mpc.Net;

/// <summary>
/// Arrays for received payloads, by exact size: a reader hands a payload back (<see cref="Mpc.Runtime.IPartyChannel.Release"/>)
/// and the next frame of that size is read into it. OT extensions send the same multi-megabyte sizes batch after batch, and
/// a fresh array per frame cost page faults and large-object collections: reusing it took a fifth off a framed TLS
/// connection's CPU (4 MB frames, measured). Payloads below <see cref="MinimumBytes"/> are not kept, and the pool holds at
/// most its capacity, dropping the arrays returned longest ago.
/// </summary>
public sealed class ReceiveBufferPool
{
    /// <summary>What a channel or a worker's pipe keeps for reuse, unless it has reason to keep another amount.</summary>
    public const long DefaultCapacityBytes = 64 << 20;

    /// <summary>Smaller payloads are allocated afresh and never kept.</summary>
    public const int MinimumBytes = 64 << 10;

    private readonly long _capacity;
    private readonly object _gate = new();
    private readonly Dictionary<int, List<byte[]>> _bySize = [];
    // Return order, oldest first, for eviction; and membership, so an array returned twice is kept once.
    private readonly LinkedList<byte[]> _order = new();
    private readonly HashSet<byte[]> _held = new(ReferenceEqualityComparer.Instance);
    private long _bytes;

    public ReceiveBufferPool(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        _capacity = capacityBytes;
    }

    /// <summary>Bytes held for reuse.</summary>
    public long HeldBytes
    {
        get
        {
            lock (_gate) return _bytes;
        }
    }

    /// <summary>An array of exactly <paramref name="length"/> bytes with unspecified contents (the caller overwrites all of it).</summary>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length >= MinimumBytes)
        {
            lock (_gate)
            {
                if (_bySize.TryGetValue(length, out var arrays) && arrays.Count > 0)
                {
                    var array = arrays[^1];
                    Remove(array, arrays);
                    return array;
                }
            }
        }
        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Keeps <paramref name="array"/> for a later payload of its size; nothing may read or write it afterwards.</summary>
    public void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length < MinimumBytes || array.Length > _capacity) return;
        lock (_gate)
        {
            if (!_held.Add(array)) return;
            if (!_bySize.TryGetValue(array.Length, out var arrays)) _bySize[array.Length] = arrays = [];
            arrays.Add(array);
            _order.AddLast(array);
            _bytes += array.Length;
            while (_bytes > _capacity)
            {
                var oldest = _order.First!.Value;
                Remove(oldest, _bySize[oldest.Length]);
            }
        }
    }

    // Under the gate.
    private void Remove(byte[] array, List<byte[]> arrays)
    {
        arrays.Remove(array);
        if (arrays.Count == 0) _bySize.Remove(array.Length);
        _order.Remove(array);
        _held.Remove(array);
        _bytes -= array.Length;
    }
}
