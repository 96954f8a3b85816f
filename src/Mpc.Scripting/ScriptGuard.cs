namespace Mpc.Scripting;

/// <summary>
/// Enforces a running script's time limit. The compiler inserts
/// <c>global::Mpc.Scripting.ScriptGuard.Tick();</c> at the start of every loop body, labelled
/// statement, switch section, lambda, local function and member body of a script, and wraps query
/// clauses in <see cref="Pass"/>, so even a tight loop or a deep recursion stops once the deadline
/// has passed. The deadline belongs to the run
/// (an <see cref="AsyncLocal{T}"/> armed by <see cref="Arm"/>), so concurrent runs keep their own.
/// </summary>
public static class ScriptGuard
{
    private static readonly AsyncLocal<Deadline?> Current = new();

    /// <summary>Throws <see cref="ScriptTimeoutException"/> once the current run's deadline has passed.</summary>
    public static void Tick()
    {
        // Script code with no armed run (a finalizer, a leaked delegate) must not run unbounded.
        var deadline = Current.Value ?? throw new InvalidOperationException(ScriptingErrors.TickOutsideRun);
        if (Environment.TickCount64 > deadline.Ticks) throw new ScriptTimeoutException(deadline.Limit);
    }

    /// <summary>Ticks, then returns <paramref name="value"/>: the guard of query clauses, which the compiler turns into lambdas.</summary>
    public static T Pass<T>(T value)
    {
        Tick();
        return value;
    }

    /// <summary>Arms a deadline <paramref name="limit"/> from now for this run (and the tasks it starts) until the scope is disposed.</summary>
    internal static Scope Arm(TimeSpan limit)
    {
        if (limit != Timeout.InfiniteTimeSpan && limit < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(limit));
        var previous = Current.Value;
        bool unbounded = limit == Timeout.InfiniteTimeSpan || limit.TotalMilliseconds >= long.MaxValue / 4;
        Current.Value = new Deadline(limit, unbounded ? long.MaxValue : Environment.TickCount64 + (long)limit.TotalMilliseconds);
        return new Scope(previous);
    }

    /// <summary>Restores the deadline that was current before <see cref="Arm"/>.</summary>
    internal readonly struct Scope(Deadline? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }

    internal sealed record Deadline(TimeSpan Limit, long Ticks);
}
