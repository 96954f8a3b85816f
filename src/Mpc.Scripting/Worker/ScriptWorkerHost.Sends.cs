namespace Mpc.Scripting.Worker;

/// <summary>
/// The worker's sends to the peers, relayed without holding up the relay: a connection holds a send for as long as its bytes
/// take to leave, so awaiting each in turn kept the other peers' links idle and the worker's receive requests unread behind it.
/// </summary>
internal sealed partial class ScriptWorkerHost
{
    // What the daemon holds for the worker's sends still under way: past it, the relay waits for some to finish, so a worker
    // cannot make the daemon buffer without bound (one frame may exceed it, as one frame may be that large).
    private const long MaxBytesInFlight = 256L << 20;
    // Touched by the relay loop only.
    private readonly List<Task> _sends = [];
    private long _bytesInFlight;

    /// <summary>Starts a relayed send (its bytes counted until it ends); a failed send fails the session as a failed receive does.</summary>
    private async ValueTask StartSendAsync(Func<Task> send, long bytes)
    {
        _sends.RemoveAll(task => task.IsCompleted);
        while (Interlocked.Read(ref _bytesInFlight) > MaxBytesInFlight && _sends.Count > 0)
        {
            await Task.WhenAny(_sends).ConfigureAwait(false);
            _sends.RemoveAll(task => task.IsCompleted);
        }
        Interlocked.Add(ref _bytesInFlight, bytes);
        _sends.Add(RelaySendAsync(send, bytes));
    }

    private async Task RelaySendAsync(Func<Task> send, long bytes)
    {
        try
        {
            await send().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Fail(e is OperationCanceledException && _context.Cancellation.IsCancellationRequested ? new OperationCanceledException(_context.Cancellation) : e);
        }
        finally
        {
            Interlocked.Add(ref _bytesInFlight, -bytes);
        }
    }

    /// <summary>Waits for every relayed send: the worker's last messages must have left before the session ends.</summary>
    private Task SendsFinishedAsync() => Task.WhenAll(_sends);
}
