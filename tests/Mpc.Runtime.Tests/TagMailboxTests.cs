namespace Mpc.Runtime.Tests;

public sealed class TagMailboxTests
{
    private static readonly string[] Names = ["hospital-a", "hospital-b", "hospital-c"];

    private static TagMailbox Mailbox(long cap = long.MaxValue) => new(Names, TimeSpan.FromMinutes(5), cap);

    [Fact]
    public async Task AMessageThatArrivesEarlyWaitsForItsReceiveAndALateOneCompletesTheWaitingReceive()
    {
        var mailbox = Mailbox();
        Assert.Null(mailbox.TryDeliver(1, 7, [1, 2, 3]));
        Assert.Equal(new byte[] { 1, 2, 3 }, await mailbox.ReceiveAsync(1, 7, CancellationToken.None));
        var waiting = mailbox.ReceiveAsync(2, 8, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Null(mailbox.TryDeliver(2, 8, [4]));
        Assert.Equal(new byte[] { 4 }, await waiting);
    }

    [Fact]
    public void ARepeatedTagIsRefusedNamingItsSender()
    {
        var mailbox = Mailbox();
        Assert.Null(mailbox.TryDeliver(1, 7, [1]));
        // The same tag from another sender is another message.
        Assert.Null(mailbox.TryDeliver(2, 7, [1]));
        var problem = mailbox.TryDeliver(1, 7, [2]);
        Assert.NotNull(problem);
        Assert.Contains("hospital-b", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("hospital-c", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASenderCannotMakeThePartyHoldMoreUnreadBytesThanTheCap()
    {
        var mailbox = Mailbox(cap: 10);
        Assert.Null(mailbox.TryDeliver(1, 1, new byte[6]));
        // Another sender has its own allowance.
        Assert.Null(mailbox.TryDeliver(2, 1, new byte[6]));
        Assert.Contains("hospital-b", mailbox.TryDeliver(1, 2, new byte[6]), StringComparison.Ordinal);
        var fresh = Mailbox(cap: 10);
        Assert.Null(fresh.TryDeliver(1, 1, new byte[6]));
        await fresh.ReceiveAsync(1, 1, CancellationToken.None);
        // What was read no longer counts.
        Assert.Null(fresh.TryDeliver(1, 2, new byte[6]));
    }

    [Fact]
    public async Task AClosedSenderFailsOnlyTheReceivesWaitingOnItAndWhatItSentStaysReadable()
    {
        var mailbox = Mailbox();
        Assert.Null(mailbox.TryDeliver(1, 1, [9]));
        var fromB = mailbox.ReceiveAsync(1, 2, CancellationToken.None).AsTask();
        var fromC = mailbox.ReceiveAsync(2, 2, CancellationToken.None).AsTask();
        var closed = new ProtocolAbortedException("hospital-b closed the connection.", "hospital-b");
        mailbox.Close(1, closed);
        Assert.Same(closed, await Assert.ThrowsAsync<ProtocolAbortedException>(() => fromB));
        Assert.Same(closed, await Assert.ThrowsAsync<ProtocolAbortedException>(() => mailbox.ReceiveAsync(1, 3, CancellationToken.None).AsTask()));
        Assert.Equal(new byte[] { 9 }, await mailbox.ReceiveAsync(1, 1, CancellationToken.None));
        Assert.False(fromC.IsCompleted);
        Assert.Null(mailbox.Failure);
        Assert.Null(mailbox.TryDeliver(2, 2, [5]));
        Assert.Equal(new byte[] { 5 }, await fromC);
    }

    [Fact]
    public async Task AFailureFailsEveryPendingAndFutureReceiveWithTheFirstCause()
    {
        var mailbox = Mailbox();
        var pending = mailbox.ReceiveAsync(2, 1, CancellationToken.None).AsTask();
        var first = new ProtocolAbortedException("Session aborted by hospital-c.", "hospital-c");
        Assert.Same(first, mailbox.Fail(first));
        Assert.Same(first, mailbox.Fail(new ProtocolAbortedException("later", "hospital-b")));
        Assert.Same(first, mailbox.Failure);
        Assert.Same(first, await Assert.ThrowsAsync<ProtocolAbortedException>(() => pending));
        Assert.Same(first, await Assert.ThrowsAsync<ProtocolAbortedException>(() => mailbox.ReceiveAsync(1, 9, CancellationToken.None).AsTask()));
        // A message for a receive that failed is dropped, not reported as a repeated tag.
        Assert.Null(mailbox.TryDeliver(2, 1, [1]));
    }

    [Fact]
    public async Task AReceiveThatTimesOutFailsTheSessionNamingTheSilentSender()
    {
        var mailbox = new TagMailbox(Names, TimeSpan.FromMilliseconds(1));
        var other = mailbox.ReceiveAsync(1, 5, CancellationToken.None).AsTask();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => mailbox.ReceiveAsync(2, 5, CancellationToken.None).AsTask());
        Assert.Contains(error.PartyName, new[] { "hospital-b", "hospital-c" });
        Assert.Same(mailbox.Failure, await Assert.ThrowsAsync<ProtocolAbortedException>(() => other));
    }
}
