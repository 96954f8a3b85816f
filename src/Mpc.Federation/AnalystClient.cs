using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mpc.Federation.Protocols;
using Mpc.Federation.Sessions;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Federation;

/// <summary>
/// The analyst's side of a session: checks the parameters, proposes the session to every party,
/// starts it when all accept, collects every party's output shares and reconstructs the outputs,
/// which only the analyst ever sees.
/// </summary>
public sealed class AnalystClient(Roster roster, PartyCredentials credentials, ProtocolCatalog catalog, ILogger logger)
{
    /// <summary>Time to connect, hand-shake and hear back from every party.</summary>
    public TimeSpan SetupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// After one party reports a failure, how long to wait for the others' reports beyond the longest peer timeout a party
    /// stated: an honest party still waiting on a silent peer reports when its own timeout ends.
    /// </summary>
    public TimeSpan AbortGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The engine the parties are asked to run: OT (dealer-free, the default), replicated (honest majority), or the dealer (parties refuse it unless configured for tests).</summary>
    public PreprocessingMode Preprocessing { get; init; } = PreprocessingMode.Ot;

    /// <summary>Tests only: an analyst asking for an engine by a name this version may not know, instead of <see cref="Preprocessing"/>.</summary>
    internal string? PreprocessingName { get; init; }

    /// <summary>The clock a key rotation's end is read from (tests set it; the roster's previous keys count until their date).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Tests only: a dishonest analyst that sends party i another script than the others (and skips its own consistency check).</summary>
    internal Func<int, string?, string?>? ScriptForParty { get; init; }

    /// <summary>Runs a built-in protocol by name.</summary>
    public Task<SessionResult> RunAsync(string protocolName, IReadOnlyDictionary<string, string> parameters, IProgress<string>? progress, CancellationToken cancellationToken) =>
        RunAsync(catalog.Get(protocolName), null, parameters, progress, cancellationToken);

