using System.CommandLine;
using System.Text.Json.Nodes;
using Mpc.Federation;
using Mpc.Ledger;

namespace Mpc.Cli.Commands;

/// <summary>
/// 'mpc status': for a party's operator, on the party's machine only: what its policy approves (by name and hash),
/// its datasets, the privacy budget left, and its recent sessions, read from its configuration, ledger and transcripts.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The party's configuration.", Required = true };
        var count = new Option<int>("--sessions") { Description = "How many recent sessions to list.", DefaultValueFactory = _ => 10 };
        var command = new Command("status", "A party's status for its operator (local files only): approved protocols by name and hash, datasets, budget left, sessions running and recent.")
            { config, count };
        command.SetAction(parse =>
        {
            var configuration = PartyConfiguration.Load(parse.GetValue(config)!);
            Console.WriteLine($"party {configuration.Name} ({parse.GetValue(config)})");
            Console.WriteLine("approved protocols:");
            var (approved, problems) = PartyPolicy.Check(configuration, ProtocolReference.Catalog);
            foreach (var protocol in approved) Console.WriteLine($"  {protocol.Name,-28} {protocol.Id}{(protocol.ScriptPath is null ? "" : $"  ({protocol.ScriptPath})")}");
            foreach (var problem in problems) Console.WriteLine($"  UNRESOLVED {problem}");
            Console.WriteLine("datasets:");
            foreach (var (name, path) in configuration.Datasets.OrderBy(d => d.Key, StringComparer.Ordinal))
                Console.WriteLine($"  {name,-28} {path}{(File.Exists(path) ? "" : "  (MISSING)")}");
            if (configuration.LedgerPath is { } ledgerPath && File.Exists(ledgerPath))
            {
                Console.WriteLine($"privacy budgets (ledger {ledgerPath}):");
                foreach (var line in BudgetCommand.DatasetBudgets(configuration, new PrivacyLedger(ledgerPath))) Console.WriteLine("  " + line);
            }
            else Console.WriteLine($"privacy budgets: no releases yet (ledger {configuration.LedgerPath ?? "not configured"})");
            var sessions = Sessions(configuration.TranscriptDirectory, configuration.Name);
            int shown = Math.Max(0, parse.GetValue(count));
            Console.WriteLine($"sessions ({Math.Min(shown, sessions.Count)} most recent of {sessions.Count}; transcripts {configuration.TranscriptDirectory}):");
            foreach (var session in sessions.Take(shown))
                Console.WriteLine($"  {session.Started,-28} {session.Protocol,-28} {session.Analyst,-16} {session.Status}  {session.Id}");
            return ExitCode.Ok;
        });
        return command;
    }

    private sealed record SessionLine(string Id, string Started, string Protocol, string Analyst, string Status);

    // Newest first; a transcript without an end entry belongs to a session running now, or cut short by a crash.
    private static List<SessionLine> Sessions(string? directory, string party)
    {
        var sessions = new List<SessionLine>();
        if (directory is null || !Directory.Exists(directory)) return sessions;
        foreach (var file in Directory.EnumerateFiles(directory, $"*.{party}.transcript.jsonl"))
        {
            string? headerLine = null, endLine = null;
            foreach (var line in File.ReadLines(file))
            {
                headerLine ??= line;
                if (line.Contains("\"type\":\"end\"", StringComparison.Ordinal)) endLine = line;
            }
            if (headerLine is null || JsonNode.Parse(headerLine) is not JsonObject header) continue;
            var end = endLine is null ? null : JsonNode.Parse(endLine) as JsonObject;
            string status = end is null ? "running (or cut short by a crash)"
                : end["status"]?.GetValue<string>() == "completed" ? "completed" : $"aborted: {end["reason"]?.GetValue<string>()}";
            sessions.Add(new SessionLine(header["session"]?.GetValue<string>() ?? "?", header["started"]?.GetValue<string>() ?? "?",
                header["protocol"]?.GetValue<string>() ?? "?", header["analyst"]?.GetValue<string>() ?? "?", status));
        }
        return [.. sessions.OrderByDescending(s => s.Started, StringComparer.Ordinal)];
    }
}
