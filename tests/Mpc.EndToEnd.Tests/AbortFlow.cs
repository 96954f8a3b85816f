using Mpc.Federation.Sessions;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

/// <summary>An abort as it travels: an honest party's report and notice built as PartySession builds them, read through the wire codec as the analyst and peers read them.</summary>
internal static class AbortFlow
{
    /// <summary>
    /// What an honest party tells the analyst once its channel failed with this exception: PartySession.Describe's case for a
    /// ProtocolAbortedException (message, blamed party, cause, the peer it passes on), sent as a SessionEnd and read by the analyst.
    /// </summary>
    public static PartyFailure HonestReport(string self, ProtocolAbortedException channelFailure, IReadOnlyCollection<string> roster) =>
        PartyFailure.Reported(self, RoundTrip(HonestEnd(self, channelFailure)), roster);

    public static SessionEnd HonestEnd(string self, ProtocolAbortedException channelFailure) => new()
    {
        Completed = false, Reason = channelFailure.Message, FailedParty = channelFailure.PartyName, Cause = AbortCauses.ToWire(channelFailure.Cause),
        Origin = channelFailure.RelayedFrom ?? self,
    };

    /// <summary>The notice an honest party sends every peer after this failure, as TlsPartyChannel.NotifyAbortAsync builds it.</summary>
    public static AbortNotice HonestNotice(string self, ProtocolAbortedException channelFailure) => new()
    {
        Reason = channelFailure.Message, FailedParty = channelFailure.PartyName, Cause = AbortCauses.ToWire(channelFailure.Cause),
        Origin = channelFailure.RelayedFrom ?? self,
    };

    public static TMessage RoundTrip<TMessage>(TMessage message) where TMessage : ControlMessage =>
        Assert.IsType<TMessage>(ControlCodec.Decode(ControlCodec.Encode(message), "peer"));
}
