namespace Mpc.Net.Tests;

public class SessionReplyWireTests
{
    [Fact]
    public void ASessionReplyCarriesThePartysPeerTimeoutToTheAnalyst()
    {
        var reply = Assert.IsType<SessionReply>(ControlCodec.Decode(ControlCodec.Encode(new SessionReply { Accepted = true, ProtocolId = "p", PeerTimeoutMilliseconds = 45_000 }), "hospital-a"));
        Assert.Equal((true, "p", 45_000L), (reply.Accepted, reply.ProtocolId, reply.PeerTimeoutMilliseconds));
    }

    [Fact]
    public void AnEarlierVersionsReplyWithoutAPeerTimeoutReadsAsNoneStated()
    {
        // [1, [true, nil, "p"]]: the union tag of SessionReply and the three fields earlier versions send.
        byte[] earlier = [0x92, 0x01, 0x93, 0xc3, 0xc0, 0xa1, (byte)'p'];
        var reply = Assert.IsType<SessionReply>(ControlCodec.Decode(earlier, "hospital-a"));
        Assert.Equal((true, "p", 0L), (reply.Accepted, reply.ProtocolId, reply.PeerTimeoutMilliseconds));
    }
}
