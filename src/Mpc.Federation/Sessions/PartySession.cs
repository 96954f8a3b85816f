using Microsoft.Extensions.Logging;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Federation.Sessions;

/// <summary>
/// One session at one party, from the analyst's request to its end: admission (<see cref="SessionAdmission"/>), the
/// set-up with the analyst (<see cref="SessionHandshake"/>), the peers (<see cref="PeerMesh"/>), the protocol
/// (<see cref="SessionRunner"/>), and on any failure an abort that tells the peers and the analyst why
/// (<c>PartySession.Abort.cs</c>).
/// </summary>
internal sealed partial class PartySession : IAsyncDisposable
{
    private readonly PartySettings _party;
    private readonly SessionServices _services;
    private readonly RosterMember _analyst;
    private readonly FramedConnection _analystConnection;
    private readonly SessionRequest _request;
    private readonly CancellationTokenSource _cancel;
    private readonly DataRefusalSlot _dataSlot;
    private readonly SessionBudget _budget;
    private PeerMesh? _mesh;
    private SessionRunner? _runner;
    private volatile bool _finished;
    private volatile bool _completed;
    private volatile bool _analystGone;

    public PartySession(PartySettings party, SessionServices services, Guid id, RosterMember analyst, FramedConnection analystConnection, SessionRequest request)
    {
        ArgumentNullException.ThrowIfNull(party);
        ArgumentNullException.ThrowIfNull(services);
        // A reload (SIGHUP) changes what later sessions see, never a running one's roster or policy: the settings are the ones taken now.
        _party = party;
        _services = services;
        Id = id;
        _analyst = analyst;
        _analystConnection = analystConnection;
        _request = request;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(services.Stopping);
        _dataSlot = new DataRefusalSlot(services.DataRefusals, services.Logger, id, party.Self.Name, analyst.Name);
        _budget = new SessionBudget(services.Ledger, id, party.Self.Name, services.Logger);
    }

    public Guid Id { get; }

    private ILogger Logger => _services.Logger;

    public async Task RunAsync()
    {
        try
        {
            var admission = new SessionAdmission(_party, _services, _dataSlot, _budget);
            if (!admission.TryAdmit(_request, out var admitted, out var refusal))
            {
                Logger.LogWarning(DaemonEvents.SessionRefused, "Session {Session}: refused {Protocol} from {Analyst}: {Reason}", Id, _request.Protocol, _analyst.Name, refusal);
                await SessionHandshake.ReplyAsync(_analystConnection, Id, new SessionReply { Accepted = false, Reason = refusal }, Logger).ConfigureAwait(false);
                return;
            }
            var mesh = _mesh = new PeerMesh(Id, _party, _services, admitted, _cancel.Token);
            if (!_services.Registry.TryAdd(mesh)) return;
            try
            {
                await SessionHandshake.ReplyAsync(_analystConnection, Id, new SessionReply { Accepted = true, ProtocolId = admitted.Protocol.Id, PeerTimeoutMilliseconds = (long)_party.Configuration.PeerTimeout.TotalMilliseconds }, Logger).ConfigureAwait(false);
                if (!await SessionHandshake.WaitForStartAsync(_analystConnection, _analyst.Name, Id, Logger, _cancel.Token).ConfigureAwait(false)) return;
                Logger.LogInformation(DaemonEvents.SessionRunning, "Session {Session}: running {Protocol} for {Analyst}", Id, admitted.Protocol.Id, _analyst.Name);
                _ = WatchAnalystAsync();
                await RunProtocolAsync(admitted, mesh).ConfigureAwait(false);
            }
            finally
            {
                _services.Registry.Remove(mesh);
            }
        }
        finally
        {
            if (_dataSlot.End() is { } failure)
                Logger.LogError(failure, "Session {Session}: the data refusal could not be recorded in the ledger (it still counts until this daemon stops)", Id);
        }
    }

    private async Task RunProtocolAsync(AdmittedSession admitted, PeerMesh mesh)
    {
        var runner = _runner = new SessionRunner(Id, _party, _services, _analyst, _analystConnection, admitted, _budget, _cancel.Token);
        var mode = Runtime.PreprocessingEngines.Name(admitted.Preprocessing);
        try
        {
            var end = await runner.RunAsync(mesh).ConfigureAwait(false);
            _completed = true;
            _finished = true;
            runner.CloseTranscript(completed: true, null);
            Logger.LogInformation(DaemonEvents.SessionCompleted, "Session {Session}: completed in {Seconds:F2} s, {Rounds} rounds, {Bytes} bytes sent", Id, end.ProtocolSeconds, end.Rounds, end.BytesSent);
            await SessionHandshake.ReplyAsync(_analystConnection, Id, end, Logger).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _finished = true;
            var abort = Describe(e, runner.Channel?.Failure);
            runner.CloseTranscript(completed: false, abort.Reason);
            Logger.LogWarning(DaemonEvents.SessionAborted, "Session {Session}: aborted: {Reason}", Id, abort.Reason);
            if (runner.Channel is { } channel) await channel.NotifyAbortAsync(abort.Reason, abort.FailedParty, abort.Cause, abort.RelayedFrom).ConfigureAwait(false);
            await SessionHandshake.ReplyAsync(_analystConnection, Id, new SessionEnd
            {
                Completed = false, Reason = abort.Reason, FailedParty = abort.FailedParty, Cause = AbortCauses.ToWire(abort.Cause), Origin = abort.RelayedFrom ?? _party.Self.Name, Preprocessing = mode,
            }, Logger).ConfigureAwait(false);
        }
    }

    /// <summary>A peer dialed in for this session; returns whether the connection now belongs to it.</summary>
    public Task<bool> AttachPeerAsync(RosterMember peer, FramedConnection connection, PeerHello hello) =>
        _mesh is { } mesh ? mesh.AttachAsync(peer, connection, hello) : Task.FromResult(false);

    // The analyst must stay connected: without it outputs have nowhere to go, so the session stops.
    private async Task WatchAnalystAsync()
    {
        try
        {
            while (await _analystConnection.ReadAsync(_cancel.Token).ConfigureAwait(false) is not null)
            {
            }
        }
        catch (Exception e) when (e is IOException or FrameFormatException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
        }
        if (!_cancel.IsCancellationRequested && !_finished)
        {
            _analystGone = true;
            Logger.LogWarning(DaemonEvents.AnalystDisconnected, "Session {Session}: the analyst {Analyst} disconnected", Id, _analyst.Name);
            await _cancel.CancelAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _budget.Close(_completed);
        await _cancel.CancelAsync().ConfigureAwait(false);
        if (_runner is not null) await _runner.DisposeAsync().ConfigureAwait(false);
        if (_mesh is not null) await _mesh.DisposeAsync().ConfigureAwait(false);
        await _analystConnection.DisposeAsync().ConfigureAwait(false);
        _cancel.Dispose();
    }
}
