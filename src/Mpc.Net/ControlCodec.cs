using MessagePack;

namespace Mpc.Net;

/// <summary>MessagePack encoding of control messages, decoding with untrusted-data settings and a depth cap of 8.</summary>
public static class ControlCodec
{
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(8));

    public static byte[] Encode(ControlMessage message) => MessagePackSerializer.Serialize(message, Options);

    public static ControlMessage Decode(byte[] payload, string peerName)
    {
        try
        {
            return MessagePackSerializer.Deserialize<ControlMessage>(payload, Options) ?? throw new FrameFormatException($"{peerName} sent an empty control message.");
        }
        catch (MessagePackSerializationException e)
        {
            throw new FrameFormatException($"{peerName} sent a malformed control message: {e.Message}", e);
        }
    }

    /// <summary>Decodes and checks the expected type, naming what arrived instead.</summary>
    public static TMessage Expect<TMessage>(Frame? frame, string peerName) where TMessage : ControlMessage
    {
        if (frame is null) throw new IOException($"{peerName} closed the connection while {typeof(TMessage).Name} was expected.");
        if (frame.Kind != FrameKind.Control) throw new FrameFormatException($"{peerName} sent a data frame while {typeof(TMessage).Name} was expected.");
        var message = Decode(frame.Payload, peerName);
        if (message is AbortNotice abort) throw new Mpc.Runtime.ProtocolAbortedException(Mpc.Runtime.RuntimeErrors.AbortedBy(peerName, abort.Reason), abort.FailedParty ?? peerName);
        return message as TMessage ?? throw new FrameFormatException($"{peerName} sent {message.GetType().Name} while {typeof(TMessage).Name} was expected.");
    }
}
