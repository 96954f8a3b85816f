using System.Text.Json;
using System.Text.Json.Nodes;

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
///   "allowHonestMajority": false,   (join sessions on the 3-party honest-majority engine, "replicated")
///   "dataRefusalsPerDay": 5 }   (refusals for problems in the data, per analyst and dataset in 24 h; then the analyst is refused on that dataset)
/// privacy, per dataset, all optional (defaults: budget 10, delta 1e-5, honestParties 1, sessionEpsilonCap = budget):
/// budget is the epsilon all sessions together may spend (RDP composition); every DP
/// release is calibrated and charged at delta, and an analyst's larger delta is refused; noise is sized for at most
/// honestParties honest parties, and the ledger charges what the noise guarantees under that assumption; one session
/// reserves at most sessionEpsilonCap.
/// Disclosure limits on exact outputs, per dataset in the same object (defaults: minCellCount 3, minGroupSize 3,
/// exactIntermediates false): every cell of a count output and every group behind an exact statistic holds 0 or at
/// least that many of the party's own rows, checked before it contributes; exactIntermediates lets a protocol open
/// exact pooled intermediates to every party.
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
    /// Whether this party joins sessions on the honest-majority engine ("replicated", three parties): secure
    /// only if no two parties collude. Off by default: the "ot" engine holds against any number of colluders.
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
        name.Length > 0 ? name : Datasets.Count == 1 ? Datasets.Keys.Single() : throw new InvalidDataException($"{Name} has {Datasets.Count} datasets ({string.Join(", ", Datasets.Keys)}); pass --param dataset=NAME.");

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

    public static PartyConfiguration Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new PartyConfigurationException($"Party configuration {path} does not exist.");
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        JsonObject root;
        try
        {
            // Comments let an operator say which script a hash is; trailing commas are what hand edits leave.
            root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                ?? throw new PartyConfigurationException($"{path}: the top level must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new PartyConfigurationException($"{path}: not valid JSON ({e.Message})", e);
        }
        var problems = new List<string>();
        string name = ReadText(root, "name", "a string", problems) ?? "";
        if (name.Length == 0) problems.Add("name: missing.");
        var datasets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root["datasets"] is JsonObject sets)
        {
            foreach (var (key, value) in sets)
            {
                string? file = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                if (file is null) problems.Add($"datasets.{key}: must be a file path.");
                else
                {
                    string full = Path.GetFullPath(Path.Combine(baseDirectory, file));
                    if (!File.Exists(full)) problems.Add($"datasets.{key}: {full} does not exist.");
                    datasets[key] = full;
                }
            }
        }
        else problems.Add("datasets: missing, or not an object of name: path.");
        var protocols = (root["protocols"] as JsonArray)?.Select((p, i) => p is JsonValue v && v.TryGetValue<string>(out var id) ? id : Problem($"protocols[{i}]: must be a protocol id string.")).ToList();
        if (protocols is null) problems.Add("protocols: missing; list the protocol ids this party runs ('mpc approve' prints them).");
        double timeout = Read<double>(root, "peerTimeoutSeconds", "a number", problems) ?? 30;
        if (timeout is <= 0 or > 3600) problems.Add("peerTimeoutSeconds: must be between 0 and 3600.");
        double scriptLimit = Read<double>(root, "scriptTimeLimitSeconds", "a number", problems) ?? 1800;
        if (scriptLimit is <= 0 or > 86400) problems.Add("scriptTimeLimitSeconds: must be between 0 and 86400.");
        double memoryLimit = Read<double>(root, "scriptMemoryLimitMegabytes", "a number", problems) ?? Protocols.ProtocolContext.DefaultScriptMemoryLimitBytes / (1 << 20);
        if (memoryLimit is < 256 or > 1 << 20) problems.Add("scriptMemoryLimitMegabytes: must be between 256 and 1048576.");
        string transcripts = Path.GetFullPath(Path.Combine(baseDirectory, ReadText(root, "transcripts", "a folder path", problems) ?? "transcripts"));
        // Each party's ledger is its own file, named after it, so parties sharing a folder never share a ledger.
        string ledger = Path.GetFullPath(Path.Combine(baseDirectory, ReadText(root, "ledger", "a file path", problems) ?? name + ".privacy-ledger.db"));
        var privacy = new Dictionary<string, DatasetPrivacy>(StringComparer.Ordinal);
        if (root["budgets"] is JsonObject budgetObject)
        {
            foreach (var (key, value) in budgetObject)
            {
                if (!datasets.ContainsKey(key)) problems.Add($"budgets.{key}: no dataset of that name.");
                else if (ReadPrivacy($"budgets.{key}", value as JsonObject, "epsilon", problems) is { } settings) privacy[key] = settings;
            }
        }
        if (root["privacy"] is JsonObject privacyObject)
        {
            foreach (var (key, value) in privacyObject)
            {
                if (!datasets.ContainsKey(key)) problems.Add($"privacy.{key}: no dataset of that name.");
                else if (privacy.ContainsKey(key)) problems.Add($"privacy.{key}: also under budgets; give it in one place.");
                else if (ReadPrivacy($"privacy.{key}", value as JsonObject, "budget", problems) is { } settings) privacy[key] = settings;
            }
        }
        else if (root["privacy"] is not null) problems.Add("privacy: must be an object of dataset: settings.");
        bool allowDealer = Read<bool>(root, "allowTrustedDealer", "true or false", problems) ?? false;
        bool allowHonestMajority = Read<bool>(root, "allowHonestMajority", "true or false", problems) ?? false;
        int dataRefusals = Read<int>(root, "dataRefusalsPerDay", "a whole number", problems) ?? 5;
        string? listen = ReadText(root, "listen", "an address string", problems);
        string scripts = Path.GetFullPath(Path.Combine(baseDirectory, ReadText(root, "scripts", "a folder path", problems) ?? "scripts"));
        if (listen is not null && !ListenAddress.TryParse(listen, out _, out _)) problems.Add(Mpc.Core.ErrorMessages.ListenMalformed(listen));
        if (dataRefusals is < 0 or > 1000) problems.Add("dataRefusalsPerDay: must be between 0 and 1000.");
        foreach (var key in root.Select(p => p.Key).Where(k => k is not ("name" or "datasets" or "protocols" or "peerTimeoutSeconds" or "scriptTimeLimitSeconds" or "scriptMemoryLimitMegabytes" or "transcripts" or "ledger" or "budgets" or "privacy" or "allowTrustedDealer" or "allowHonestMajority" or "dataRefusalsPerDay" or "listen" or "scripts")))
            problems.Add($"{key}: unknown field.");
        if (problems.Count > 0) throw new PartyConfigurationException($"{path} is not a valid party configuration:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        return new PartyConfiguration(name, datasets, protocols!.ToHashSet(StringComparer.Ordinal), TimeSpan.FromSeconds(timeout), TimeSpan.FromSeconds(scriptLimit), transcripts, ledger, null, allowDealer, privacy)
        {
            ScriptMemoryLimitBytes = (long)memoryLimit << 20,
            DataRefusalsPerDay = dataRefusals,
            AllowHonestMajority = allowHonestMajority,
            Listen = listen,
            ScriptDirectory = scripts,
        };

        string Problem(string text)
        {
            problems.Add(text);
            return "";
        }
    }

    // A field of the wrong JSON type (a number given as a string) is a problem naming the field, not an exception.
    private static T? Read<T>(JsonObject root, string field, string expected, List<string> problems) where T : struct =>
        root[field] is null ? null : root[field] is JsonValue v && v.TryGetValue<T>(out var value) ? value : Missing<T?>(problems, $"{field}: must be {expected}, not {root[field]!.ToJsonString()}.");

    private static string? ReadText(JsonObject root, string field, string expected, List<string> problems) =>
        root[field] is null ? null : root[field] is JsonValue v && v.TryGetValue<string>(out var value) ? value : Missing<string?>(problems, $"{field}: must be {expected}, not {root[field]!.ToJsonString()}.");

    private static TResult Missing<TResult>(List<string> problems, string problem)
    {
        problems.Add(problem);
        return default!;
    }

    // One dataset's privacy settings; every field optional, each checked so a typo cannot widen what leaves.
    private static DatasetPrivacy? ReadPrivacy(string where, JsonObject? value, string budgetField, List<string> problems)
    {
        if (value is null)
        {
            problems.Add($"{where}: must be an object.");
            return null;
        }
        int before = problems.Count;
        double? Number(string field)
        {
            if (value[field] is null) return null;
            if (value[field] is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d)) return d;
            problems.Add($"{where}.{field}: must be a number.");
            return null;
        }
        int? Integer(string field)
        {
            double? d = Number(field);
            if (d is null) return null;
            if (d != Math.Round(d.Value) || d < 0 || d > int.MaxValue) problems.Add($"{where}.{field}: must be a whole number, 0 or more.");
            return (int)Math.Clamp(d.Value, 0, int.MaxValue);
        }
        var defaults = DatasetPrivacy.Default;
        double budget = Number(budgetField) ?? defaults.Budget;
        double delta = Number("delta") ?? defaults.Delta;
        int honest = Integer("honestParties") ?? defaults.HonestParties;
        double? cap = Number("sessionEpsilonCap");
        int minCell = Integer("minCellCount") ?? defaults.MinCellCount;
        int minGroup = Integer("minGroupSize") ?? defaults.MinGroupSize;
        bool exactIntermediates = false;
        if (value["exactIntermediates"] is { } flag)
        {
            if (flag is JsonValue f && f.TryGetValue<bool>(out var b)) exactIntermediates = b;
            else problems.Add($"{where}.exactIntermediates: must be true or false.");
        }
        foreach (var field in value.Select(p => p.Key).Where(k => k != budgetField && k is not ("delta" or "honestParties" or "sessionEpsilonCap" or "minCellCount" or "minGroupSize" or "exactIntermediates")))
            problems.Add($"{where}.{field}: unknown field.");
        if (minCell < 1) problems.Add($"{where}.minCellCount: must be at least 1 (1 turns the check off).");
        if (minGroup < 1) problems.Add($"{where}.minGroupSize: must be at least 1 (1 turns the check off).");
        if (!(budget > 0)) problems.Add($"{where}.{budgetField}: must be a positive number.");
        if (!(delta > 0 && delta < 1)) problems.Add($"{where}.delta: must be between 0 and 1.");
        if (honest < 1) problems.Add($"{where}.honestParties: must be at least 1.");
        if (cap is { } c && !(c > 0)) problems.Add($"{where}.sessionEpsilonCap: must be a positive number.");
        return problems.Count > before ? null : new DatasetPrivacy(budget, delta, honest, cap, minCell, minGroup, exactIntermediates);
    }

    /// <summary>The path of the named dataset, or of the only one when the name is empty.</summary>
    public string ResolveDataset(string name)
    {
        if (name.Length == 0)
        {
            if (Datasets.Count == 1) return Datasets.Values.Single();
            throw new InvalidDataException($"{Name} has {Datasets.Count} datasets ({string.Join(", ", Datasets.Keys)}); pass --param dataset=NAME.");
        }
        return Datasets.TryGetValue(name, out var path) ? path : throw new InvalidDataException($"{Name} has no dataset '{name}'; it has {string.Join(", ", Datasets.Keys)}.");
    }
}
