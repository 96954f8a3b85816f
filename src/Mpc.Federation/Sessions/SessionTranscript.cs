using Mpc.Audit;
using Mpc.Federation.Protocols;
using Mpc.Net;

namespace Mpc.Federation.Sessions;

/// <summary>A session's signed transcript at this party: its header, every frame sent and received, and the chain it ends into.</summary>
internal static class SessionTranscript
{
    /// <summary>Opens the transcript once the peers are connected (null: the party keeps none).</summary>
    public static TranscriptWriter? Open(Guid session, PartySettings party, AdmittedSession admitted, PartyCredentials credentials, RosterMember analyst,
        FramedConnection analystConnection, FramedConnection?[] connections, DateTimeOffset started)
    {
        if (party.Configuration.TranscriptDirectory is not { } directory) return null;
        // The keys actually presented in the handshakes: during a rotation a member may still use its previous key.
        var peerKeys = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < connections.Length; i++)
            if (connections[i]?.PresentedKey is { } key) peerKeys[party.Roster.Parties[i].Name] = key;
        var protocol = admitted.Protocol;
        var header = new TranscriptHeader(session, party.Self.Name, party.Roster.Hash, protocol.Name, protocol.Id, admitted.Parameters.Values, admitted.ParametersHash,
            protocol.Outputs.Where(o => o.Kind != OutputKind.Derived).Select(o => o.Name).ToList(), Runtime.PreprocessingEngines.Name(admitted.Preprocessing),
            protocol.Format.RingBits, protocol.Format.FractionalBits, "mpc " + typeof(SessionTranscript).Assembly.GetName().Version, credentials.Certificate.ExportCertificatePem(),
            analyst.Name, analystConnection.PresentedKey ?? analyst.PublicKey, started)
        {
            PeerKeys = peerKeys,
            OutputKinds = protocol.Outputs.Where(o => o.Kind != OutputKind.Derived).ToDictionary(o => o.Name, o => o.Kind.ToString(), StringComparer.Ordinal),
            PrivateKinds = [.. Enum.GetValues<OutputKind>().Where(DeclaredOutputsPolicy.Noises).Select(k => k.ToString())],
        };
        return new TranscriptWriter(Path.Combine(directory, $"{session}.{party.Self.Name}.transcript.jsonl"), header);
    }

    /// <summary>This party's transcripts, linked across sessions in the order they end.</summary>
    public static TranscriptChain? Chain(PartySettings party) =>
        party.Configuration.TranscriptDirectory is { } directory ? new TranscriptChain(directory, party.Self.Name) : null;

    /// <summary>Records each protocol frame in the transcript as it is sent or received.</summary>
    public sealed class Observer(TranscriptWriter transcript, IReadOnlyList<string> names) : IFrameObserver
    {
        public void OnSent(int peer, long tag, ReadOnlySpan<byte> payload) => transcript.Sent(names[peer], tag, payload);

        public void OnReceived(int peer, long tag, ReadOnlySpan<byte> payload) => transcript.Received(names[peer], tag, payload);
    }
}
