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
            return MessagePackSerializer.Deserialize<ControlMessage>(payload, Options) ?? throw new FrameFormatException(NetErrors.ControlMessageEmpty(peerName));
        }
        catch (MessagePackSerializationException e)
        {
            throw new FrameFormatException(NetErrors.ControlMessageMalformed(peerName, e.Message), e);
        }
    }

    /// <summary>Decodes and checks the expected type, naming what arrived instead.</summary>
    public static TMessage Expect<TMessage>(Frame? frame, string peerName) where TMessage : ControlMessage
    {
        if (frame is null) throw new IOException(NetErrors.ClosedWhileExpecting(peerName, typeof(TMessage).Name));
        if (frame.Kind != FrameKind.Control) throw new FrameFormatException(NetErrors.DataFrameWhileExpecting(peerName, typeof(TMessage).Name));
        var message = Decode(frame.Payload, peerName);
        if (message is AbortNotice abort) throw AbortCauses.ToException(abort, peerName);
        return message as TMessage ?? throw new FrameFormatException(NetErrors.UnexpectedControlMessage(peerName, message.GetType().Name, typeof(TMessage).Name));
    }
}
