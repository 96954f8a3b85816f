namespace Mpc.Runtime;

/// <summary>Counters of one party's communication in a session.</summary>
public sealed class RuntimeStatistics
{
    private long _bytesSent;
    private long _messagesSent;
    private long _rounds;

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long MessagesSent => Interlocked.Read(ref _messagesSent);

    /// <summary>Communication rounds (tags) used so far.</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    internal void RecordSend(int bytes)
    {
        Interlocked.Add(ref _bytesSent, bytes);
        Interlocked.Increment(ref _messagesSent);
    }

    internal void RecordRound() => Interlocked.Increment(ref _rounds);
}
