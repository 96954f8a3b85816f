using Microsoft.Extensions.Options;

namespace Mpc.Federation;

/// <summary>
/// Validates bound <see cref="PartyOptions"/>: every problem is one line naming its field, so that a typo can never
/// widen what leaves the party (a privacy setting out of range is refused, not clamped).
/// </summary>
internal sealed class PartyOptionsValidator(string baseDirectory, bool protocolsGiven) : IValidateOptions<PartyOptions>
{
    public ValidateOptionsResult Validate(string? name, PartyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name)) problems.Add("name: missing.");
        if (options.Datasets.Count == 0) problems.Add("datasets: missing; give an object of name: path.");
        foreach (var (key, file) in options.Datasets)
        {
            string full = Path.GetFullPath(Path.Combine(baseDirectory, file));
            if (!File.Exists(full)) problems.Add($"datasets.{key}: {full} does not exist.");
        }
        if (!protocolsGiven) problems.Add("protocols: missing; list the protocol ids this party runs ('mpc approve' prints them).");
        if (options.PeerTimeoutSeconds is <= 0 or > 3600) problems.Add("peerTimeoutSeconds: must be between 0 and 3600.");
        if (options.ScriptTimeLimitSeconds is <= 0 or > 86400) problems.Add("scriptTimeLimitSeconds: must be between 0 and 86400.");
        if (options.ScriptMemoryLimitMegabytes is < 256 or > 1 << 20) problems.Add("scriptMemoryLimitMegabytes: must be between 256 and 1048576.");
        if (options.DataRefusalsPerDay is < 0 or > 1000) problems.Add("dataRefusalsPerDay: must be between 0 and 1000.");
        if (options.Listen is { } listen && !ListenAddress.TryParse(listen, out _, out _)) problems.Add(Mpc.Core.ErrorMessages.ListenMalformed(listen));
        // Named as the datasets spell the name, whatever case an environment override used.
        string Dataset(string key) => options.Datasets.Keys.FirstOrDefault(d => string.Equals(d, key, StringComparison.OrdinalIgnoreCase)) ?? key;
        foreach (var (key, budget) in options.Budgets)
        {
            if (!options.Datasets.ContainsKey(key)) problems.Add($"budgets.{key}: no dataset of that name.");
            else CheckPrivacy($"budgets.{Dataset(key)}", "epsilon", budget.Epsilon, new PrivacyOptions { Delta = budget.Delta }, problems);
        }
        foreach (var (key, privacy) in options.Privacy)
        {
            if (!options.Datasets.ContainsKey(key)) problems.Add($"privacy.{key}: no dataset of that name.");
            else if (options.Budgets.ContainsKey(key)) problems.Add($"privacy.{Dataset(key)}: also under budgets; give it in one place.");
            else CheckPrivacy($"privacy.{Dataset(key)}", "budget", privacy.Budget, privacy, problems);
        }
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    // One dataset's privacy settings; every field optional, each checked so a typo cannot widen what leaves.
    private static void CheckPrivacy(string where, string budgetField, double? budget, PrivacyOptions value, List<string> problems)
    {
        foreach (var (field, count) in new[] { ("honestParties", value.HonestParties), ("minCellCount", value.MinCellCount), ("minGroupSize", value.MinGroupSize) })
        {
            if (count is { } d && (d != Math.Round(d) || d < 0 || d > int.MaxValue)) problems.Add($"{where}.{field}: must be a whole number, 0 or more.");
        }
        if (value.MinCellCount is < 1) problems.Add($"{where}.minCellCount: must be at least 1 (1 turns the check off).");
        if (value.MinGroupSize is < 1) problems.Add($"{where}.minGroupSize: must be at least 1 (1 turns the check off).");
        if (budget is <= 0) problems.Add($"{where}.{budgetField}: must be a positive number.");
        if (value.Delta is { } delta && !(delta > 0 && delta < 1)) problems.Add($"{where}.delta: must be between 0 and 1.");
        if (value.HonestParties is < 1) problems.Add($"{where}.honestParties: must be at least 1.");
        if (value.SessionEpsilonCap is <= 0) problems.Add($"{where}.sessionEpsilonCap: must be a positive number.");
        foreach (var (column, range) in value.Bounds ?? [])
        {
            if (range is not { Count: 2 } || !double.IsFinite(range[0]) || !double.IsFinite(range[1]) || !(range[0] < range[1]))
                problems.Add($"{where}.bounds.{column}: must be [lower, upper], two numbers with lower below upper.");
        }
    }
}
