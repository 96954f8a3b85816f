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
///   "ledger": "privacy-ledger.db",   (default: beside this file)
///   "budgets": { "lung": { "epsilon": 5, "delta": 1e-5 } },   (default per dataset: epsilon 10, delta 1e-5)
///   "dataRefusalsPerDay": 5 }   (refusals for problems in the data, per analyst and dataset in 24 h; then the analyst is refused on that dataset)
/// </remarks>
public sealed class PartyConfiguration
{
    public PartyConfiguration(string name, IReadOnlyDictionary<string, string> datasets, IReadOnlyCollection<string> approvedProtocols, TimeSpan peerTimeout, TimeSpan? scriptTimeLimit = null, string? transcriptDirectory = null,
        string? ledgerPath = null, IReadOnlyDictionary<string, (double Epsilon, double Delta)>? budgets = null, bool allowTrustedDealer = false)
    {
        AllowTrustedDealer = allowTrustedDealer;
        LedgerPath = ledgerPath;
        Budgets = budgets ?? new Dictionary<string, (double, double)>();
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

    /// <summary>Dataset name to absolute CSV path.</summary>
    public IReadOnlyDictionary<string, string> Datasets { get; }

    /// <summary>Protocol ids this party runs.</summary>
    public IReadOnlyCollection<string> ApprovedProtocols { get; }

    /// <summary>How long to wait for a peer's message before aborting the session.</summary>
    public TimeSpan PeerTimeout { get; }

    /// <summary>The SQLite privacy-budget ledger (null: DP releases are not allowed).</summary>
    public string? LedgerPath { get; }

    /// <summary>Privacy budget per dataset name; a dataset without one gets <see cref="DefaultBudget"/>.</summary>
    public IReadOnlyDictionary<string, (double Epsilon, double Delta)> Budgets { get; }

    /// <summary>The budget of a dataset that has none configured: epsilon 10 at delta 1e-5.</summary>
    public static (double Epsilon, double Delta) DefaultBudget => (10, 1e-5);

    public (double Epsilon, double Delta) BudgetOf(string dataset) => Budgets.TryGetValue(dataset, out var budget) ? budget : DefaultBudget;

    /// <summary>The name of the dataset a session uses (the only one when the name is empty).</summary>
    public string ResolveDatasetName(string name) =>
        name.Length > 0 ? name : Datasets.Count == 1 ? Datasets.Keys.Single() : throw new InvalidDataException($"{Name} has {Datasets.Count} datasets ({string.Join(", ", Datasets.Keys)}); pass --param dataset=NAME.");

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
        if (!File.Exists(path)) throw new InvalidDataException($"Party configuration {path} does not exist.");
        string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: the top level must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
        var problems = new List<string>();
        string name = root["name"]?.GetValue<string>() ?? "";
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
        var protocols = (root["protocols"] as JsonArray)?.Select(p => p?.GetValue<string>() ?? "").ToList();
        if (protocols is null) problems.Add("protocols: missing; list the protocol ids this party runs ('mpc approve' prints them).");
        double timeout = root["peerTimeoutSeconds"]?.GetValue<double>() ?? 30;
        if (timeout is <= 0 or > 3600) problems.Add("peerTimeoutSeconds: must be between 0 and 3600.");
        double scriptLimit = root["scriptTimeLimitSeconds"]?.GetValue<double>() ?? 1800;
        if (scriptLimit is <= 0 or > 86400) problems.Add("scriptTimeLimitSeconds: must be between 0 and 86400.");
        double memoryLimit = root["scriptMemoryLimitMegabytes"]?.GetValue<double>() ?? Protocols.ProtocolContext.DefaultScriptMemoryLimitBytes / (1 << 20);
        if (memoryLimit is < 256 or > 1 << 20) problems.Add("scriptMemoryLimitMegabytes: must be between 256 and 1048576.");
        string transcripts = Path.GetFullPath(Path.Combine(baseDirectory, root["transcripts"]?.GetValue<string>() ?? "transcripts"));
        string ledger = Path.GetFullPath(Path.Combine(baseDirectory, root["ledger"]?.GetValue<string>() ?? "privacy-ledger.db"));
        var budgets = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        if (root["budgets"] is JsonObject budgetObject)
        {
            foreach (var (key, value) in budgetObject)
            {
                double? epsilon = value?["epsilon"]?.GetValue<double>();
                double delta = value?["delta"]?.GetValue<double>() ?? 1e-5;
                if (epsilon is not > 0) problems.Add($"budgets.{key}.epsilon: must be a positive number.");
                else if (!datasets.ContainsKey(key)) problems.Add($"budgets.{key}: no dataset of that name.");
                else budgets[key] = (epsilon.Value, delta);
            }
        }
        bool allowDealer = root["allowTrustedDealer"]?.GetValue<bool>() ?? false;
        int dataRefusals = root["dataRefusalsPerDay"]?.GetValue<int>() ?? 5;
        if (dataRefusals is < 0 or > 1000) problems.Add("dataRefusalsPerDay: must be between 0 and 1000.");
        foreach (var key in root.Select(p => p.Key).Where(k => k is not ("name" or "datasets" or "protocols" or "peerTimeoutSeconds" or "scriptTimeLimitSeconds" or "scriptMemoryLimitMegabytes" or "transcripts" or "ledger" or "budgets" or "allowTrustedDealer" or "dataRefusalsPerDay")))
            problems.Add($"{key}: unknown field.");
        if (problems.Count > 0) throw new InvalidDataException($"{path} is not a valid party configuration:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        return new PartyConfiguration(name, datasets, protocols!.ToHashSet(StringComparer.Ordinal), TimeSpan.FromSeconds(timeout), TimeSpan.FromSeconds(scriptLimit), transcripts, ledger, budgets, allowDealer)
        {
            ScriptMemoryLimitBytes = (long)memoryLimit << 20,
            DataRefusalsPerDay = dataRefusals,
        };
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
