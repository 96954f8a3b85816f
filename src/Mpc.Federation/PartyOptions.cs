namespace Mpc.Federation;

/// <summary>
/// A party's configuration as it is bound from its JSON file and the environment (Options pattern): the file's
/// fields, every one optional here; <see cref="PartyConfiguration.Load"/> validates them and resolves the paths.
/// </summary>
/// <remarks>
/// Environment variables named <see cref="PartyConfiguration.EnvironmentPrefix"/> and the field's path with "__"
/// between levels override the file (MPC_PARTY__PEERTIMEOUTSECONDS=60, MPC_PARTY__PRIVACY__LUNG__BUDGET=5,
/// MPC_PARTY__PROTOCOLS__3=sha256:...), as a container's settings do.
/// </remarks>
public sealed class PartyOptions
{
    public string? Name { get; set; }

    // Configuration keys are case-insensitive (MPC_PARTY__PRIVACY__LUNG__BUDGET names "lung"), so the maps are too.

    /// <summary>Dataset name to CSV path (relative to the configuration file).</summary>
    public Dictionary<string, string> Datasets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The protocol ids this party runs.</summary>
    public List<string> Protocols { get; set; } = [];

    public double? PeerTimeoutSeconds { get; set; }

    public double? ScriptTimeLimitSeconds { get; set; }

    public double? ScriptMemoryLimitMegabytes { get; set; }

    public string? Transcripts { get; set; }

    public string? Ledger { get; set; }

    /// <summary>The older form of <see cref="Privacy"/>: budget ("epsilon") and delta only.</summary>
    public Dictionary<string, BudgetOptions> Budgets { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, PrivacyOptions> Privacy { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public bool? AllowTrustedDealer { get; set; }

    public bool? AllowHonestMajority { get; set; }

    public int? DataRefusalsPerDay { get; set; }

    public string? Listen { get; set; }

    public string? Scripts { get; set; }
}
