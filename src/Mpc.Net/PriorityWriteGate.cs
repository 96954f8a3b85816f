namespace Mpc.Net;

/// <summary>
/// The write lock of a connection, handed on to a waiting urgent writer before any background one: a protocol round's small
/// frame then waits for at most the piece being written, not for every preprocessing piece queued before it.
/// </summary>
internal sealed class PriorityWriteGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _urgent = new();
    private readonly LinkedList<TaskCompletionSource> _background = new();
    private bool _held;

    /// <summary>Waits until this writer holds the gate; the caller then calls <see cref="Exit"/> exactly once.</summary>
    public async ValueTask EnterAsync(bool urgent, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return;
            }
            node = (urgent ? _urgent : _background).AddLast(waiter);
        }
        // A waiter cancelled before the gate reached it leaves its queue; one the gate reached already holds it.
        await using var registration = cancellationToken.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is null) return;
                node.List.Remove(node);
            }
            waiter.TrySetCanceled(cancellationToken);
        }).ConfigureAwait(false);
        await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>Hands the gate to the first urgent waiter, else to the first background one, else frees it.</summary>
    public void Exit()
    {
        TaskCompletionSource next;
        lock (_lock)
        {
            var queue = _urgent.Count > 0 ? _urgent : _background.Count > 0 ? _background : null;
            if (queue is null)
            {
                _held = false;
                return;
            }
            next = queue.First!.Value;
            queue.RemoveFirst();
        }
        next.SetResult();
    }
}
