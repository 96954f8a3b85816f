using System.CommandLine;
using System.Net.Sockets;
using Mpc.Audit;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation;
using Mpc.Ledger;
using Mpc.Net;

namespace Mpc.Cli.Commands;

/// <summary>'mpc party check': everything a daemon's start would check, reported item by item, without serving.</summary>
internal static class PartyCheckCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "This party's configuration.", Required = true };
        var roster = new Option<string?>("--roster") { Description = "The federation's roster: the party must be in it, and its key must match." };
        var key = new Option<string?>("--key") { Description = "This party's private key (NAME.key): checked against the roster." };
        var command = new Command("check", "Check a party's configuration as a start would (roster and key, datasets and their columns, policy ids, ledger, port) and print what was found; exit 0 if it would start, 3 if not.")
            { config, roster, key };
        command.SetAction(parse =>
        {
            var report = new Report(Console.Out);
            var configuration = PartyConfiguration.Load(parse.GetValue(config)!);
            report.Ok($"configuration {parse.GetValue(config)}: party {configuration.Name}");
            Roster? federation = null;
            RosterMember? self = null;
            string? held = null;
            if (parse.GetValue(roster) is { } rosterPath)
            {
                report.Try($"roster {rosterPath}", () =>
                {
                    federation = Roster.Load(rosterPath);
                    self = federation.GetParty(configuration.Name);
                    return $"{configuration.Name} is party {self.Index + 1} of {federation.Parties.Count} at {self.Endpoint}";
                });
            }
            else report.Note("roster not checked (pass --roster)");
            if (parse.GetValue(key) is { } keyPath)
            {
                report.Try($"key {keyPath}", () =>
                {
                    using var credentials = PartyCredentials.Load(keyPath);
                    held = credentials.Fingerprint;
                    if (self is not null && !self.Holds(credentials.Fingerprint, DateTimeOffset.UtcNow))
                        throw new CliException(self.KeyRefusal(credentials.Fingerprint));
                    return $"{credentials.Fingerprint}{(self is null ? " (not compared with a roster)" : credentials.Fingerprint == self.PublicKey ? ", as the roster lists" : $", the roster's previous key for {self.Name}, accepted until {self.PreviousKeyUntil!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: switch to the new key before then")}";
                });
            }
            else report.Note("key not checked (pass --key)");
            foreach (var (name, path) in configuration.Datasets.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                report.Try($"dataset {name}", () =>
                {
                    var table = CsvTable.Load(path, name);
                    return $"{path}, {table.RowCount} rows, columns {string.Join(", ", table.ColumnNames)}";
                });
            }
            var (approved, problems) = PartyPolicy.Check(configuration, ProtocolReference.Catalog);
            foreach (var protocol in approved) report.Ok($"approved {protocol.Name} {protocol.Id}{(protocol.ScriptPath is null ? " (built-in)" : $" ({protocol.ScriptPath})")}");
            foreach (var problem in problems) report.Fail(problem);
            if (configuration.LedgerPath is { } ledger)
            {
                report.Try($"ledger {ledger}", () =>
                {
                    var result = LedgerAudit.Verify(ledger, configuration.TranscriptDirectory, configuration.Name, self, DateTimeOffset.UtcNow);
                    if (!result.Passed) throw new CliException(string.Join("; ", result.Problems));
                    // The daemon signs with the key it is given: a ledger still on another key refuses it at start.
                    if (held is not null && result.Keys.Count > 0 && result.Keys[^1] != held)
                        throw new CliException(result.Keys.Contains(held) ? LedgerErrors.LedgerRekeyedAway(ledger, configuration.Name, result.Keys[^1], held) : LedgerErrors.LedgerKeyNotRekeyed(ledger, configuration.Name, result.Keys[^1], held));
                    return File.Exists(ledger) ? $"{result.Entries} entries, verified{(result.Keys.Count > 1 ? $", {result.Keys.Count - 1} re-key(s)" : "")}" : "none yet (made at the first start)";
                });
            }
            if (self is not null)
            {
                report.Try("listen", () =>
                {
                    var listener = new TcpListener(ListenAddress.Resolve(configuration, self));
                    ListenAddress.Start(listener, self.Name);
                    string endpoint = listener.LocalEndpoint.ToString()!;
                    listener.Stop();
                    return $"{endpoint} is free";
                });
            }
            Console.WriteLine(report.Failures == 0 ? $"{configuration.Name}: the configuration would start." : $"{configuration.Name}: {report.Failures} problem(s); the party would not start.");
            return report.Failures == 0 ? ExitCode.Ok : ExitCode.Configuration;
        });
        return command;
    }

    private sealed class Report(TextWriter output)
    {
        public int Failures { get; private set; }

        public void Ok(string text) => output.WriteLine("ok    " + text);

        public void Note(string text) => output.WriteLine("--    " + text);

        public void Fail(string text)
        {
            Failures++;
            output.WriteLine("FAIL  " + text.ReplaceLineEndings(" "));
        }

        // Each check's error is one line of the report, whatever its type; the next check still runs.
        public void Try(string what, Func<string> check)
        {
            try
            {
                Ok($"{what}: {check()}");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Fail($"{what}: {(e is Mpc.Core.DataProblemException data ? data.Detail : e.Message)}");
            }
        }
    }
}
