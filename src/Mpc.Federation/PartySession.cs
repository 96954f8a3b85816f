using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Federation;

/// <summary>
/// One session at one party: check the analyst's request against this party's policy and data,
/// agree with every peer on roster, protocol and parameters, run the protocol, deliver output
/// shares to the analyst, and on any failure tell the peers and the analyst why.
/// </summary>
/// <remarks>
/// Set-up, in order: analyst sends SessionRequest; each party answers SessionReply; the analyst
/// sends SessionStart once every party accepted. Party i then dials every party j &lt; i (so each
/// pair has exactly one connection) and sends PeerHello with its name, the roster hash, protocol
/// id, parameter hash and the pair's fresh zero-sharing seed; j checks all of it against its own
/// session and the TLS identity, and answers PeerReply. In dealer mode party 0 then sends each
/// party its dealer seed. Protocol data frames follow, tagged by program counter.
/// </remarks>
internal sealed class PartySession : IAsyncDisposable
{
    private readonly PartyDaemon _daemon;
    private readonly RosterMember _analyst;
    private readonly FramedConnection _analystConnection;
    private readonly SessionRequest _request;
    private readonly Dictionary<int, TaskCompletionSource<(FramedConnection Connection, PeerHello Hello)>> _incoming = [];
    private readonly CancellationTokenSource _cancel;
    private readonly Roster _roster;
    private readonly PartyConfiguration _configuration;
    private readonly RosterMember _self;
    private IProtocolDefinition? _protocol;
    private ProtocolParameters? _parameters;
    private string _parametersHash = "";
    private TlsPartyChannel? _channel;
    private Mpc.Audit.TranscriptWriter? _transcript;
    private CsvTable? _dataset;
    private readonly List<FramedConnection> _orphans = [];
    private volatile bool _finished;
    // The data-refusal slot this session holds (dataset name), and whether it ends refused for a problem in the data.
    private string? _dataSlot;
    private bool _refusedForData;
    private volatile bool _completed;
    private volatile bool _analystGone;
    private bool _reserved;

    public PartySession(PartyDaemon daemon, Guid id, RosterMember analyst, FramedConnection analystConnection, SessionRequest request)
    {
        _daemon = daemon;
        Id = id;
        _analyst = analyst;
        _analystConnection = analystConnection;
        _request = request;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(daemon.Stopping);
        // A reload (SIGHUP) changes what later sessions see, never a running one's roster or policy.
        (_roster, _configuration, _self) = daemon.Snapshot;
    }

    public Guid Id { get; }

    private ILogger Logger => _daemon.Logger;

    private RosterMember Self => _self;

    private int SelfIndex => Self.Index;

