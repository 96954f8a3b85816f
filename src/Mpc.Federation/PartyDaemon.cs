using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Mpc.Federation.Protocols;
using Mpc.Net;

namespace Mpc.Federation;

/// <summary>
/// A party's long-running service: listens on its roster endpoint, authenticates every connection
/// by key, and runs the sessions analysts start. A bad connection (unknown key, garbage, a frame
/// over the cap) is closed and logged; the daemon keeps serving.
/// </summary>
/// <remarks>
/// Before a connection belongs to an admitted session its first frame may be at most
/// <see cref="AnalystRequestBytes"/> (an analyst's SessionRequest, which carries a script's source)
/// or <see cref="PeerHelloBytes"/> (a peer's PeerHello); only a peer connection attached to a running
/// session may receive frames up to <see cref="FramedConnection.DefaultMaxPayloadBytes"/>. At most
/// <see cref="MaxPendingConnections"/> connections may be open without an admitted session; more are
/// closed at once.
/// </remarks>
public sealed class PartyDaemon : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly ConcurrentDictionary<Guid, PartySession> _sessions = new();
    private readonly ConcurrentDictionary<Task, byte> _handlers = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _acceptLoop;
    private int _pending;
    private volatile bool _draining;
    private bool _bound;
    private readonly Lock _reload = new();

    public PartyDaemon(Roster roster, PartyCredentials credentials, PartyConfiguration configuration, ProtocolCatalog catalog, ILogger logger, TcpListener? listener = null,
        TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(roster);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(logger);
        Roster = roster;
        Credentials = credentials;
        Configuration = configuration;
        Catalog = catalog;
        Logger = logger;
        Clock = clock ?? TimeProvider.System;
        Self = roster.GetParty(configuration.Name);
        if (Self.PreviousKey == credentials.Fingerprint && !Self.Holds(credentials.Fingerprint, Clock.GetUtcNow()))
            throw new PeerAuthenticationException(Self.KeyRefusal(credentials.Fingerprint) + " ('mpc keygen --rotate' made it).");
        if (!Self.Holds(credentials.Fingerprint, Clock.GetUtcNow()))
            throw new PeerAuthenticationException($"This party's key has fingerprint {credentials.Fingerprint}, but {roster.Source} lists {Self.PublicKey} for {Self.Name}; use the key that belongs to {Self.Name}, or update the roster ('mpc keygen --roster').");
        // A ledger that fails its chain or lacks releases the transcripts hold stops the daemon before it serves anyone.
        if (configuration.LedgerPath is { } ledger)
            Ledger = Mpc.Audit.LedgerAudit.OpenForDaemon(ledger, configuration.TranscriptDirectory, Self.Name, credentials.Certificate);
        _listener = listener ?? new TcpListener(ListenAddress.Resolve(configuration, Self));
        DataRefusals = new DataRefusalLimiter(configuration.DataRefusalsPerDay, Ledger);
    }

    /// <summary>Cap on an analyst's first frame (a SessionRequest with a script's source): 4 MiB; scripts are a few KiB.</summary>
    public int AnalystRequestBytes { get; init; } = 4 << 20;

    /// <summary>Cap on a peer's first frame (PeerHello, a few hundred bytes) and on control frames outside a session: 64 KiB.</summary>
    public int PeerHelloBytes { get; init; } = 64 << 10;

    /// <summary>How many connections may be open at once without an admitted session (handshake and first frame): 64.</summary>
    public int MaxPendingConnections { get; init; } = 64;

    internal DataRefusalLimiter DataRefusals { get; }

    /// <summary>The roster new sessions use; <see cref="Reload"/> replaces it, running sessions keep theirs.</summary>
    public Roster Roster { get; private set; }

    public PartyCredentials Credentials { get; }

    /// <summary>The configuration (policy) new sessions use; <see cref="Reload"/> replaces it, running sessions keep theirs.</summary>
    public PartyConfiguration Configuration { get; private set; }

    public ProtocolCatalog Catalog { get; }

    public ILogger Logger { get; }

    /// <summary>The clock a key rotation's end is read from: a roster member's previous key is accepted until its date.</summary>
    public TimeProvider Clock { get; }

    /// <summary>This party's privacy ledger, checked when the daemon was made (null: no DP releases).</summary>
    public Mpc.Ledger.PrivacyLedger? Ledger { get; }

    public RosterMember Self { get; private set; }

    /// <summary>Roster, configuration and this party's entry, taken together so a reload cannot mix two versions.</summary>
    internal (Roster Roster, PartyConfiguration Configuration, RosterMember Self) Snapshot
    {
        get
        {
            lock (_reload) return (Roster, Configuration, Self);
        }
    }

    /// <summary>A simulated link for what this party sends to its peers (local trials and benchmarks; null on real networks).</summary>
    public NetworkModel? SimulatedNetwork { get; init; }

    /// <summary>A peer connection's stream, shaped by <see cref="SimulatedNetwork"/> when one is set.</summary>
    internal Stream PeerStream(Stream stream) => SimulatedNetwork is { IsUnlimited: false } model ? new SimulatedLinkStream(stream, model) : stream;

    /// <summary>Time allowed for a TLS handshake and a connection's first frame.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    internal CancellationToken Stopping => _stop.Token;

    /// <summary>Set once a shutdown began: new session requests are refused, running sessions may finish.</summary>
    internal bool Draining => _draining;

    /// <summary>Sessions currently running.</summary>
    public int ActiveSessions => _sessions.Count;

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Binds the listening socket (a port in use fails here, naming the port); <see cref="Start"/> then serves.</summary>
    public void Bind()
    {
        if (_bound) return;
        ListenAddress.Start(_listener, Self.Name);
        _bound = true;
    }

    public void Start()
    {
        Bind();
        Logger.LogInformation(DaemonEvents.Listening, "Party {Party} listening on {Endpoint} (roster {RosterHash}, {Protocols} approved protocols)",
            Self.Name, _listener.LocalEndpoint, Roster.Hash[..16], Configuration.ApprovedProtocols.Count);
        _acceptLoop = Task.Run(AcceptLoopAsync);
        CompileApprovedScripts(Configuration);
    }

    /// <summary>
    /// Whether the approved scripts are compiled in the background at start and at each reload (default), so the first
    /// session of each does not wait for the compiler; false compiles a script when a session first asks for it.
    /// </summary>
    public bool CompileScriptsAhead { get; init; } = true;

    /// <summary>The background compiling of the approved scripts that the last start or reload began.</summary>
    public Task ScriptsCompiled { get; private set; } = Task.CompletedTask;

    // The compiler caches by the script's text, so the session that asks for an approved script finds it compiled (or joins the compiling).
    private void CompileApprovedScripts(PartyConfiguration configuration)
    {
        if (!CompileScriptsAhead || !Catalog.CompilesScripts) return;
        var scripts = PartyPolicy.Check(configuration, Catalog).Approved.Where(p => p.ScriptPath is not null).ToList();
        if (scripts.Count == 0) return;
        ScriptsCompiled = Task.Run(() =>
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            int compiled = 0;
            foreach (var script in scripts)
            {
                try
                {
                    // The text exactly as its hash was taken: strict UTF-8, a byte order mark kept.
                    string source = new System.Text.UTF8Encoding(false, true).GetString(File.ReadAllBytes(script.ScriptPath!));
                    Catalog.CompileScript(source, script.Name);
                    compiled++;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Logger.LogWarning(DaemonEvents.ScriptCompileFailed, "Approved script {Script} ({Id}) does not compile; sessions asking for it will be refused: {Reason}",
                        script.ScriptPath, script.Id, e.Message.ReplaceLineEndings(" "));
                }
            }
            Logger.LogInformation(DaemonEvents.ScriptsCompiled, "Party {Party} compiled {Compiled} of {Scripts} approved script(s) in {Seconds:0.0} s",
                Self.Name, compiled, scripts.Count, watch.Elapsed.TotalSeconds);
        });
    }

    internal bool Register(PartySession session) => _sessions.TryAdd(session.Id, session);

    internal void Unregister(PartySession session) => _sessions.TryRemove(session.Id, out _);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested && !_draining)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            // A drain stopped the listener under the pending accept.
            catch (Exception e) when (_draining && e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            catch (SocketException e)
            {
                Logger.LogWarning(DaemonEvents.ConnectionClosed, "Accept failed: {Reason}", e.Message);
                continue;
            }
            client.NoDelay = true;
            if (Interlocked.Increment(ref _pending) > MaxPendingConnections)
            {
                Interlocked.Decrement(ref _pending);
                Logger.LogWarning(DaemonEvents.ConnectionClosed, "Closed connection from {Remote}: {Pending} connections are already waiting for admission", client.Client.RemoteEndPoint, MaxPendingConnections);
                client.Dispose();
                continue;
            }
            var handler = Task.Run(() => HandleConnectionAsync(client));
            _handlers.TryAdd(handler, 0);
            _ = handler.ContinueWith(t => _handlers.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task HandleConnectionAsync(TcpClient client)
    {
        string remote = client.Client.RemoteEndPoint?.ToString() ?? "unknown";
        FramedConnection? connection = null;
        bool handedOver = false;
        bool pending = true;
        try
        {
            var (stream, peer) = await TlsConnector.AcceptAsync(client, Roster, Credentials, Logger, HandshakeTimeout, _stop.Token, Clock).ConfigureAwait(false);
            // Nothing is admitted yet: a first frame larger than a request or a hello is refused before it is allocated.
            connection = new FramedConnection(peer.IsParty ? PeerStream(stream) : stream, peer.Name) { ReceiveLimit = peer.IsParty ? PeerHelloBytes : AnalystRequestBytes, PresentedKey = TlsConnector.PresentedKey(stream) };
            Frame? first;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                timeout.CancelAfter(HandshakeTimeout);
                first = await connection.ReadAsync(timeout.Token).ConfigureAwait(false);
            }
            Interlocked.Decrement(ref _pending);
            pending = false;
            if (first is null) return;
            if (peer.IsParty)
            {
                var hello = ControlCodec.Expect<PeerHello>(first, peer.Name);
                if (_sessions.TryGetValue(first.SessionId, out var session))
                {
                    handedOver = await session.AttachPeerAsync(peer, connection, hello).ConfigureAwait(false);
                }
                else
                {
                    Logger.LogWarning(DaemonEvents.PeerRefused, "Refused {Peer}: unknown session {Session}", peer.Name, first.SessionId);
                    await connection.SendAsync(first.SessionId, 0, FrameKind.Control, ControlCodec.Encode(new PeerReply { Accepted = false, Reason = $"{Self.Name} has no session {first.SessionId}." }), _stop.Token).ConfigureAwait(false);
                }
            }
            else if (first.Kind == FrameKind.Control && ControlCodec.Decode(first.Payload, peer.Name) is CatalogRequest)
            {
                // Names and types only; the same for every analyst the roster admits.
                var reply = new CatalogReply { Datasets = DatasetCatalog.Describe(Snapshot.Configuration, Logger) };
                await connection.SendAsync(first.SessionId, 0, FrameKind.Control, ControlCodec.Encode(reply), _stop.Token).ConfigureAwait(false);
                Logger.LogInformation(DaemonEvents.CatalogListed, "Listed {Datasets} dataset(s) for {Analyst}", reply.Datasets.Count, peer.Name);
            }
            else
            {
                var request = ControlCodec.Expect<SessionRequest>(first, peer.Name);
                // After its request an analyst only sends SessionStart or SessionCancel.
                connection.ReceiveLimit = PeerHelloBytes;
                handedOver = true;
                await using var session = new PartySession(this, first.SessionId, peer, connection, request);
                await session.RunAsync().ConfigureAwait(false);
            }
        }
        catch (PeerAuthenticationException)
        {
            // TlsConnector logged who was refused and why.
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is FrameFormatException or IOException or OperationCanceledException or ObjectDisposedException or Mpc.Runtime.ProtocolAbortedException)
        {
            Logger.LogWarning(DaemonEvents.ConnectionClosed, "Closed connection from {Remote}: {Reason}", remote, e is OperationCanceledException ? "no frame within the handshake timeout" : e.Message);
        }
        finally
        {
            if (pending) Interlocked.Decrement(ref _pending);
            if (!handedOver)
            {
                if (connection is not null) await connection.DisposeAsync().ConfigureAwait(false);
                else client.Dispose();
            }
        }
    }

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
