namespace Mpc.Cli;

/// <summary>The host's thread-pool settings, decided here and not by a library (the daemon, the worker, the benchmarks and the test processes that run daemons in-process share them).</summary>
public static class HostThreadPool
{
    /// <summary>At least two workers per core: a party's OT batches compute for tens of milliseconds, and the channels' read loops must not wait behind them for the pool to grow.</summary>
    public static void Configure()
    {
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        int floor = 2 * Environment.ProcessorCount;
        if (workers < floor) ThreadPool.SetMinThreads(floor, completionPorts);
    }
}
