namespace Mpc.Runtime.Preprocessing;

/// <summary>A channel that counts the bytes sent through it, so preprocessing traffic is reported apart from the online phase's.</summary>
internal sealed class CountingChannel(IPartyChannel inner) : IPartyChannel
{
    private long _bytes;

    public long BytesSent => Interlocked.Read(ref _bytes);

    public int PartyIndex => inner.PartyIndex;

    public int PartyCount => inner.PartyCount;

    public string GetPartyName(int index) => inner.GetPartyName(index);

    public ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _bytes, payload.Length);
        return inner.SendAsync(peer, tag, payload, cancellationToken);
    }

    public ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken) => inner.ReceiveAsync(peer, tag, cancellationToken);

    public void Release(byte[] payload) => inner.Release(payload);
}
