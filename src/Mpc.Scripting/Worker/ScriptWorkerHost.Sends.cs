namespace Mpc.Scripting.Worker;

/// <summary>
/// The worker's sends to the peers, relayed without holding up the relay: a connection holds a send for as long as its bytes
/// take to leave, so awaiting each in turn kept the other peers' links idle and the worker's receive requests unread behind it.
/// </summary>
internal sealed partial class ScriptWorkerHost
{
    // What the daemon holds for the worker's sends still under way: past it, the relay waits for some to finish, so a worker
    // cannot make the daemon buffer without bound (one frame may exceed it, as one frame may be that large).
    internal const long DefaultMaxBytesInFlight = 256L << 20;
    // A send under way holds the daemon's own objects whatever its length (its tasks, its place in a connection's queue, about
    // a kilobyte): each is counted this much more, so a worker's empty sends cannot make the daemon hold millions of them
    // (at most 65,536 sends at once).
    internal const long SendChargeBytes = 4 << 10;

    /// <summary>The cap on the relayed sends' bytes in flight (tests lower it to reach it with fewer sends).</summary>
    internal long MaxBytesInFlight { get; init; } = DefaultMaxBytesInFlight;
    private readonly Lock _sendsLock = new();
    private long _bytesInFlight;
    private int _sendsInFlight;
    // Completed (and cleared) when a send ends; the relay loop waits on it for room, or on Done for the last send.
    private TaskCompletionSource? _sendEnded;

    /// <summary>Starts a relayed send (its bytes counted until it ends); a failed send fails the session as a failed receive does.</summary>
    private async ValueTask StartSendAsync(Func<Task> send, long bytes)
    {
        long charge = bytes + SendChargeBytes;
        while (SendEnded(admit: charge) is { } ended) await ended.ConfigureAwait(false);
        _ = RelaySendAsync(send, charge);
    }

    // Null when there is room (and then the send is counted), or when no send is under way for Done; else a task that ends with the next send.
    private Task? SendEnded(long admit)
    {
        lock (_sendsLock)
        {
            bool room = admit > 0 ? _bytesInFlight <= MaxBytesInFlight || _sendsInFlight == 0 : _sendsInFlight == 0;
            if (room)
            {
                if (admit > 0)
                {
                    _bytesInFlight += admit;
                    _sendsInFlight++;
                }
                return null;
            }
            return (_sendEnded ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    private async Task RelaySendAsync(Func<Task> send, long charge)
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
            TaskCompletionSource? ended;
            lock (_sendsLock)
            {
                _bytesInFlight -= charge;
                _sendsInFlight--;
                ended = _sendEnded;
                _sendEnded = null;
            }
            ended?.TrySetResult();
        }
    }

    /// <summary>Waits for every relayed send: the worker's last messages must have left before the session ends.</summary>
    private async Task SendsFinishedAsync()
    {
        while (SendEnded(admit: 0) is { } ended) await ended.ConfigureAwait(false);
    }
}
