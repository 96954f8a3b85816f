using System.CommandLine;
using Mpc.Audit;
using Mpc.Net;

namespace Mpc.Cli.Commands;

internal static class AuditCommand
{
    public static Command Create()
    {
        var directory = new Argument<string>("folder") { Description = "Folder with the sessions' transcripts (all parties' *.transcript.jsonl, searched recursively)." };
        var roster = new Option<string>("--roster") { Description = "The federation's roster, whose keys the transcripts must be signed with.", Required = true };
        var json = CliOptions.Json();
        var command = new Command("audit", "Verify signed session transcripts: chains, signatures, cross-party consistency, declared outputs, the analyst, and each party's chain of sessions (gaps, forks). Exits 1 on any failure.") { directory, roster, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var report = TranscriptAuditor.Audit(parse.GetValue(directory)!, Roster.Load(parse.GetValue(roster)!));
            Console.Write(report.ToText());
            if (parse.GetValue(json) is { } path) await File.WriteAllTextAsync(path, report.ToJson(), cancellationToken).ConfigureAwait(false);
            return report.Passed ? 0 : 1;
        });
        return command;
    }
}
