using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Mpc.Federation;

/// <summary>
/// A party's local configuration (never shared): its roster name, its datasets and its policy.
/// </summary>
/// <remarks>
/// Format (paths relative to the file):
/// { "name": "hospital-a",
///   "datasets": { "lung": "data/lung-a.csv" },
///   "protocols": [ "builtin:pooled-statistics", "sha256:&lt;script hash&gt;" ],
///   "peerTimeoutSeconds": 30,
///   "scriptTimeLimitSeconds": 1800,
///   "scriptMemoryLimitMegabytes": 4096,   (a script's worker process is killed above it)
///   "transcripts": "transcripts",    (default: a "transcripts" folder beside this file)
///   "ledger": "hospital-a.privacy-ledger.db",   (default: NAME.privacy-ledger.db beside this file; one per party, bound to its key)
///   "privacy": { "lung": { "budget": 5, "delta": 1e-5, "honestParties": 1, "sessionEpsilonCap": 2 } },
///   "allowHonestMajority": false,   (join sessions on the honest-majority engines, "replicated", 3 to 7 parties, and "shamir", 8 or more)
///   "dataRefusalsPerDay": 5 }   (refusals for problems in the data, per analyst and dataset in 24 h; then the analyst is refused on that dataset)
/// privacy, per dataset, all optional (defaults: budget 10, delta 1e-5, honestParties 1, sessionEpsilonCap = budget):
/// budget is the epsilon all sessions together may spend (RDP composition); every DP
/// release is calibrated and charged at delta, and an analyst's larger delta is refused; noise is sized for at most
/// honestParties honest parties, and the ledger charges what the noise guarantees under that assumption; one session
/// reserves at most sessionEpsilonCap.
/// Disclosure limits on exact outputs, per dataset in the same object (defaults: minCellCount 3, minGroupSize 3,
/// exactIntermediates false): every cell of a count output and every group behind an exact statistic holds 0 or at
/// least that many of the party's own rows, checked before it contributes; exactIntermediates lets a protocol open
/// exact pooled intermediates to every party; allowSuppression (default false) lets an analyst ask for a table with
/// its small cells suppressed instead of refused.
/// The older form "budgets": { "lung": { "epsilon": 5, "delta": 1e-5 } } is still read (budget and delta only).
/// </remarks>
public sealed class PartyConfiguration
{
    public PartyConfiguration(string name, IReadOnlyDictionary<string, string> datasets, IReadOnlyCollection<string> approvedProtocols, TimeSpan peerTimeout, TimeSpan? scriptTimeLimit = null, string? transcriptDirectory = null,
        string? ledgerPath = null, IReadOnlyDictionary<string, (double Epsilon, double Delta)>? budgets = null, bool allowTrustedDealer = false,
        IReadOnlyDictionary<string, DatasetPrivacy>? privacy = null)
    {
        AllowTrustedDealer = allowTrustedDealer;
        LedgerPath = ledgerPath;
        var settings = new Dictionary<string, DatasetPrivacy>(StringComparer.Ordinal);
        foreach (var (dataset, (epsilon, delta)) in budgets ?? new Dictionary<string, (double, double)>()) settings[dataset] = new DatasetPrivacy(epsilon, delta);
        foreach (var (dataset, value) in privacy ?? new Dictionary<string, DatasetPrivacy>()) settings[dataset] = value;
        Privacy = settings;
        TranscriptDirectory = transcriptDirectory;
        Name = name;
        Datasets = datasets;
        ApprovedProtocols = approvedProtocols;
        PeerTimeout = peerTimeout;
        ScriptTimeLimit = scriptTimeLimit ?? TimeSpan.FromMinutes(30);
    }

    public string Name { get; }

    /// <summary>
    /// Whether this party joins sessions with trusted-dealer preprocessing, where party 1 sees every
    /// mask. Off by default: a real federation runs the dealer-free "ot" mode; the dealer is for tests.
    /// </summary>
    public bool AllowTrustedDealer { get; }

    /// <summary>
    /// Whether this party joins sessions on the honest-majority engines ("replicated", 3 to 7 parties; "shamir", 8 to 63):
    /// secure only if at most floor((N - 1) / 2) parties collude (one of 3 or 4, two of 5 or 6, three of 7, nine of 20). Off by default: the "ot" engine holds against any number of colluders.
    /// </summary>
    public bool AllowHonestMajority { get; init; }

    /// <summary>Dataset name to absolute CSV path.</summary>
    public IReadOnlyDictionary<string, string> Datasets { get; }

