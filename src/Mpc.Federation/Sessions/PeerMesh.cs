using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Mpc.Core;
using Mpc.Net;
using Mpc.Runtime;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Federation.Sessions;

/// <summary>
/// An admitted session's connections to its peers, both sides of the peer handshake, and the seeds agreed on them.
/// </summary>
/// <remarks>
/// Party i dials every party j &lt; i (so each pair has exactly one connection) and sends, in a control frame
/// of the session, <c>PeerHello [4, [partyName, rosterHash, protocolId, parametersHash, pairSeed(16 bytes)]]</c>;
/// j checks it against its own session and the TLS identity and answers <c>PeerReply [5, [accepted, reason]]</c>.
/// Until then a peer's frames are capped at the daemon's hello size. In dealer mode party 0 then sends each
/// party <c>DealerSeedMessage [10, [seed(16 bytes)]]</c>.
/// </remarks>
internal sealed class PeerMesh : IAsyncDisposable
{
    private readonly PartySettings _party;
    private readonly SessionServices _services;
    private readonly AdmittedSession _admitted;
    private readonly CancellationToken _cancel;
    private readonly Dictionary<int, TaskCompletionSource<(FramedConnection Connection, PeerHello Hello)>> _incoming = [];
    // Connections not yet handed to the session's channel: closed with the session.
    private readonly List<FramedConnection> _orphans = [];

