using Mpc.Federation.Sessions;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// Attack on blame (attack4): one dishonest party tells the analyst an honest party failed, then stops sending while keeping
/// its connections open. The honest parties wait on it for their peer timeout (30 s by default), longer than the analyst's
/// grace after the first report (10 s by default), so the analyst records each of them as "seen" silent (AnalystClient).
/// </summary>
public class SilentAccuserAttackTests
{
    [Theory]
    [InlineData(4, true)]
    [InlineData(5, true)]
    [InlineData(7, true)]
    [InlineData(4, false)]
    public void OneSilentAccuserCannotMakeTheAnalystBlameAnHonestPartyThatIsStillWaitingOnIt(int parties, bool accuses)
    {
        var roster = Enumerable.Range(0, parties).Select(i => $"hospital-{(char)('a' + i)}").ToArray();
        string dishonest = roster[^1], framed = roster[0];
        var failures = new List<PartyFailure>
        {
            // The accuser's SessionEnd, claimed as its own observation.
            PartyFailure.Reported(dishonest, AbortFlow.RoundTrip(new SessionEnd
            {
                // Or no accusation at all: "the analyst cancelled", which is no fault of its own either.
                Reason = accuses ? $"{framed} stopped responding." : "The analyst disconnected.", FailedParty = accuses ? framed : null,
                Cause = (int)(accuses ? AbortCause.PeerTimedOut : AbortCause.Cancelled), Origin = dishonest,
            }), roster),
        };
        // Every honest party is still blocked on the accuser's next message when the analyst's wait runs out: AnalystClient's Silent entry.
        failures.AddRange(roster[..^1].Select(PartyFailure.Silent));
        var error = AbortBlame.Decide(Guid.NewGuid(), failures, parties);
        // Before the fix every honest party was blamed as its own fault (a silence past the grace counted as PeerTimedOut against itself).
        Assert.True(error.PartyName is null || error.PartyName == dishonest, $"{parties} parties, one dishonest ({dishonest}): {error.Message}");
        Assert.DoesNotContain($"caused by {framed}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(7)]
    public void OnceTheHonestPartiesTimeOutTheirFirstHandReportsNameTheSilentAccuser(int parties)
    {
        // What the analyst hears when it waits past the parties' peer timeout: each honest party's own timeout on the accuser.
        var roster = Enumerable.Range(0, parties).Select(i => $"hospital-{(char)('a' + i)}").ToArray();
        string dishonest = roster[^1];
        var failures = new List<PartyFailure>
        {
            PartyFailure.Reported(dishonest, AbortFlow.RoundTrip(new SessionEnd
            {
                Reason = $"{roster[0]} stopped responding.", FailedParty = roster[0], Cause = (int)AbortCause.PeerTimedOut, Origin = dishonest,
            }), roster),
        };
        failures.AddRange(roster[..^1].Select(p => PartyFailure.Reported(p, AbortFlow.RoundTrip(new SessionEnd
        {
            Reason = $"{dishonest} did not answer within 30 s.", FailedParty = dishonest, Cause = (int)AbortCause.PeerTimedOut, Origin = p,
        }), roster)));
        var error = AbortBlame.Decide(Guid.NewGuid(), failures, parties);
        Assert.Equal(dishonest, error.PartyName);
    }
}
