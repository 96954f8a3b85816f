using System.Security.Cryptography;
using Mpc.Core;
using Mpc.Federation.Protocols;

namespace Mpc.Federation;

/// <summary>
/// Resolves a party's policy ids before it serves: "builtin:NAME" must be a built-in protocol, "sha256:..." the
/// hash of a script in the party's script folder; an id that matches nothing (a typo) is refused, not ignored.
/// </summary>
public static class PartyPolicy
{
    /// <summary>The approved protocols by name; throws <see cref="PartyConfigurationException"/> listing every id that matches nothing.</summary>
    public static IReadOnlyList<ApprovedProtocol> Resolve(PartyConfiguration configuration, ProtocolCatalog catalog)
    {
        var (approved, problems) = Check(configuration, catalog);
        if (problems.Count > 0) throw new PartyConfigurationException(FederationErrors.PolicyNamesUnknownProtocols(configuration.Name, problems));
        return approved;
    }

    /// <summary>The protocols the ids resolve to, and a problem for each id that resolves to nothing.</summary>
    public static (IReadOnlyList<ApprovedProtocol> Approved, IReadOnlyList<string> Problems) Check(PartyConfiguration configuration, ProtocolCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(catalog);
        var builtIns = catalog.All.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var scripts = Scripts(configuration.ScriptDirectory);
        var approved = new List<ApprovedProtocol>();
        var problems = new List<string>();
        foreach (var id in configuration.ApprovedProtocols.Order(StringComparer.Ordinal))
        {
            if (builtIns.TryGetValue(id, out var builtIn)) approved.Add(new ApprovedProtocol(id, builtIn.Name, null));
            else if (id.StartsWith("sha256:", StringComparison.Ordinal) && scripts.TryGetValue(id, out var path)) approved.Add(new ApprovedProtocol(id, Path.GetFileNameWithoutExtension(path), path));
            else if (id.StartsWith("sha256:", StringComparison.Ordinal)) problems.Add(ErrorMessages.UnknownScriptHash(id, configuration.ScriptDirectory ?? "(no script folder)"));
            else problems.Add(ErrorMessages.UnknownPolicyId(id, builtIns.Keys.Order(StringComparer.Ordinal)));
        }
        return (approved, problems);
    }

    // A script's id is the SHA-256 of its file's bytes, as 'mpc approve' and sha256sum compute it.
    private static Dictionary<string, string> Scripts(string? directory)
    {
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (directory is null || !Directory.Exists(directory)) return scripts;
        foreach (var file in Directory.EnumerateFiles(directory, "*.csx").Order(StringComparer.Ordinal))
            scripts.TryAdd("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file))), file);
        return scripts;
    }
}
