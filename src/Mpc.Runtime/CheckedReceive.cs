using Mpc.Core;

namespace Mpc.Runtime;

/// <summary>
/// Receiving a block of a known number of elements from a peer: a block of any other size is a
/// <see cref="ProtocolAbortedException"/> naming the peer, never a decoding error further on.
/// </summary>
internal static class CheckedReceive
{
    /// <summary>The raw block of <paramref name="count"/> elements of <typeparamref name="TElement"/>; the caller hands it back.</summary>
    public static async Task<byte[]> BlockAsync<TElement>(IPartyChannel channel, int peer, long tag, int count, CancellationToken cancellationToken)
        where TElement : unmanaged
    {
        var received = await channel.ReceiveAsync(peer, tag, cancellationToken).ConfigureAwait(false);
        int expected = RingCodec.ByteLength<TElement>(count);
        if (received.Length == expected) return received;
        channel.Release(received);
        throw new ProtocolAbortedException(ErrorMessages.PayloadSize(peer, tag, expected, received.Length), channel.GetPartyName(peer));
    }

    /// <summary>The block decoded; its buffer is handed back to the channel.</summary>
    public static async Task<TElement[]> ElementsAsync<TElement>(IPartyChannel channel, int peer, long tag, int count, CancellationToken cancellationToken)
        where TElement : unmanaged
    {
        var received = await BlockAsync<TElement>(channel, peer, tag, count, cancellationToken).ConfigureAwait(false);
        var elements = RingCodec.Decode<TElement>(received, count);
        channel.Release(received);
        return elements;
    }
}
