using System.IO.Pipes;
using Mpc.Runtime;

namespace Mpc.Net.Tests;

public class AbortCauseTests
{
    [Fact]
    public void EveryAbortCauseRoundTripsThroughAnAbortNoticeAndASessionEnd()
    {
        foreach (var cause in Enum.GetValues<AbortCause>())
        {
            var notice = ControlCodec.Decode(ControlCodec.Encode(new AbortNotice { Reason = "r", FailedParty = "hospital-b", Cause = AbortCauses.ToWire(cause) }), "hospital-a");
            var error = AbortCauses.ToException(Assert.IsType<AbortNotice>(notice), "hospital-a");
            Assert.Equal((cause, "hospital-b"), (error.Cause, error.PartyName));
            var end = Assert.IsType<SessionEnd>(ControlCodec.Decode(ControlCodec.Encode(new SessionEnd { Reason = "r", FailedParty = "hospital-b", Cause = AbortCauses.ToWire(cause) }), "hospital-a"));
            Assert.Equal(cause, AbortCauses.FromWire(end.Cause));
        }
    }

    [Fact]
    public async Task APeersAbortNoticeFailsTheChannelWithItsCauseAndBlamesTheSenderForANameOutsideTheSessionOrTheReceiver()
    {
        var session = Guid.NewGuid();
        // The channel's parties are hospital-a (here) and hospital-b (the sender): hospital-c is nobody in this session.
        var error = await AbortThroughChannelAsync(session, new AbortNotice { Reason = "hospital-c failed: the column is missing.", FailedParty = "hospital-c", Cause = AbortCauses.ToWire(AbortCause.DataRefused) });
        Assert.Equal((AbortCause.DataRefused, "hospital-b"), (error.Cause, error.PartyName));
        var againstReceiver = await AbortThroughChannelAsync(Guid.NewGuid(), new AbortNotice { Reason = "hospital-a failed.", FailedParty = "hospital-a", Cause = AbortCauses.ToWire(AbortCause.DataRefused) });
        Assert.Equal("hospital-b", againstReceiver.PartyName);
        Assert.Equal("Session aborted by hospital-b: hospital-c failed: the column is missing.", error.Message);
    }

    [Fact]
    public async Task APeerSendingAnUnknownCauseAnOversizedReasonAndNoNameIsReadSafely()
    {
        var session = Guid.NewGuid();
        var error = await AbortThroughChannelAsync(session, new AbortNotice { Reason = new string('x', 1 << 20), FailedParty = "hospital-c\n" + new string('y', 500), Cause = 12345 });
        Assert.Equal(AbortCause.Unspecified, error.Cause);
        // A name with a line break and 500 more characters is no party's: the sender is blamed.
        Assert.Equal("hospital-b", error.PartyName);
        Assert.True(error.Message.Length < AbortCauses.MaxReasonChars + 100, $"message of {error.Message.Length} characters");
        Assert.EndsWith("(cut)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANoticeIsPassedOnAsRelayedFromTheConnectionItCameOverUnlessItAccusedTheReceiverFirstHand()
    {
        // hospital-b accuses hospital-a (the receiver) as its own observation: what hospital-a reports is what it saw itself.
        var accused = await AbortThroughChannelAsync(Guid.NewGuid(), new AbortNotice { Reason = "r", FailedParty = "hospital-a", Cause = AbortCauses.ToWire(AbortCause.ProtocolViolation), Origin = "hospital-b" });
        Assert.Equal(("hospital-b", (string?)null), (accused.PartyName, accused.RelayedFrom));
        // The same accusation claimed as another's is passed on as the sender's: a claimed origin is never believed.
        var claimed = await AbortThroughChannelAsync(Guid.NewGuid(), new AbortNotice { Reason = "r", FailedParty = "hospital-a", Cause = AbortCauses.ToWire(AbortCause.ProtocolViolation), Origin = "hospital-c" });
        Assert.Equal("hospital-b", claimed.RelayedFrom);
        // A notice about anyone else, even the sender's own fault, is passed on.
        var own = await AbortThroughChannelAsync(Guid.NewGuid(), new AbortNotice { Reason = "r", FailedParty = "hospital-b", Cause = AbortCauses.ToWire(AbortCause.DataRefused) });
        Assert.Equal("hospital-b", own.RelayedFrom);
    }

    [Fact]
    public void AReportsOriginIsItsOwnObservationWhenAbsentOrItselfAndARelayOtherwise()
    {
        string[] parties = ["hospital-a", "hospital-b", "hospital-c"];
        Assert.Null(AbortCauses.RelayedFrom(null, "hospital-a", parties));
        Assert.Null(AbortCauses.RelayedFrom("hospital-a", "hospital-a", parties));
        Assert.Equal("hospital-c", AbortCauses.RelayedFrom("hospital-c", "hospital-a", parties));
        Assert.Equal(AbortCauses.UnknownOrigin, AbortCauses.RelayedFrom("hospital-z", "hospital-a", parties));
        Assert.Equal(AbortCauses.UnknownOrigin, AbortCauses.RelayedFrom("hospital-c\n", "hospital-a"));
        var end = Assert.IsType<SessionEnd>(ControlCodec.Decode(ControlCodec.Encode(new SessionEnd { Origin = "hospital-c" }), "hospital-a"));
        var notice = Assert.IsType<AbortNotice>(ControlCodec.Decode(ControlCodec.Encode(new AbortNotice { Origin = "hospital-c" }), "hospital-a"));
        Assert.Equal(("hospital-c", "hospital-c"), (end.Origin, notice.Origin));
    }

    [Fact]
    public void ACauseBelowOrAboveTheKnownOnesIsUnspecified()
    {
        Assert.Equal(AbortCause.Unspecified, AbortCauses.FromWire(-1));
        Assert.Equal(AbortCause.Unspecified, AbortCauses.FromWire(int.MaxValue));
        Assert.Equal(AbortCause.Unspecified, AbortCauses.FromWire(Enum.GetValues<AbortCause>().Max(c => (int)c) + 1));
    }

    // Party 0's channel reads party 1's frames from a pipe; party 1 ("hospital-b") sends the notice as its first frame.
    private static async Task<ProtocolAbortedException> AbortThroughChannelAsync(Guid session, AbortNotice notice)
    {
        var server = new AnonymousPipeServerStream(PipeDirection.Out);
        var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        await using var peer = new FramedConnection(server, "hospital-a");
        var fromPeer = new FramedConnection(client, "hospital-b");
        await using var channel = new TlsPartyChannel(session, 0, ["hospital-a", "hospital-b"], [null, fromPeer], TimeSpan.FromMinutes(5));
        var sending = peer.SendAsync(session, 0, FrameKind.Control, ControlCodec.Encode(notice), default).AsTask();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(async () => await channel.ReceiveAsync(1, 7, default));
        await sending;
        return error;
    }
}
