namespace Mpc.Scripting;

/// <summary>
/// Enforces a running script's time limit: the compiler inserts a call to <see cref="Tick"/> at
/// the top of every loop body, local function and lambda, so even a tight loop stops once the
/// deadline has passed.
/// </summary>
public sealed class ScriptGuard
{
    private long _deadlineTicks = long.MaxValue;

    public TimeSpan Limit { get; private set; } = Timeout.InfiniteTimeSpan;

    internal void Arm(TimeSpan limit)
    {
        Limit = limit;
        _deadlineTicks = limit == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)limit.TotalMilliseconds;
    }

    /// <summary>Throws <see cref="ScriptTimeoutException"/> once the deadline has passed.</summary>
    public void Tick()
    {
        if (Environment.TickCount64 > Volatile.Read(ref _deadlineTicks)) throw new ScriptTimeoutException(Limit);
    }
}
