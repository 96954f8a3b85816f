using Microsoft.Extensions.Logging;
using Mpc.Net;

namespace Mpc.Federation;

// Reload (SIGHUP), drain on shutdown (SIGTERM), and stop.
public sealed partial class PartyDaemon
{
    /// <summary>
    /// Takes a re-read roster and configuration (SIGHUP) for the sessions that start from now on; running sessions
    /// keep the ones they started with. What the daemon was built from (name, key, ledger, transcripts, listen address
    /// and port, data-refusal limit) needs a restart: a change there is refused and the old settings stay.
    /// Returns what was reloaded, as it is logged.
    /// </summary>
    public string Reload(Roster roster, PartyConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(configuration);
        var self = roster.GetParty(Configuration.Name);
        string? restart =
            configuration.Name != Configuration.Name ? "name"
            : !self.Holds(Credentials.Fingerprint, Clock.GetUtcNow()) ? "the roster's key for this party"
            : self.Endpoint != Self.Endpoint ? "the roster's endpoint for this party"
            : configuration.Listen != Configuration.Listen ? "listen"
            : configuration.LedgerPath != Configuration.LedgerPath ? "ledger"
            : configuration.TranscriptDirectory != Configuration.TranscriptDirectory ? "transcripts"
            : configuration.DataRefusalsPerDay != Configuration.DataRefusalsPerDay ? "dataRefusalsPerDay"
            : null;
        if (restart is not null) throw new PartyConfigurationException(Mpc.Core.ErrorMessages.ReloadNeedsRestart(Self.Name, restart));
        lock (_reload)
        {
            Roster = roster;
            Configuration = configuration;
            Self = self;
        }
        CompileApprovedScripts(configuration);
        int running = _sessions.Count;
        Logger.LogInformation(DaemonEvents.Reloaded, "Party {Party} reloaded its policy and roster (roster {RosterHash}, {Protocols} approved protocols); {Sessions} running session(s) keep theirs",
            Self.Name, roster.Hash[..16], configuration.ApprovedProtocols.Count, running);
        return $"{Self.Name} reloaded its policy and roster (roster {roster.Hash[..16]}, {configuration.ApprovedProtocols.Count} approved protocols); {running} running session(s) keep theirs.";
    }

    /// <summary>
    /// Stops accepting connections and lets running sessions finish for up to <paramref name="grace"/>; sessions still
    /// running then are aborted, each closing its transcript with a signed end entry naming the shutdown.
    /// </summary>
    public async Task ShutdownAsync(TimeSpan grace)
    {
        if (_draining) return;
        _draining = true;
        _listener.Stop();
        if (!_sessions.IsEmpty) Logger.LogInformation(DaemonEvents.Draining, "Party {Party} stops accepting sessions; {Sessions} running may finish within {Seconds:0.#} s", Self.Name, _sessions.Count, grace.TotalSeconds);
        var deadline = DateTime.UtcNow + grace;
        // Polled: sessions end on their own threads, and a drain is rare and measured in seconds.
        while (!_sessions.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(100).ConfigureAwait(false);
        if (!_sessions.IsEmpty) Logger.LogWarning(DaemonEvents.ShutdownAbort, "Party {Party} aborts {Sessions} session(s) still running after the grace period", Self.Name, _sessions.Count);
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _draining = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        if (_acceptLoop is not null) await _acceptLoop.ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_handlers.Keys).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            Logger.LogWarning(DaemonEvents.ShutdownAbort, "Stopped with sessions still winding down: {Reason}", e.Message);
        }
        _stop.Dispose();
        Logger.LogInformation(DaemonEvents.Stopped, "Party {Party} stopped", Self.Name);
    }
}