    /// <summary>Runs a protocol; for a script, its text goes to the parties, which check its hash against their policy.</summary>
    public async Task<SessionResult> RunAsync(IProtocolDefinition protocol, string? scriptSource, IReadOnlyDictionary<string, string> parameters, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(parameters);
        var bound = ProtocolParameters.Bind(protocol.Parameters, parameters);
        CheckAnalystKey();
        var sessionId = Guid.NewGuid();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var parties = roster.Parties;
        var connections = new FramedConnection?[parties.Count];
        try
        {
            var peerTimeout = await ProposeAsync(sessionId, protocol, scriptSource, bound, connections, progress, cancellationToken).ConfigureAwait(false);
            await SessionHandshake.StartAsync(sessionId, connections.OfType<FramedConnection>(), cancellationToken).ConfigureAwait(false);
            progress?.Report($"session {sessionId} started on {parties.Count} parties");
            var (shares, ends) = await CollectAsync(sessionId, connections, peerTimeout + AbortGrace, progress, cancellationToken).ConfigureAwait(false);
            var outputs = new Dictionary<string, SessionOutput>(StringComparer.Ordinal);
            foreach (var definition in protocol.Outputs.Where(o => o.Kind != OutputKind.Derived))
            {
                // A protocol may leave an optional output out; one that some parties sent and others did not is an error.
                if (!shares.TryGetValue(definition.Name, out var parts)) continue;
                if (parts.Count != parties.Count)
                    throw new ProtocolAbortedException(FederationErrors.OutputIncomplete(definition.Name, parts.Count, parties.Count));
                var ordered = parts.OrderBy(p => p.Key).Select(p => p.Value).ToList();
                outputs[definition.Name] = new SessionOutput(OutputReconstruction.Reconstruct(ordered), ordered[0].Rows, ordered[0].Columns, protocol.Labels(definition.Name, bound));
            }
            foreach (var (name, values) in protocol.Derive(outputs.ToDictionary(o => o.Key, o => o.Value.Values), bound))
                outputs[name] = new SessionOutput(values, values.Length, 1);
            return new SessionResult(sessionId, protocol.Name, protocol.Id, bound.Values, parties.Select(p => p.Name).ToList(), ends[0].Preprocessing,
                outputs, watch.Elapsed.TotalSeconds, ends.Max(e => e.ProtocolSeconds), ends.Max(e => e.Rounds), ends.Sum(e => e.BytesSent), ends[0].PrivateReleases);
        }
        finally
        {
            foreach (var connection in connections)
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Asks every party which datasets it holds (names and column types, never values), in roster order.</summary>
    public async Task<IReadOnlyList<PartyDatasets>> ListDatasetsAsync(CancellationToken cancellationToken)
    {
        CheckAnalystKey();
        var request = ControlCodec.Encode(new CatalogRequest());
        return await Task.WhenAll(roster.Parties.Select(async party =>
        {
            var stream = await TlsConnector.ConnectAsync(party, credentials, logger, SetupTimeout, cancellationToken, Clock).ConfigureAwait(false);
            await using var connection = new FramedConnection(stream, party.Name);
            await connection.SendAsync(Guid.NewGuid(), 0, FrameKind.Control, request, cancellationToken).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(SetupTimeout);
            var reply = ControlCodec.Expect<CatalogReply>(await connection.ReadAsync(timeout.Token).ConfigureAwait(false), party.Name);
            return new PartyDatasets(party.Name, reply.Datasets);
        })).ConfigureAwait(false);
    }

    private void CheckAnalystKey()
    {
        if (!roster.Analysts.Any(a => a.Holds(credentials.Fingerprint, Clock.GetUtcNow())))
            throw new PeerAuthenticationException(FederationErrors.AnalystKeyNotInRoster(credentials.Fingerprint, roster.Source));
    }

    private async Task<TimeSpan> ProposeAsync(Guid sessionId, IProtocolDefinition protocol, string? scriptSource, ProtocolParameters bound, FramedConnection?[] connections, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        SessionRequest Request(int party) => new()
        {
            Protocol = protocol.Name, Parameters = bound.Values.ToDictionary(p => p.Key, p => p.Value), RosterHash = roster.Hash, Preprocessing = PreprocessingName ?? PreprocessingEngines.Name(Preprocessing), RingBits = protocol.Format.RingBits,
            ScriptSource = ScriptForParty is null ? scriptSource : ScriptForParty(party, scriptSource),
        };
        async Task<FramedConnection> ConnectAsync(RosterMember party, CancellationToken cancellation) =>
            new(await TlsConnector.ConnectAsync(party, credentials, logger, SetupTimeout, cancellation, Clock).ConfigureAwait(false), party.Name);
        return await SessionHandshake.ProposeAsync(sessionId, roster.Parties, ConnectAsync, Request, ScriptForParty is null ? protocol.Id : null, SetupTimeout, connections, progress, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(Dictionary<string, Dictionary<int, OutputShares>> Shares, SessionEnd[] Ends)> CollectAsync(
        Guid sessionId, FramedConnection?[] connections, TimeSpan reportWait, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var parties = roster.Parties;
        var rosterNames = parties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var shares = new Dictionary<string, Dictionary<int, OutputShares>>(StringComparer.Ordinal);
        var ends = new SessionEnd?[parties.Count];
        var failures = new ConcurrentQueue<PartyFailure>();
        using var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = parties.Select(party => Task.Run(async () =>
        {
            var connection = connections[party.Index] ?? throw new InvalidOperationException(FederationErrors.NoConnectionTo(party.Name));
            try
            {
                while (true)
                {
                    var frame = await connection.ReadAsync(grace.Token).ConfigureAwait(false)
                        ?? throw new IOException(FederationErrors.ClosedBeforeSessionEnd(party.Name));
                    if (frame.SessionId != sessionId) throw new FrameFormatException(FederationErrors.FrameOfAnotherSession(party.Name));
                    switch (ControlCodec.Decode(frame.Payload, party.Name))
                    {
                        case OutputMessage output:
                            lock (shares)
                            {
                                if (!shares.TryGetValue(output.Name, out var parts)) shares[output.Name] = parts = [];
                                if (!parts.TryAdd(party.Index, new OutputShares(output.Name, output.Rows, output.Columns, output.Scale, output.RingBits, output.Shares)))
                                    throw new FrameFormatException(FederationErrors.OutputSentTwice(party.Name, output.Name));
                            }
                            break;
                        case ProgressMessage p when party.Index == 0:
                            progress?.Report($"{p.Stage} {p.Fraction:P0}");
                            break;
                        case ProgressMessage:
                            break;
                        case SessionEnd end:
                            ends[party.Index] = end;
                            if (!end.Completed)
                            {
                                failures.Enqueue(PartyFailure.Reported(party.Name, end, rosterNames));
                                grace.CancelAfter(reportWait);
                            }
                            return;
                        case var other:
                            throw new FrameFormatException(FederationErrors.UnexpectedMessage(party.Name, other.GetType().Name));
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Silence after the wait blames nobody: the analyst cannot tell a hung party from one a dishonest peer keeps waiting.
                failures.Enqueue(PartyFailure.Silent(party.Name));
            }
            catch (Exception e) when (e is IOException or FrameFormatException)
            {
                failures.Enqueue(PartyFailure.Seen(party.Name, e.Message, e is FrameFormatException ? AbortCause.ProtocolViolation : AbortCause.PeerFailed));
                grace.CancelAfter(reportWait);
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(loops).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (!failures.IsEmpty) throw AbortBlame.Decide(sessionId, failures.ToList(), parties.Count);
        // Without a failure every party ended its loop on its SessionEnd.
        return (shares, ends.Select((e, i) => e ?? throw new FrameFormatException(FederationErrors.NoSessionEnd(parties[i].Name))).ToArray());
    }
}
