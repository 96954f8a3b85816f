using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Mpc.Federation.Protocols;
using Mpc.Federation.Sessions;
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
public sealed partial class PartyDaemon : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly SessionRegistry _sessions = new();
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
            throw new PeerAuthenticationException(FederationErrors.KeyRotatedAway(Self.KeyRefusal(credentials.Fingerprint)));
        if (!Self.Holds(credentials.Fingerprint, Clock.GetUtcNow()))
            throw new PeerAuthenticationException(FederationErrors.KeyNotInRoster(credentials.Fingerprint, roster.Source, Self.PublicKey, Self.Name));
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

    private DataRefusalLimiter DataRefusals { get; }

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
    internal PartySettings Snapshot
    {
        get
        {
            lock (_reload) return new PartySettings(Roster, Configuration, Self);
        }
    }

    // What a session may use of this daemon, and nothing more.
    private SessionServices SessionServices() =>
        new(Catalog, Ledger, DataRefusals, _sessions, Credentials, Clock, Logger, HandshakeTimeout, PeerHelloBytes, PeerStream, _stop.Token, () => _draining);

    /// <summary>A simulated link for what this party sends to its peers (local trials and benchmarks; null on real networks).</summary>
    public NetworkModel? SimulatedNetwork { get; init; }

    /// <summary>A peer connection's stream, shaped by <see cref="SimulatedNetwork"/> when one is set.</summary>
    private Stream PeerStream(Stream stream) => SimulatedNetwork is { IsUnlimited: false } model ? new SimulatedLinkStream(stream, model) : stream;

    /// <summary>Time allowed for a TLS handshake and a connection's first frame.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

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
}
