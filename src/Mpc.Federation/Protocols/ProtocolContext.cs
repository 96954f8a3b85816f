using System.Numerics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Data;
using Mpc.Runtime;

namespace Mpc.Federation.Protocols;

/// <summary>
/// What a party's protocol code gets: its dataset, the bound parameters, and the means to create
/// its runtime (channel, pairwise seeds, preprocessing, reveal policy, output sink).
/// </summary>
public sealed class ProtocolContext
{
    private readonly Func<CsvTable> _dataset;
    private readonly PairwiseSeeds _seeds;
    private readonly byte[] _dealerMaterial;
    private readonly IRevealPolicy _revealPolicy;
    private readonly IOutputSink _outputs;
    private readonly Action<string, double>? _progress;
    private RuntimeStatistics? _statistics;
    private Func<long>? _preprocessingBytes;
    private long _workerRounds;
    private long _workerBytes;
    private readonly DisclosureLimits? _limits;

    public ProtocolContext(IPartyChannel channel, ProtocolParameters parameters, Func<CsvTable> dataset, PairwiseSeeds seeds, PreprocessingMode preprocessing, byte[] dealerMaterial,
        IRevealPolicy revealPolicy, IOutputSink outputs, Action<string, double>? progress, CancellationToken cancellation, TimeSpan? timeLimit = null,
        ILogger? logger = null, long scriptMemoryLimitBytes = DefaultScriptMemoryLimitBytes, DisclosureLimits? limits = null)
    {
        _limits = limits;
        TimeLimit = timeLimit ?? TimeSpan.FromMinutes(30);
        Logger = logger ?? NullLogger.Instance;
        ScriptMemoryLimitBytes = scriptMemoryLimitBytes;
        Channel = channel;
        Parameters = parameters;
        _dataset = dataset;
        _seeds = seeds;
        _dealerMaterial = dealerMaterial;
        Preprocessing = Enum.IsDefined(preprocessing) ? preprocessing : throw new ArgumentOutOfRangeException(nameof(preprocessing), preprocessing, null);
        _revealPolicy = revealPolicy;
        _outputs = outputs;
        _progress = progress;
        Cancellation = cancellation;
    }

    /// <summary>A script worker's memory cap when the party configures none: 4 GiB.</summary>
    public const long DefaultScriptMemoryLimitBytes = 4L << 30;

    public IPartyChannel Channel { get; }

    /// <summary>
    /// The party's disclosure limits for the session's dataset (none when its policy has none); in a script worker, whose policy
    /// is its daemon's, the limits the daemon handed over, so the script can decide what to suppress.
    /// </summary>
    public DisclosureLimits Limits => _limits ?? (_revealPolicy is DeclaredOutputsPolicy declared ? declared.Limits : DisclosureLimits.None);

    /// <summary>The party's own log: full detail of failures goes here, never to peers or the analyst.</summary>
    public ILogger Logger { get; }

    /// <summary>How much memory the worker process of an analyst's script may use at this party.</summary>
    public long ScriptMemoryLimitBytes { get; }

    internal PairwiseSeeds Seeds => _seeds;

    internal byte[] DealerMaterial => _dealerMaterial;

    internal IRevealPolicy RevealPolicy => _revealPolicy;

    internal IOutputSink Outputs => _outputs;

    public ProtocolParameters Parameters { get; }

    public CancellationToken Cancellation { get; }

    /// <summary>The engine of the session's correlated randomness.</summary>
    public PreprocessingMode Preprocessing { get; }

    /// <summary>How long protocol code written by analysts (scripts) may run at this party.</summary>
    public TimeSpan TimeLimit { get; }

    public int PartyIndex => Channel.PartyIndex;

    public int PartyCount => Channel.PartyCount;

    public string PartyName => Channel.GetPartyName(Channel.PartyIndex);

    /// <summary>This party's dataset (loaded on first use).</summary>
    public CsvTable Dataset => _dataset();

    /// <summary>Communication counters of the runtime's online phase, once created.</summary>
    public RuntimeStatistics? Statistics => _statistics;

    /// <summary>Communication rounds of the online phase (of the runtime here, or of a script's worker).</summary>
    public long Rounds => (_statistics?.Rounds ?? 0) + Interlocked.Read(ref _workerRounds);

    /// <summary>Bytes sent by the online phase and by dealer-free preprocessing together.</summary>
    public long BytesSent => (_statistics?.BytesSent ?? 0) + Interlocked.Read(ref _workerBytes) + (_preprocessingBytes?.Invoke() ?? 0);

    /// <summary>
    /// The runtime for this session, over ring T. Preprocessing is made by OT between the parties, from
    /// replicated sharing (3 to 7 parties, honest majority), from Shamir sharing (8 or more, honest majority), or (dealer mode) comes from the trusted dealer:
    /// party 0 holds the dealer secret, every other party the seed the dealer sent it.
    /// </summary>
    public MpcRuntime<T> CreateRuntime<T>(Mpc.Core.FixedPointFormat format) where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var preprocessing = PreprocessingEngines.Create<T>(Preprocessing, Channel, _seeds, _dealerMaterial, Cancellation);
        _preprocessingBytes = () => preprocessing.BytesSent;
        var runtime = new MpcRuntime<T>(Channel, preprocessing, format, _seeds, _revealPolicy, Cancellation, _outputs);
        _statistics = runtime.Statistics;
        return runtime;
    }

    /// <summary>The counters a script's worker process reported for the runtime it ran.</summary>
    internal void RecordWorkerStatistics(long rounds, long bytesSent)
    {
        Interlocked.Exchange(ref _workerRounds, rounds);
        Interlocked.Exchange(ref _workerBytes, bytesSent);
    }

    public void ReportProgress(string stage, double fraction) => _progress?.Invoke(stage, fraction);
}
