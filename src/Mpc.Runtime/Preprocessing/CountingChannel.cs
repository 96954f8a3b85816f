namespace Mpc.Runtime.Preprocessing;

/// <summary>A channel that counts the bytes sent through it, so preprocessing traffic is reported apart from the online phase's.</summary>
internal sealed class CountingChannel(IPartyChannel inner) : IPartyChannel
{
    // Preprocessing tags carry their kind in bits 54..59 (PreprocessingTags.Of); bytes are also counted per kind.
    private readonly long[] _byKind = new long[64];
    private long _bytes;

    public long BytesSent => Interlocked.Read(ref _bytes);

    public int PartyIndex => inner.PartyIndex;

    public int PartyCount => inner.PartyCount;

    /// <summary>Bytes sent under preprocessing tags of one kind (the kind as <see cref="Ot.PreprocessingTags.Of"/> encodes it, ring bit included).</summary>
    public long BytesSentOfKind(int kind) => Interlocked.Read(ref _byKind[kind & 63]);

    public string GetPartyName(int index) => inner.GetPartyName(index);

    public ValueTask SendAsync(int peer, long tag, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _bytes, payload.Length);
        Interlocked.Add(ref _byKind[(int)((tag >> 54) & 63)], payload.Length);
        return inner.SendAsync(peer, tag, payload, cancellationToken);
    }

    public ValueTask<byte[]> ReceiveAsync(int peer, long tag, CancellationToken cancellationToken) => inner.ReceiveAsync(peer, tag, cancellationToken);

    public void Release(byte[] payload) => inner.Release(payload);
}
