namespace Mpc.Runtime.Preprocessing.Ot;

/// <summary>
/// A stream of preprocessing batches of one kind, produced on demand: a forecast that finds too few items available starts
/// batches for exactly the shortfall (rounded up to the granularity), a reservation for the shortfall but at least
/// <see cref="Minimum"/> items, so a run of small requests (a comparison's few triples each) pays one production's round
/// trips, not one each; what is made and never used is less than one minimum batch. Batch i is at most a size that depends
/// on i only and every party makes the same requests in the same order, so every party starts the same batches at the same
/// point of its program (tags stay in step) however fast it runs. At most two batches are produced at once.
/// </summary>
internal sealed class BatchPool<TBatch> where TBatch : class
{
    private readonly Func<long, int, Task<TBatch>> _produce;
    private readonly int _first;
    private readonly int _max;
    private readonly int _granularity;
    private readonly int _minimum;
    private readonly List<(Task<TBatch> Task, int Size)> _batches = [];
    private readonly List<Task> _started = [];
    private int _cursorBatch;
    private int _cursorOffset;
    private long _available;
    private long _next;
    private long _produced;
    private long _reserved;
    private Task? _previous;
    private Task? _beforePrevious;

    public BatchPool(Func<long, int, Task<TBatch>> produce, int first, int max, int granularity, int minimum)
    {
        _produce = produce;
        _first = first;
        _max = max;
        _granularity = granularity;
        _minimum = minimum;
    }

    /// <summary>The fewest items a reservation that finds too few starts (a forecast starts exactly its shortfall).</summary>
    public int Minimum => _minimum;

    /// <summary>Every batch started so far, to wait for at the end of the session.</summary>
    public IReadOnlyList<Task> Started => _started;

    /// <summary>Items of every batch started so far.</summary>
    public long Produced => Interlocked.Read(ref _produced);

    /// <summary>Items reserved so far.</summary>
    public long Reserved => Interlocked.Read(ref _reserved);

    /// <summary>
    /// Reserves <paramref name="count"/> items now (the order of calls is the order of reservation)
    /// and returns the pieces, each to be awaited.
    /// </summary>
    public List<(Task<TBatch> Batch, int Offset, int Count)> Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_batches)
        {
            while (_available < count) Start(Math.Max(count - _available, _minimum));
            var pieces = new List<(Task<TBatch>, int, int)>();
            int need = count;
            while (need > 0)
            {
                var (task, size) = _batches[_cursorBatch];
                int take = Math.Min(need, size - _cursorOffset);
                pieces.Add((task, _cursorOffset, take));
                need -= take;
                _cursorOffset += take;
                if (_cursorOffset == size)
                {
                    _cursorBatch++;
                    _cursorOffset = 0;
                }
            }
            _available -= count;
            _reserved += count;
            // Drop fully reserved batches so their memory goes once the caller has copied them.
            if (_cursorBatch > 0)
            {
                _batches.RemoveRange(0, _cursorBatch);
                _cursorBatch = 0;
            }
            return pieces;
        }
    }

    /// <summary>
    /// Starts batches now so that <paramref name="count"/> items not yet reserved exist: a protocol declares what it will
    /// reserve next, so the batches are made while it still works on what it has (every party forecasts at the same point).
    /// </summary>
    public void Forecast(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_batches)
        {
            while (_available < count) Start(count - _available);
        }
    }

    // The shortfall rounded up to the granularity, at most the growing cap of batch _next.
    private int NextSize(long shortfall)
    {
        long cap = Math.Min(_max, (long)_first << (int)Math.Min(_next, 24)) / _granularity * _granularity;
        long needed = (shortfall + _granularity - 1) / _granularity * _granularity;
        return (int)Math.Min(cap, needed);
    }

    private void Start(long shortfall)
    {
        int size = NextSize(shortfall);
        long index = _next++;
        var gate = _beforePrevious;
        var task = Task.Run(async () =>
        {
            // Two batches at a time: one computing while the other waits on the network.
            if (gate is not null) await gate.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return await _produce(index, size).ConfigureAwait(false);
        });
        _beforePrevious = _previous;
        _previous = task;
        _batches.Add((task, size));
        _started.RemoveAll(t => t.IsCompleted);
        _started.Add(task);
        _available += size;
        _produced += size;
    }
}
