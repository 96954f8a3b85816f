using System.Collections.Concurrent;

namespace Mpc.Federation;

/// <summary>
/// Limits, per analyst and dataset, the sessions refused or aborted for a problem in the data within
/// the last 24 hours. Each such refusal answers a yes/no question about the values (are all of
/// column X in these levels?), so an analyst may ask only so many a day. A session that will read
/// the data first takes a slot (<see cref="TryBegin"/>), so concurrent sessions cannot overshoot;
/// it frees the slot when it ends, counting a refusal if it had one. With a ledger the refusals are
/// recorded there, and a restarted daemon starts from the last 24 hours' of them.
/// </summary>
internal sealed class DataRefusalLimiter
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(24);
    private readonly TimeProvider _clock;
    private readonly Mpc.Ledger.PrivacyLedger? _ledger;
    private readonly ConcurrentDictionary<(string Analyst, string Dataset), Entry> _entries = new();

    public DataRefusalLimiter(int perDay, Mpc.Ledger.PrivacyLedger? ledger = null, TimeProvider? clock = null)
    {
        PerDay = perDay;
        _ledger = ledger;
        _clock = clock ?? TimeProvider.System;
        foreach (var (analyst, dataset, time) in ledger?.DataRefusalsSince(_clock.GetUtcNow() - Window) ?? [])
            _entries.GetOrAdd((analyst, dataset), _ => new Entry()).Refusals.Enqueue(time);
    }

    public int PerDay { get; }

    /// <summary>Whether the analyst may start a session that reads the dataset: refusals in the window plus sessions still running stay below the limit.</summary>
    public bool TryBegin(string analyst, string dataset)
    {
        var entry = _entries.GetOrAdd((analyst, dataset), _ => new Entry());
        lock (entry)
        {
            Expire(entry);
            if (entry.Refusals.Count + entry.Running >= PerDay) return false;
            entry.Running++;
            return true;
        }
    }

    /// <summary>
    /// Ends a session begun with <see cref="TryBegin"/>; <paramref name="refusedForData"/> counts it against the limit.
    /// Returns why the ledger could not record the refusal, if it could not (the count in memory still holds it).
    /// </summary>
    public Exception? End(string analyst, string dataset, bool refusedForData)
    {
        var entry = _entries.GetOrAdd((analyst, dataset), _ => new Entry());
        lock (entry)
        {
            entry.Running = Math.Max(0, entry.Running - 1);
            if (refusedForData) entry.Refusals.Enqueue(_clock.GetUtcNow());
        }
        if (!refusedForData || _ledger is null) return null;
        try
        {
            _ledger.RecordDataRefusal(analyst, dataset);
            return null;
        }
        catch (Exception e) when (e is Mpc.Ledger.LedgerIntegrityException or Microsoft.Data.Sqlite.SqliteException or IOException)
        {
            return e;
        }
    }

    private void Expire(Entry entry)
    {
        var now = _clock.GetUtcNow();
        while (entry.Refusals.Count > 0 && now - entry.Refusals.Peek() >= Window) entry.Refusals.Dequeue();
    }

    private sealed class Entry
    {
        public Queue<DateTimeOffset> Refusals { get; } = new();

        public int Running { get; set; }
    }
}