    public async Task RunAsync()
    {
        try
        {
            string? refusal = Check(out var datasetPath);
            if (refusal is not null)
            {
                Logger.LogWarning(DaemonEvents.SessionRefused, "Session {Session}: refused {Protocol} from {Analyst}: {Reason}", Id, _request.Protocol, _analyst.Name, refusal);
                await ReplyAsync(new SessionReply { Accepted = false, Reason = refusal }).ConfigureAwait(false);
                return;
            }
            for (int j = SelfIndex + 1; j < _roster.Parties.Count; j++)
                _incoming[j] = new TaskCompletionSource<(FramedConnection, PeerHello)>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_daemon.Register(this)) return;
            try
            {
                await ReplyAsync(new SessionReply { Accepted = true, ProtocolId = _protocol!.Id }).ConfigureAwait(false);
                var start = await WaitForStartAsync().ConfigureAwait(false);
                if (start is null) return;
                Logger.LogInformation(DaemonEvents.SessionRunning, "Session {Session}: running {Protocol} for {Analyst}", Id, _protocol.Id, _analyst.Name);
                _ = WatchAnalystAsync();
                await RunProtocolAsync(datasetPath!).ConfigureAwait(false);
            }
            finally
            {
                _daemon.Unregister(this);
            }
        }
        finally
        {
            if (_dataSlot is not null && _daemon.DataRefusals.End(_analyst.Name, _dataSlot, _refusedForData) is { } failure)
                Logger.LogError(failure, "Session {Session}: the data refusal could not be recorded in the ledger (it still counts until this daemon stops)", Id);
        }
    }

    /// <summary>A peer dialed in for this session; returns whether the connection now belongs to the session.</summary>
    public async Task<bool> AttachPeerAsync(RosterMember peer, FramedConnection connection, PeerHello hello)
    {
        string? problem = null;
        if (hello.PartyName != peer.Name) problem = $"party name mismatch: the key of {peer.Name} introduced itself as '{hello.PartyName}'";
        else if (!_incoming.ContainsKey(peer.Index)) problem = $"{peer.Name} is not expected to dial {Self.Name} (parties dial those before them in the roster)";
        else if (hello.RosterHash != _roster.Hash) problem = $"{peer.Name} has a different roster ({hello.RosterHash[..Math.Min(16, hello.RosterHash.Length)]} vs {_roster.Hash[..16]})";
        else if (hello.ProtocolId != _protocol!.Id) problem = $"{peer.Name} runs protocol {hello.ProtocolId}, {Self.Name} runs {_protocol.Id}";
        else if (hello.ParametersHash != _parametersHash) problem = $"{peer.Name} runs with different parameters";
        else if (hello.PairSeed.Length != AesCtrRandom.SeedLength) problem = $"{peer.Name} sent a pair seed of {hello.PairSeed.Length} bytes";
        await connection.SendAsync(Id, 0, FrameKind.Control, ControlCodec.Encode(new PeerReply { Accepted = problem is null, Reason = problem }), _cancel.Token).ConfigureAwait(false);
        if (problem is not null)
        {
            Logger.LogWarning(DaemonEvents.PeerRefused, "Session {Session}: refused peer {Peer}: {Reason}", Id, peer.Name, problem);
            if (_incoming.TryGetValue(peer.Index, out var pending))
                pending.TrySetException(new ProtocolAbortedException($"Session aborted: {problem}.", peer.Name));
            return false;
        }
        if (!_incoming[peer.Index].TrySetResult((connection, hello))) return false;
        // Admitted: protocol frames may now be as large as the cap allows.
        connection.ReceiveLimit = connection.MaxPayloadBytes;
        return true;
    }

    private string? Check(out string? datasetPath)
    {
        datasetPath = null;
        if (_daemon.Draining) return ErrorMessages.PartyNotAccepting(Self.Name);
        if (_request.RosterHash != _roster.Hash) return $"the analyst's roster differs from {Self.Name}'s (hash {Short(_request.RosterHash)} vs {Short(_roster.Hash)})";
        if (_request.ScriptSource is { } script)
        {
            // The policy is checked on the hash of exactly the text that is then compiled, before a single line of it is compiled.
            string hash;
            try
            {
                hash = ScriptIdentity.Hash(script);
            }
            catch (ArgumentException e)
            {
                return $"script {_request.Protocol} has no id: {e.Message}";
            }
            if (!_configuration.ApprovedProtocols.Contains(hash)) return $"script {_request.Protocol} ({hash}) is not approved by {Self.Name}'s policy";
            try
            {
                _protocol = _daemon.Catalog.CompileScript(script, _request.Protocol);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return $"script {_request.Protocol} does not compile: {e.Message}";
            }
            // A compiler that hashed or compiled another text than the one approved must not slip through.
            if (_protocol.Id != hash) return $"script {_request.Protocol} compiled as {_protocol.Id}, not as the approved {hash}";
        }
        else
        {
            _protocol = _daemon.Catalog.Find(_request.Protocol);
            if (_protocol is null) return $"unknown protocol '{_request.Protocol}'";
        }
        if (!_configuration.ApprovedProtocols.Contains(_protocol.Id)) return $"protocol {_protocol.Id} is not approved by {Self.Name}'s policy";
        if (!PreprocessingModes.IsKnown(_request.Preprocessing)) return $"preprocessing '{_request.Preprocessing}' is not available (this version offers 'ot', 'replicated' for 3 parties with an honest majority, and 'dealer' for tests)";
        if (_request.Preprocessing == PreprocessingModes.Replicated && !_configuration.AllowHonestMajority)
            return ErrorMessages.HonestMajorityNotAllowed(Self.Name);
        if (_request.Preprocessing == PreprocessingModes.Replicated && _roster.Parties.Count != 3)
            return ErrorMessages.ReplicatedNeedsThreeParties(_roster.Parties.Count);
        if (_request.Preprocessing == "dealer" && !_configuration.AllowTrustedDealer)
            return $"{Self.Name} does not accept trusted-dealer preprocessing (party 1 would see every mask); use 'ot', or set allowTrustedDealer in a test configuration";
        try
        {
            _parameters = ProtocolParameters.Bind(_protocol.Parameters, _request.Parameters);
            _parametersHash = _parameters.Hash();
            bool usesColumns = _protocol.Parameters.Any(p => p.Type is ParameterType.Column or ParameterType.ColumnList);
            try
            {
                datasetPath = _configuration.ResolveDataset(_parameters.Values.GetValueOrDefault("dataset", ""));
            }
            catch (InvalidDataException) when (!usesColumns)
            {
                // A protocol without column parameters may need no dataset at all.
                datasetPath = "";
            }
            if (datasetPath.Length > 0)
            {
                // Checked before the data is read: past its limit of data refusals the analyst learns nothing more about this dataset today.
                string dataset = DatasetName;
                if (!_daemon.DataRefusals.TryBegin(_analyst.Name, dataset))
                    return ErrorMessages.DataRefusalsUsedUp(Self.Name, dataset, _daemon.DataRefusals.PerDay);
                _dataSlot = dataset;
            }
            if (usesColumns)
            {
                _dataset = CsvTable.Load(datasetPath, DatasetName);
                var problems = _protocol.Validate(_parameters, _dataset);
                if (problems.Count > 0)
                {
                    // The refusal carries public texts only; the log gets where exactly (file, row).
                    foreach (var problem in ProtocolValidation.ColumnProblems(_protocol.Parameters, _parameters, _dataset, allowMissingValues: false).Where(p => problems.Contains(p.PublicMessage)))
                    {
                        Logger.LogWarning(DaemonEvents.DataProblem, "Session {Session}: {Detail}", Id, ErrorMessages.ParametersVsDataDetail(Self.Name, _analyst.Name, DatasetName, problem.Detail));
                        _refusedForData |= problem.DependsOnValues;
                    }
                    return string.Join("; ", problems);
                }
                // A statistic over fewer rows than the party's minimum group size would describe those rows.
                if (_dataset.RowCount < Privacy.MinGroupSize)
                    throw new DataProblemException(ErrorMessages.DatasetBelowGroupSize(DatasetName, Privacy.MinGroupSize),
                        ErrorMessages.DatasetBelowGroupSizeDetail(DatasetName, _dataset.RowCount, Privacy.MinGroupSize), dependsOnValues: true);
            }
            else
            {
                var problems = _protocol.Validate(_parameters, CsvTable.Parse(new StringReader("none\n"), "(no dataset)"));
                if (problems.Count > 0) return string.Join("; ", problems);
            }
            // Last, once nothing else can refuse: admission reserves the session's epsilon, which DisposeAsync returns.
            string? budgetProblem = CheckBudget();
            if (budgetProblem is not null) return budgetProblem;
        }
        catch (DataProblemException e)
        {
            Logger.LogWarning(DaemonEvents.DataProblem, "Session {Session}: {Detail}", Id, ErrorMessages.ParametersVsDataDetail(Self.Name, _analyst.Name, _dataSlot ?? "(none)", e.Detail));
            _refusedForData |= e.DependsOnValues;
            return e.PublicMessage;
        }
        catch (Exception e) when (e is ProtocolParameterException or ParameterProblemException or InvalidDataException)
        {
            // Made from the request and this party's configuration (dataset names), never from data.
            return e.Message;
        }
        return null;
    }

    private async Task<SessionStart?> WaitForStartAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token);
        // Other parties may be compiling a script before they answer the analyst.
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        var frame = await _analystConnection.ReadAsync(timeout.Token).ConfigureAwait(false);
        if (frame is null) return null;
        var message = ControlCodec.Decode(frame.Payload, _analyst.Name);
        if (message is SessionCancel cancel)
        {
            Logger.LogInformation(DaemonEvents.SessionCancelled, "Session {Session}: cancelled by {Analyst}: {Reason}", Id, _analyst.Name, cancel.Reason);
            return null;
        }
        return message as SessionStart ?? throw new FrameFormatException($"{_analyst.Name} sent {message.GetType().Name} where SessionStart was expected.");
    }

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

    private async Task RunProtocolAsync(string datasetPath)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var timeout = _configuration.PeerTimeout;
        try
        {
            var (connections, seeds) = await ConnectPeersAsync().ConfigureAwait(false);
            var dealerMaterial = Mode == "dealer" ? await ExchangeDealerSeedsAsync(connections).ConfigureAwait(false) : [];
            _transcript = OpenTranscript(connections);
            var names = _roster.Parties.Select(p => p.Name).ToList();
            _channel = new TlsPartyChannel(Id, SelfIndex, names, connections, timeout, _transcript is null ? null : new TranscriptObserver(_transcript, names));
            var sink = new AnalystOutputSink(_analystConnection, Id, _transcript);
            var policy = new DeclaredOutputsPolicy(_protocol!.Outputs, EpsilonBudget(), RecordRelease, Privacy.Delta, AssumedHonestParties, Privacy.LimitsFor(DatasetName));
            var context = new ProtocolContext(_channel, _parameters!,
                () => _dataset ??= datasetPath.Length > 0 ? CsvTable.Load(datasetPath, DatasetName) : throw new ParameterProblemException($"{Self.Name} has no dataset for this protocol; configure one or pass --param dataset=NAME."), seeds, Mode, dealerMaterial,
                policy, sink, sink.ReportProgress, _cancel.Token, _configuration.ScriptTimeLimit, Logger, _configuration.ScriptMemoryLimitBytes);
            await _protocol.RunAsync(context).ConfigureAwait(false);
            _completed = true;
            _finished = true;
            _transcript?.Close(completed: true, null, _daemon.Credentials.Certificate, TranscriptChain, Id);
            Logger.LogInformation(DaemonEvents.SessionCompleted, "Session {Session}: completed in {Seconds:F2} s, {Rounds} rounds, {Bytes} bytes sent", Id, watch.Elapsed.TotalSeconds, context.Rounds, context.BytesSent);
            await ReplyAsync(new SessionEnd { Completed = true, Rounds = context.Rounds, BytesSent = context.BytesSent, Preprocessing = Mode, ProtocolSeconds = watch.Elapsed.TotalSeconds,
                PrivateReleases = policy.Releases.Select(r => FormattableString.Invariant($"{r.Mechanism}: mu {r.Noise:G6}, L1 {r.L1Sensitivity}, L2 {r.L2Sensitivity}, epsilon {r.Epsilon}, delta {r.Delta}, honest parties {r.HonestParties}{(r.SamplingRate < 1 ? $", sampling rate {r.SamplingRate}" : "")}")).ToList() }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _finished = true;
            var (reason, failedParty) = Describe(e);
            _transcript?.Close(completed: false, reason, _daemon.Credentials.Certificate, TranscriptChain, Id);
            Logger.LogWarning(DaemonEvents.SessionAborted, "Session {Session}: aborted: {Reason}", Id, reason);
            if (_channel is not null) await _channel.NotifyAbortAsync(reason, failedParty).ConfigureAwait(false);
            await ReplyAsync(new SessionEnd { Completed = false, Reason = reason, FailedParty = failedParty, Preprocessing = Mode }).ConfigureAwait(false);
        }
    }

    // The preprocessing mode the analyst asked for, checked against this party's policy before the session starts.
    private string Mode => _request.Preprocessing;

    private bool ReleasesPrivately => _protocol!.Outputs.Any(o => o.Kind is OutputKind.DifferentiallyPrivate or OutputKind.DifferentiallyPrivateIntermediate);

    private string DatasetName => _configuration.Datasets.Count == 0 ? "(none)" : _configuration.ResolveDatasetName(_parameters!.Values.GetValueOrDefault("dataset", ""));

    // The party's privacy settings for the session's dataset; the analyst's parameters may only ask for less.
    private DatasetPrivacy Privacy => _configuration.PrivacyOf(DatasetName);

    // Noise is sized for at most the party's assumed honest parties, and never more than the session has.
    private int AssumedHonestParties => Math.Max(1, Math.Min(Privacy.HonestParties, _roster.Parties.Count));

    // A session that may release with DP must fit the party's limits and reserve its epsilon in the ledger, in RDP with every other open session.
    private string? CheckBudget()
    {
        if (!ReleasesPrivately) return null;
        if (_daemon.Ledger is not { } ledger) return $"{Self.Name} keeps no privacy ledger, so it makes no DP releases";
        var settings = Privacy;
        if (!_protocol!.Parameters.Any(p => p.Name == "epsilon")) return "a protocol with DP outputs must declare an epsilon parameter";
        double epsilon = EpsilonBudget();
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) return ErrorMessages.EpsilonNotPositive(_parameters!.Values["epsilon"]);
        if (epsilon > settings.SessionCap) return ErrorMessages.EpsilonAboveCap(epsilon, Self.Name, settings.SessionCap);
        if (_parameters!.Values.TryGetValue("delta", out var deltaText))
        {
            if (!double.TryParse(deltaText, NumberStyles.Float, CultureInfo.InvariantCulture, out double delta) || !(delta > 0)) return $"delta '{deltaText}' must be a positive number";
            if (delta > settings.Delta) return ErrorMessages.DeltaAboveParty(delta, Self.Name, settings.Delta);
        }
        if (_parameters.Values.TryGetValue("honest_parties", out var honestText))
        {
            if (!int.TryParse(honestText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int honest) || honest < 1) return $"honest_parties '{honestText}' must be a whole number of at least 1";
            if (honest > AssumedHonestParties) return ErrorMessages.HonestPartiesAboveParty(honest, Self.Name, AssumedHonestParties);
        }
        Mpc.Ledger.LedgerReservation reservation;
        try
        {
            reservation = ledger.Reserve(DatasetName, Id.ToString(), epsilon, settings.Delta, settings.Budget);
        }
        catch (Mpc.Ledger.LedgerIntegrityException e)
        {
            return $"{Self.Name}'s privacy ledger cannot be trusted: {e.Message}";
        }
        if (reservation.Reason is { } reason) return reason;
        if (!reservation.Admitted)
            return FormattableString.Invariant($"the session's epsilon {epsilon} would bring dataset {DatasetName} to {reservation.EpsilonAfter:G4} of its budget {settings.Budget} (delta {settings.Delta}); {reservation.Left:G4} is left");
        _reserved = true;
        return null;
    }

    // Charges the release, as the policy accounted for it, against the session's reservation before the noised value can leave this party.
    private void RecordRelease(string output, NoisedRelease release)
    {
        if (_daemon.Ledger is not { } ledger) throw new RevealRefusedException(output, ErrorMessages.RevealRefused(output, $"{Self.Name} keeps no privacy ledger."));
        try
        {
            ledger.Charge(DatasetName, Id.ToString(), output, release.Noise, release.L1Sensitivity, release.L2Sensitivity, release.SamplingRate, release.HonestParties, Privacy.Delta, Privacy.Budget);
        }
        catch (Exception e) when (e is Mpc.Ledger.PrivacyBudgetExceededException or Mpc.Ledger.LedgerIntegrityException)
        {
            throw new RevealRefusedException(output, ErrorMessages.RevealRefused(output, e.Message));
        }
        _transcript?.PrivateRelease(output, release.Mechanism, release.L1Sensitivity, release.L2Sensitivity, release.Noise, release.Epsilon, release.Delta, release.HonestParties, release.SamplingRate);
    }

    // The session's unused reservation returns to the dataset when it ends, completed or not; a crash leaves it charged.
    private void CloseReservation()
    {
        if (!_reserved) return;
        _reserved = false;
        try
        {
            _daemon.Ledger?.Close(Id.ToString(), _completed);
        }
        catch (Exception e) when (e is Mpc.Ledger.LedgerIntegrityException or Microsoft.Data.Sqlite.SqliteException)
        {
            Logger.LogWarning(DaemonEvents.SessionAborted, "Session {Session}: its reservation stays charged: {Reason}", Id, e.Message);
        }
    }

    // A protocol that declares an "epsilon" parameter gives the session that privacy budget (NaN when it is not a number).
    private double EpsilonBudget() =>
        !_protocol!.Parameters.Any(p => p.Name == "epsilon") ? double.PositiveInfinity
        : double.TryParse(_parameters!.Values["epsilon"], NumberStyles.Float, CultureInfo.InvariantCulture, out double epsilon) ? epsilon : double.NaN;

    private Mpc.Audit.TranscriptWriter? OpenTranscript(FramedConnection?[] connections)
    {
        if (_configuration.TranscriptDirectory is not { } directory) return null;
        // The keys actually presented in the handshakes: during a rotation a member may still use its previous key.
        var peerKeys = connections.Select((c, i) => (c, i)).Where(p => p.c?.PresentedKey is not null).ToDictionary(p => _roster.Parties[p.i].Name, p => p.c!.PresentedKey!, StringComparer.Ordinal);
        var header = new Mpc.Audit.TranscriptHeader(Id, Self.Name, _roster.Hash, _protocol!.Name, _protocol.Id, _parameters!.Values, _parametersHash,
            _protocol.Outputs.Where(o => o.Kind != OutputKind.Derived).Select(o => o.Name).ToList(), Mode, _protocol.Format.RingBits, _protocol.Format.FractionalBits,
            "mpc " + typeof(PartySession).Assembly.GetName().Version, _daemon.Credentials.Certificate.ExportCertificatePem(), _analyst.Name, _analystConnection.PresentedKey ?? _analyst.PublicKey, _daemon.Clock.GetUtcNow())
        {
            PeerKeys = peerKeys,
        };
        return new Mpc.Audit.TranscriptWriter(Path.Combine(directory, $"{Id}.{Self.Name}.transcript.jsonl"), header);
    }

    // This party's transcripts, linked across sessions in the order they end.
    private Mpc.Audit.TranscriptChain? TranscriptChain =>
        _configuration.TranscriptDirectory is { } directory ? new Mpc.Audit.TranscriptChain(directory, Self.Name) : null;

    private sealed class TranscriptObserver(Mpc.Audit.TranscriptWriter transcript, IReadOnlyList<string> names) : IFrameObserver
    {
        public void OnSent(int peer, long tag, ReadOnlySpan<byte> payload) => transcript.Sent(names[peer], tag, payload);

        public void OnReceived(int peer, long tag, ReadOnlySpan<byte> payload) => transcript.Received(names[peer], tag, payload);
    }

    /// <summary>
    /// The abort reason that goes to the peers, the analyst and the transcript: only texts made by the
    /// framework from public facts. A data problem gives its public part (its detail goes to this
    /// party's log); any other exception of protocol code gives only a category, as its message may
    /// quote values.
    /// </summary>
    private (string Reason, string? FailedParty) Describe(Exception e)
    {
        var root = _channel?.Failure ?? e;
        while (root is AggregateException { InnerExceptions.Count: 1 } aggregate) root = aggregate.InnerExceptions[0];
        // A peer's abort may be named as the cause while this party also hit a data problem: its detail still belongs in this log, and it still counts.
        if (e is DataProblemException local && !ReferenceEquals(local, root))
        {
            Logger.LogWarning(DaemonEvents.DataProblem, "Session {Session}: {Detail}", Id, ErrorMessages.ParametersVsDataDetail(Self.Name, _analyst.Name, _dataSlot ?? "(none)", local.Detail));
            _refusedForData |= local.DependsOnValues;
        }
        switch (root)
        {
            // A daemon that stops aborts its sessions itself: a peer closing at the same moment is not the cause.
            case Exception when _daemon.Stopping.IsCancellationRequested:
                return (ErrorMessages.PartyShuttingDown(Self.Name), Self.Name);
            // Named as the analyst's, so no peer blames the party that noticed first, or one that stalled in the abort.
            case Exception when _analystGone:
                return (ErrorMessages.AnalystDisconnected(_analyst.Name), _analyst.Name);
            // Cancelled without a cause of its own (a peer's abort reached it first): it blames no one, so the analyst
            // hears the party that failed rather than a disconnect that did not happen.
            case OperationCanceledException:
                return (ErrorMessages.AnalystDisconnected(_analyst.Name), null);
            case RevealRefusedException refused:
                return (refused.Message, null);
            case ProtocolAbortedException aborted:
                return (aborted.Message, aborted.PartyName);
            case PeerAuthenticationException auth:
                return (auth.Message, null);
            case DataProblemException data:
                Logger.LogWarning(DaemonEvents.DataProblem, "Session {Session}: {Detail}", Id, ErrorMessages.ParametersVsDataDetail(Self.Name, _analyst.Name, _dataSlot ?? "(none)", data.Detail));
                _refusedForData |= data.DependsOnValues;
                return (ErrorMessages.DataFailed(Self.Name, data.PublicMessage), Self.Name);
            case ParameterProblemException or ProtocolParameterException:
                return (ErrorMessages.DataFailed(Self.Name, root.Message), Self.Name);
            // Scripts may construct this type, so its text is made again here rather than taken from it.
            case { } timeout when timeout.GetType().FullName == "Mpc.Scripting.ScriptTimeoutException":
                return (ErrorMessages.DataFailed(Self.Name, ErrorMessages.ScriptTimedOut(_configuration.ScriptTimeLimit)), Self.Name);
            default:
                Logger.LogError(DaemonEvents.ProtocolError, root, "Session {Session}: {Party} failed in protocol code: {Error}", Id, Self.Name, root.ToString());
                return (ErrorMessages.InternalError(Self.Name), Self.Name);
        }
    }

    private async Task<(FramedConnection?[] Connections, PairwiseSeeds Seeds)> ConnectPeersAsync()
    {
        var parties = _roster.Parties;
        var connections = new FramedConnection?[parties.Count];
        var seeds = new byte[]?[parties.Count];
        var dials = new List<Task>();
        for (int j = 0; j < SelfIndex; j++)
        {
            int peer = j;
            dials.Add(Task.Run(async () =>
            {
                var target = parties[peer];
                var stream = await TlsConnector.ConnectAsync(target, _daemon.Credentials, Logger, _daemon.HandshakeTimeout, _cancel.Token, _daemon.Clock).ConfigureAwait(false);
                // Until the peer accepts, only its small PeerReply is expected.
                var connection = new FramedConnection(_daemon.PeerStream(stream), target.Name) { ReceiveLimit = _daemon.PeerHelloBytes, PresentedKey = TlsConnector.PresentedKey(stream) };
                lock (_orphans) _orphans.Add(connection);
                var seed = AesCtrRandom.NewSeed();
                var hello = new PeerHello { PartyName = Self.Name, RosterHash = _roster.Hash, ProtocolId = _protocol!.Id, ParametersHash = _parametersHash, PairSeed = seed };
                await connection.SendAsync(Id, 0, FrameKind.Control, ControlCodec.Encode(hello), _cancel.Token).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token);
                timeout.CancelAfter(_daemon.HandshakeTimeout);
                var reply = ControlCodec.Expect<PeerReply>(await connection.ReadAsync(timeout.Token).ConfigureAwait(false), target.Name);
                if (!reply.Accepted) throw new ProtocolAbortedException($"Session aborted: {target.Name} refused {Self.Name}: {reply.Reason}", target.Name);
                connection.ReceiveLimit = connection.MaxPayloadBytes;
                connections[peer] = connection;
                seeds[peer] = seed;
            }));
        }
        foreach (var (peer, pending) in _incoming)
        {
            dials.Add(Task.Run(async () =>
            {
                try
                {
                    var (connection, hello) = await pending.Task.WaitAsync(_daemon.HandshakeTimeout, _cancel.Token).ConfigureAwait(false);
                    lock (_orphans) _orphans.Add(connection);
                    connections[peer] = connection;
                    seeds[peer] = hello.PairSeed;
                }
                catch (TimeoutException)
                {
                    throw new ProtocolAbortedException(ErrorMessages.PartyTimedOut(parties[peer].Name, _daemon.HandshakeTimeout), parties[peer].Name);
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
            var failures = dials.Where(d => d.IsFaulted).Select(d => d.Exception!.InnerException!).ToList();
            throw failures.OfType<ProtocolAbortedException>().FirstOrDefault(f => f.PartyName is not null) ?? failures.First();
        }
        lock (_orphans) _orphans.Clear();
        return (connections, new PairwiseSeeds(SelfIndex, seeds));
    }

    // Trusted-dealer mode: party 0 draws the dealer secret and sends party i the seed of i's share stream.
    private async Task<byte[]> ExchangeDealerSeedsAsync(FramedConnection?[] connections)
    {
        if (SelfIndex == 0)
        {
            var secret = RandomNumberGenerator.GetBytes(AesCtrRandom.SeedLength);
            for (int j = 1; j < connections.Length; j++)
            {
                var seed = DealerPreprocessing<ulong>.PartySeed(secret, j);
                await connections[j]!.SendAsync(Id, 0, FrameKind.Control, ControlCodec.Encode(new DealerSeedMessage { Seed = seed }), _cancel.Token).ConfigureAwait(false);
            }
            return secret;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancel.Token);
        timeout.CancelAfter(_daemon.HandshakeTimeout);
        string dealer = _roster.Parties[0].Name;
        var message = ControlCodec.Expect<DealerSeedMessage>(await connections[0]!.ReadAsync(timeout.Token).ConfigureAwait(false), dealer);
        if (message.Seed.Length != AesCtrRandom.SeedLength) throw new ProtocolAbortedException($"Session aborted: {dealer} sent a dealer seed of {message.Seed.Length} bytes.", dealer);
        return message.Seed;
    }

    private async Task ReplyAsync(ControlMessage message)
    {
        try
        {
            await _analystConnection.SendAsync(Id, 0, FrameKind.Control, ControlCodec.Encode(message), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Logger.LogWarning(DaemonEvents.AnalystDisconnected, "Session {Session}: could not reach the analyst: {Reason}", Id, e.Message);
        }
    }

    private static string Short(string hash) => hash.Length > 16 ? hash[..16] : hash;

    public async ValueTask DisposeAsync()
    {
        CloseReservation();
        await _cancel.CancelAsync().ConfigureAwait(false);
        if (_channel is not null) await _channel.DisposeAsync().ConfigureAwait(false);
        _transcript?.Dispose();
        foreach (var orphan in _orphans) await orphan.DisposeAsync().ConfigureAwait(false);
        await _analystConnection.DisposeAsync().ConfigureAwait(false);
        _cancel.Dispose();
    }
}