    public PeerMesh(Guid sessionId, PartySettings party, SessionServices services, AdmittedSession admitted, CancellationToken cancel)
    {
        SessionId = sessionId;
        _party = party;
        _services = services;
        _admitted = admitted;
        _cancel = cancel;
        for (int j = party.Self.Index + 1; j < party.Roster.Parties.Count; j++)
            _incoming[j] = new TaskCompletionSource<(FramedConnection, PeerHello)>(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Guid SessionId { get; }

    private RosterMember Self => _party.Self;

    /// <summary>The accepting side: a peer dialed in for this session; returns whether the connection now belongs to the session.</summary>
    public async Task<bool> AttachAsync(RosterMember peer, FramedConnection connection, PeerHello hello)
    {
        string? problem = null;
        if (hello.PartyName != peer.Name) problem = $"party name mismatch: the key of {peer.Name} introduced itself as '{hello.PartyName}'";
        else if (!_incoming.ContainsKey(peer.Index)) problem = $"{peer.Name} is not expected to dial {Self.Name} (parties dial those before them in the roster)";
        else if (hello.RosterHash != _party.Roster.Hash) problem = $"{peer.Name} has a different roster ({hello.RosterHash[..Math.Min(16, hello.RosterHash.Length)]} vs {_party.Roster.Hash[..16]})";
        else if (hello.ProtocolId != _admitted.Protocol.Id) problem = $"{peer.Name} runs protocol {hello.ProtocolId}, {Self.Name} runs {_admitted.Protocol.Id}";
        else if (hello.ParametersHash != _admitted.ParametersHash) problem = $"{peer.Name} runs with different parameters";
        else if (hello.PairSeed.Length != AesCtrRandom.SeedLength) problem = $"{peer.Name} sent a pair seed of {hello.PairSeed.Length} bytes";
        await connection.SendAsync(SessionId, 0, FrameKind.Control, ControlCodec.Encode(new PeerReply { Accepted = problem is null, Reason = problem }), _cancel).ConfigureAwait(false);
        if (problem is not null)
        {
            _services.Logger.LogWarning(DaemonEvents.PeerRefused, "Session {Session}: refused peer {Peer}: {Reason}", SessionId, peer.Name, problem);
            if (_incoming.TryGetValue(peer.Index, out var pending))
                pending.TrySetException(new ProtocolAbortedException($"Session aborted: {problem}.", peer.Name, cause: AbortCause.PeerRefused));
            return false;
        }
        if (!_incoming[peer.Index].TrySetResult((connection, hello))) return false;
        // Admitted: protocol frames may now be as large as the cap allows.
        connection.ReceiveLimit = connection.MaxPayloadBytes;
        return true;
    }

    /// <summary>Dials the parties before this one and waits for those after it; the connections by party index (null at this party's own).</summary>
    public async Task<(FramedConnection?[] Connections, PairwiseSeeds Seeds)> ConnectAsync()
    {
        var parties = _party.Roster.Parties;
        var connections = new FramedConnection?[parties.Count];
        var seeds = new byte[]?[parties.Count];
        var dials = new List<Task>();
        for (int j = 0; j < Self.Index; j++)
        {
            int peer = j;
            dials.Add(Task.Run(async () => (connections[peer], seeds[peer]) = await DialAsync(parties[peer]).ConfigureAwait(false)));
        }
        foreach (var (peer, pending) in _incoming)
        {
            dials.Add(Task.Run(async () =>
            {
                try
                {
                    var (connection, hello) = await pending.Task.WaitAsync(_services.HandshakeTimeout, _cancel).ConfigureAwait(false);
                    lock (_orphans) _orphans.Add(connection);
                    connections[peer] = connection;
                    seeds[peer] = hello.PairSeed;
                }
                catch (TimeoutException)
                {
                    throw new ProtocolAbortedException(ErrorMessages.PartyTimedOut(parties[peer].Name, _services.HandshakeTimeout), parties[peer].Name, cause: AbortCause.PeerTimedOut);
                }
            }));
        }
        try
        {
            await Task.WhenAll(dials).ConfigureAwait(false);
        }
        catch
        {
            // Report the most telling failure: a named party beats a generic one.
            var failures = dials.Where(d => d.Exception is not null).SelectMany(d => d.Exception?.InnerExceptions ?? []).ToList();
            throw failures.OfType<ProtocolAbortedException>().FirstOrDefault(f => f.PartyName is not null) ?? failures.First();
        }
        lock (_orphans) _orphans.Clear();
        return (connections, new PairwiseSeeds(Self.Index, seeds));
    }

    // The dialing side: hello with a fresh pair seed, then the peer's reply.
    private async Task<(FramedConnection Connection, byte[] Seed)> DialAsync(RosterMember target)
    {
        var stream = await TlsConnector.ConnectAsync(target, _services.Credentials, _services.Logger, _services.HandshakeTimeout, _cancel, _services.Clock).ConfigureAwait(false);
        // Until the peer accepts, only its small PeerReply is expected.
        var connection = new FramedConnection(_services.PeerStream(stream), target.Name) { ReceiveLimit = _services.PeerHelloBytes, PresentedKey = TlsConnector.PresentedKey(stream) };
        lock (_orphans) _orphans.Add(connection);
        var seed = AesCtrRandom.NewSeed();
        var hello = new PeerHello { PartyName = Self.Name, RosterHash = _party.Roster.Hash, ProtocolId = _admitted.Protocol.Id, ParametersHash = _admitted.ParametersHash, PairSeed = seed };
        await connection.SendAsync(SessionId, 0, FrameKind.Control, ControlCodec.Encode(hello), _cancel).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancel);
        timeout.CancelAfter(_services.HandshakeTimeout);
        var reply = ControlCodec.Expect<PeerReply>(await connection.ReadAsync(timeout.Token).ConfigureAwait(false), target.Name);
        if (!reply.Accepted) throw new ProtocolAbortedException(FederationErrors.PeerRefused(target.Name, Self.Name, AbortCauses.Cap(reply.Reason)), target.Name, cause: AbortCause.PeerRefused);
        connection.ReceiveLimit = connection.MaxPayloadBytes;
        return (connection, seed);
    }

    /// <summary>Trusted-dealer mode: party 0 draws the dealer secret and sends party i the seed of i's share stream; returns this party's material.</summary>
    public async Task<byte[]> ExchangeDealerSeedsAsync(FramedConnection?[] connections)
    {
        if (Self.Index == 0)
        {
            var secret = RandomNumberGenerator.GetBytes(AesCtrRandom.SeedLength);
            for (int j = 1; j < connections.Length; j++)
            {
                var seed = DealerPreprocessing<ulong>.PartySeed(secret, j);
                await Connection(connections, j).SendAsync(SessionId, 0, FrameKind.Control, ControlCodec.Encode(new DealerSeedMessage { Seed = seed }), _cancel).ConfigureAwait(false);
            }
            return secret;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancel);
        timeout.CancelAfter(_services.HandshakeTimeout);
        string dealer = _party.Roster.Parties[0].Name;
        var message = ControlCodec.Expect<DealerSeedMessage>(await Connection(connections, 0).ReadAsync(timeout.Token).ConfigureAwait(false), dealer);
        if (message.Seed.Length != AesCtrRandom.SeedLength)
            throw new ProtocolAbortedException(FederationErrors.DealerSeedLength(dealer, message.Seed.Length), dealer, cause: AbortCause.ProtocolViolation);
        return message.Seed;
    }

    private static FramedConnection Connection(FramedConnection?[] connections, int peer) =>
        connections[peer] ?? throw new InvalidOperationException(FederationErrors.NoConnectionToParty(peer));

    public async ValueTask DisposeAsync()
    {
        List<FramedConnection> orphans;
        lock (_orphans) orphans = [.. _orphans];
        foreach (var orphan in orphans) await orphan.DisposeAsync().ConfigureAwait(false);
    }
}
