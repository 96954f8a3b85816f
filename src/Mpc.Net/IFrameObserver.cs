namespace Mpc.Net;

/// <summary>Sees every data frame a party's channel sends and receives (for transcripts).</summary>
public interface IFrameObserver
{
    void OnSent(int peer, long tag, ReadOnlySpan<byte> payload);

    void OnReceived(int peer, long tag, ReadOnlySpan<byte> payload);
}