    /// <summary>Protocol ids this party runs.</summary>
    public IReadOnlyCollection<string> ApprovedProtocols { get; }

    /// <summary>How long to wait for a peer's message before aborting the session.</summary>
    public TimeSpan PeerTimeout { get; }

    /// <summary>The SQLite privacy-budget ledger (null: DP releases are not allowed).</summary>
    public string? LedgerPath { get; }

    /// <summary>Privacy settings per dataset name; a dataset without any gets <see cref="DatasetPrivacy.Default"/>.</summary>
    public IReadOnlyDictionary<string, DatasetPrivacy> Privacy { get; }

    /// <summary>The budget of a dataset that has none configured: epsilon 10 at delta 1e-5.</summary>
    public static (double Epsilon, double Delta) DefaultBudget => (DatasetPrivacy.Default.Budget, DatasetPrivacy.Default.Delta);

    public DatasetPrivacy PrivacyOf(string dataset) => Privacy.TryGetValue(dataset, out var settings) ? settings : DatasetPrivacy.Default;

    public (double Epsilon, double Delta) BudgetOf(string dataset) => (PrivacyOf(dataset).Budget, PrivacyOf(dataset).Delta);

    /// <summary>The name of the dataset a session uses (the only one when the name is empty).</summary>
    public string ResolveDatasetName(string name) =>
        name.Length > 0 ? name : Datasets.Count == 1 ? Datasets.Keys.Single() : throw new InvalidDataException(FederationErrors.DatasetNotChosen(Name, Datasets.Count, Datasets.Keys));

    /// <summary>The address (and optionally port) to listen on, when not the roster endpoint's host and port (null: the roster's).</summary>
    public string? Listen { get; init; }

    /// <summary>The folder of the approved scripts whose "sha256:" ids the policy lists (null: none).</summary>
    public string? ScriptDirectory { get; init; }

    /// <summary>Where this party writes its signed session transcripts (null: none).</summary>
    public string? TranscriptDirectory { get; }

    /// <summary>How long a protocol script may run in one session before the session aborts.</summary>
    public TimeSpan ScriptTimeLimit { get; }

    /// <summary>How much memory a protocol script's worker process may use before it is killed and its session aborted.</summary>
    public long ScriptMemoryLimitBytes { get; init; } = Protocols.ProtocolContext.DefaultScriptMemoryLimitBytes;

    /// <summary>
    /// How many sessions one analyst may have refused or aborted for a problem in the data of one dataset
    /// (a value outside the levels, a missing value, ...) within 24 hours. Each such refusal answers a
    /// yes/no question about the values, so past this number the party refuses that analyst on that
    /// dataset, without reading it, until the window has passed. Default 5.
    /// </summary>
    public int DataRefusalsPerDay { get; init; } = 5;

    /// <summary>The prefix of environment variables that override a party's configuration file, "__" between levels (MPC_PARTY__LISTEN).</summary>
    public const string EnvironmentPrefix = "MPC_PARTY__";

