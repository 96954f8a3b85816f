using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mpc.Net;

namespace Mpc.Federation.Sessions;

/// <summary>
/// The session set-up between the analyst and each party, both sides in one place. All messages are control frames
/// of the session (tag 0), MessagePack unions (<see cref="ControlMessage"/>):
/// <list type="number">
/// <item>analyst to party: <c>SessionRequest [0, [protocol, {parameters}, rosterHash, preprocessing, ringBits, scriptSource]]</c>,
/// capped at the daemon's request size;</item>
/// <item>party to analyst: <c>SessionReply [1, [accepted, reason, protocolId, peerTimeoutMs]]</c> (the
/// party's wait on a silent peer; absent from earlier versions);</item>
/// <item>analyst to every party once all accepted: <c>SessionStart [2, [timeoutMs]]</c>, or <c>SessionCancel [3, [reason]]</c>
/// when any refused; after its request an analyst may send only these, capped at the daemon's hello size.</item>
/// </list>
/// The parties then connect to each other (<see cref="PeerMesh"/>), and each ends with <c>SessionEnd</c>.
/// </summary>
internal static class SessionHandshake
{
    /// <summary>Other parties may be compiling a script before they answer the analyst.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The longest peer timeout a party may configure (PartyOptionsValidator): a larger stated one is a hostile party's.</summary>
    public static readonly TimeSpan MaxPeerTimeout = TimeSpan.FromHours(1);

    // ---- The analyst's side ----

    /// <summary>
    /// Proposes the session to every party (connections filled by party index); when any refuses, cancels it at all and
    /// throws <see cref="SessionRefusedException"/> naming each refusal in roster order. Returns the longest peer timeout a
    /// party stated (capped at <see cref="MaxPeerTimeout"/>; zero when none stated one).
    /// </summary>
    public static async Task<TimeSpan> ProposeAsync(Guid sessionId, IReadOnlyList<RosterMember> parties, Func<RosterMember, CancellationToken, Task<FramedConnection>> connect,
        Func<int, SessionRequest> request, string? expectedProtocolId, TimeSpan setupTimeout, FramedConnection?[] connections, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var refusals = new ConcurrentBag<(int Index, string Party, string Reason)>();
        var peerTimeouts = new ConcurrentBag<long>();
        await Task.WhenAll(parties.Select(party => Task.Run(async () =>
        {
            try
            {
                var connection = await connect(party, cancellationToken).ConfigureAwait(false);
                connections[party.Index] = connection;
                await connection.SendAsync(sessionId, 0, FrameKind.Control, ControlCodec.Encode(request(party.Index)), cancellationToken).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(setupTimeout);
                var reply = ControlCodec.Expect<SessionReply>(await connection.ReadAsync(timeout.Token).ConfigureAwait(false), party.Name);
                if (!reply.Accepted) refusals.Add((party.Index, party.Name, AbortCauses.Cap(reply.Reason)));
                else if (expectedProtocolId is not null && reply.ProtocolId != expectedProtocolId) refusals.Add((party.Index, party.Name, $"it would run {reply.ProtocolId}, not {expectedProtocolId}"));
                else
                {
                    peerTimeouts.Add(Math.Clamp(reply.PeerTimeoutMilliseconds, 0, (long)MaxPeerTimeout.TotalMilliseconds));
                    progress?.Report($"{party.Name} accepted");
                }
            }
            catch (Exception e) when (e is IOException or PeerAuthenticationException or FrameFormatException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                refusals.Add((party.Index, party.Name, e is OperationCanceledException ? $"no answer within {setupTimeout.TotalSeconds:0} s" : e.Message));
            }
        }, cancellationToken))).ConfigureAwait(false);
        if (refusals.IsEmpty) return TimeSpan.FromMilliseconds(peerTimeouts.DefaultIfEmpty(0).Max());
        var cancel = ControlCodec.Encode(new SessionCancel { Reason = "refused by " + string.Join(", ", refusals.Select(r => r.Party)) });
        foreach (var connection in connections)
        {
            try
            {
                if (connection is not null) await connection.SendAsync(sessionId, 0, FrameKind.Control, cancel, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
            }
        }
        throw new SessionRefusedException(refusals.OrderBy(r => r.Index).Select(r => (r.Party, r.Reason)).ToList());
    }

    /// <summary>Every party accepted: tells them all to start.</summary>
    public static async Task StartAsync(Guid sessionId, IEnumerable<FramedConnection> connections, CancellationToken cancellationToken)
    {
        var start = ControlCodec.Encode(new SessionStart());
        await Task.WhenAll(connections.Select(c => c.SendAsync(sessionId, 0, FrameKind.Control, start, cancellationToken).AsTask())).ConfigureAwait(false);
    }

    // ---- The party's side ----

    /// <summary>Sends the analyst a reply or the session's end; an analyst already gone is logged, not thrown.</summary>
    public static async Task ReplyAsync(FramedConnection analyst, Guid sessionId, ControlMessage message, ILogger logger)
    {
        try
        {
            await analyst.SendAsync(sessionId, 0, FrameKind.Control, ControlCodec.Encode(message), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            logger.LogWarning(DaemonEvents.AnalystDisconnected, "Session {Session}: could not reach the analyst: {Reason}", sessionId, e.Message);
        }
    }

    /// <summary>Waits for the analyst's SessionStart; false when it cancelled or closed the connection.</summary>
    public static async Task<bool> WaitForStartAsync(FramedConnection analyst, string analystName, Guid sessionId, ILogger logger, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        var frame = await analyst.ReadAsync(timeout.Token).ConfigureAwait(false);
        if (frame is null) return false;
        switch (ControlCodec.Decode(frame.Payload, analystName))
        {
            case SessionCancel cancel:
                logger.LogInformation(DaemonEvents.SessionCancelled, "Session {Session}: cancelled by {Analyst}: {Reason}", sessionId, analystName, AbortCauses.Cap(cancel.Reason));
                return false;
            case SessionStart:
                return true;
            case var other:
                throw new FrameFormatException(FederationErrors.ExpectedSessionStart(analystName, other.GetType().Name));
        }
    }
}
