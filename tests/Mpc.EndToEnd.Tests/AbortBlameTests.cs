using Mpc.Federation.Sessions;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

public class AbortBlameTests
{
    private static readonly Guid Session = Guid.NewGuid();

    [Fact]
    public void APartyThatFailedOnItsOwnAccountIsNamedWhateverItsReasonSays()
    {
        var error = AbortBlame.Decide(Session,
        [
            new("hospital-a", "hospital-a failed: column 'age' is missing.", "hospital-a", AbortCause.DataRefused),
            new("hospital-b", "hospital-b closed the connection before the session ended.", "hospital-b", AbortCause.PeerFailed),
            // The text names a closed connection, the cause says the data: the cause decides.
            new("hospital-c", "hospital-c failed: no column 'closed the connection'.", "hospital-c", AbortCause.DataRefused),
        ], 3);
        Assert.Equal($"Session {Session} aborted, caused by hospital-a, hospital-c: hospital-a failed: column 'age' is missing.; hospital-c failed: no column 'closed the connection'.", error.Message);
        Assert.Equal(("hospital-a", AbortCause.DataRefused), (error.PartyName, error.Cause));
    }

    [Fact]
    public void APartyThatLostItsConnectionIsNotACauseBesideOneThatFailed()
    {
        var error = AbortBlame.Decide(Session,
        [
            new("hospital-a", "hospital-a failed: internal error (see its log).", "hospital-a", AbortCause.InternalError),
            PartyFailure.Seen("hospital-b", "the connection broke", AbortCause.PeerFailed),
            new("hospital-c", "Session aborted by hospital-a: hospital-a failed: internal error (see its log).", "hospital-a", AbortCause.InternalError, RelayedFrom: "hospital-a"),
        ], 3);
        Assert.Equal(("hospital-a", AbortCause.InternalError), (error.PartyName, error.Cause));
        Assert.Equal($"Session {Session} aborted, caused by hospital-a: Session aborted by hospital-a: hospital-a failed: internal error (see its log).", error.Message);
    }

    [Fact]
    public void APartyShuttingDownIsTheCauseEvenWhenThePeersSawOnlyBrokenConnections()
    {
        var error = AbortBlame.Decide(Session,
        [
            new("hospital-b", "Session aborted: party hospital-c failed: the connection broke.", "hospital-c", AbortCause.PeerFailed),
            new("hospital-a", "hospital-a is shutting down.", "hospital-a", AbortCause.Shutdown),
            new("hospital-c", "Session aborted: party hospital-a failed: the connection broke.", "hospital-a", AbortCause.PeerFailed),
        ], 3);
        Assert.Equal(("hospital-a", AbortCause.Shutdown), (error.PartyName, error.Cause));
        Assert.Equal($"Session {Session} aborted, caused by hospital-a: hospital-a is shutting down.", error.Message);
    }

    [Fact]
    public void WithoutAnOwnFaultThePartyOthersBlameIsTheCauseWithTheirExplanation()
    {
        var error = AbortBlame.Decide(Session,
        [
            new("hospital-a", "hospital-a: its peer is gone", "hospital-a", AbortCause.Unspecified),
            new("hospital-b", "hospital-c failed: it did not answer within 30 s.", "hospital-c", AbortCause.PeerTimedOut),
            PartyFailure.Seen("hospital-c", "hospital-c closed the connection before the session ended.", AbortCause.PeerFailed),
        ], 3);
        Assert.Equal(("hospital-c", AbortCause.PeerTimedOut), (error.PartyName, error.Cause));
        Assert.EndsWith("caused by hospital-c: hospital-c failed: it did not answer within 30 s.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAbortBlamingNoOneNamesNoParty()
    {
        var error = AbortBlame.Decide(Session, [new("hospital-a", "hospital-a: a reveal was refused.", null, AbortCause.RevealRefused)], 3);
        Assert.Null(error.PartyName);
        Assert.Equal($"Session {Session} aborted: hospital-a: a reveal was refused.", error.Message);
    }
}