    /// <summary>
    /// Reads a configuration file (JSON with comments and trailing commas) with the environment's overrides, binds it to
    /// <see cref="PartyOptions"/> and validates it; throws <see cref="PartyConfigurationException"/> naming every bad key.
    /// </summary>
    public static PartyConfiguration Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new PartyConfigurationException(FederationErrors.ConfigurationMissing(path));
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        IConfigurationRoot root;
        try
        {
            // The JSON provider skips comments (a hash can say which script it is) and allows the trailing commas hand edits leave.
            root = new ConfigurationBuilder().AddJsonStream(new MemoryStream(File.ReadAllBytes(path))).AddEnvironmentVariables(EnvironmentPrefix).Build();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new PartyConfigurationException(FederationErrors.ConfigurationNotJson(path, (e.InnerException ?? e).Message), e);
        }
        var problems = new List<string>();
        var malformed = ConfigurationShape.Check(root, typeof(PartyOptions), problems);
        // The values that cannot bind are left out, so the rest is still validated and every problem reported at once.
        var bindable = new ConfigurationBuilder().AddInMemoryCollection(root.AsEnumerable().Where(e => !malformed.Contains(e.Key))).Build();
        PartyOptions? options = null;
        {
            var services = new ServiceCollection();
            services.AddOptions<PartyOptions>().Bind(bindable);
            services.AddSingleton<IValidateOptions<PartyOptions>>(new PartyOptionsValidator(baseDirectory, Given(root, "protocols")));
            using var provider = services.BuildServiceProvider();
            try
            {
                options = provider.GetRequiredService<IOptions<PartyOptions>>().Value;
            }
            catch (OptionsValidationException e)
            {
                problems.AddRange(e.Failures);
            }
        }
        if (problems.Count > 0)
            throw new PartyConfigurationException(FederationErrors.ConfigurationInvalid(path, problems.Select(p => WithOrigin(root, p))));
        return FromOptions(options!, baseDirectory);
    }

    private static PartyConfiguration FromOptions(PartyOptions options, string baseDirectory)
    {
        string Full(string file) => Path.GetFullPath(Path.Combine(baseDirectory, file));
        string name = options.Name!;
        var defaults = DatasetPrivacy.Default;
        var privacy = new Dictionary<string, DatasetPrivacy>(StringComparer.Ordinal);
        var datasets = options.Datasets.ToDictionary(d => d.Key, d => Full(d.Value), StringComparer.Ordinal);
        // Privacy settings are filed under the dataset's name as the datasets spell it, whatever case an override used.
        string Dataset(string key) => datasets.Keys.First(d => string.Equals(d, key, StringComparison.OrdinalIgnoreCase));
        foreach (var (key, budget) in options.Budgets) privacy[Dataset(key)] = new DatasetPrivacy(budget.Epsilon ?? defaults.Budget, budget.Delta ?? defaults.Delta);
        foreach (var (key, p) in options.Privacy)
        {
            privacy[Dataset(key)] = new DatasetPrivacy(p.Budget ?? defaults.Budget, p.Delta ?? defaults.Delta, (int?)p.HonestParties ?? defaults.HonestParties, p.SessionEpsilonCap,
                (int?)p.MinCellCount ?? defaults.MinCellCount, (int?)p.MinGroupSize ?? defaults.MinGroupSize, p.ExactIntermediates ?? defaults.ExactIntermediates,
                p.AllowSuppression ?? defaults.AllowSuppression,
                p.Bounds?.ToDictionary(b => b.Key, b => new Protocols.ColumnRange(b.Value[0], b.Value[1]), StringComparer.Ordinal));
        }
        // Each party's ledger is its own file, named after it, so parties sharing a folder never share a ledger.
        return new PartyConfiguration(name, datasets, options.Protocols.ToHashSet(StringComparer.Ordinal), TimeSpan.FromSeconds(options.PeerTimeoutSeconds ?? 30),
            TimeSpan.FromSeconds(options.ScriptTimeLimitSeconds ?? 1800), Full(options.Transcripts ?? "transcripts"), Full(options.Ledger ?? name + ".privacy-ledger.db"),
            null, options.AllowTrustedDealer ?? false, privacy)
        {
            ScriptMemoryLimitBytes = options.ScriptMemoryLimitMegabytes is { } megabytes ? (long)megabytes << 20 : Protocols.ProtocolContext.DefaultScriptMemoryLimitBytes,
            DataRefusalsPerDay = options.DataRefusalsPerDay ?? 5,
            AllowHonestMajority = options.AllowHonestMajority ?? false,
            Listen = options.Listen,
            ScriptDirectory = Full(options.Scripts ?? "scripts"),
        };
    }

    // An empty list binds as no list at all; whether the key was written tells "protocols": [] from a forgotten field.
    private static bool Given(IConfigurationRoot root, string key) => root.Providers.Any(p => p.TryGet(key, out _) || p.GetChildKeys([], key).Any());

    // A problem with a value the environment set names the variable, since the file does not show it.
    private static string WithOrigin(IConfigurationRoot root, string problem)
    {
        int colon = problem.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0) return problem;
        string key = ConfigurationShape.PathOf(problem[..colon]);
        return root.Providers.LastOrDefault(p => p.TryGet(key, out _)) is EnvironmentVariablesConfigurationProvider
            ? $"{problem.TrimEnd('.')} (set by {EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal).ToUpperInvariant()})."
            : problem;
    }

    /// <summary>The path of the named dataset, or of the only one when the name is empty.</summary>
    public string ResolveDataset(string name)
    {
        if (name.Length == 0)
        {
            if (Datasets.Count == 1) return Datasets.Values.Single();
            throw new InvalidDataException(FederationErrors.DatasetNotChosen(Name, Datasets.Count, Datasets.Keys));
        }
        return Datasets.TryGetValue(name, out var path) ? path : throw new InvalidDataException(FederationErrors.NoSuchDataset(Name, name, Datasets.Keys));
    }
}
