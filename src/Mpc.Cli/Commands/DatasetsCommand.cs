using System.CommandLine;
using System.Text.Json;
using Mpc.Federation;
using Mpc.Net;

namespace Mpc.Cli.Commands;

/// <summary>
/// 'mpc datasets': as the analyst, asks every party which datasets it holds and their columns' names and types
/// (never values or row counts), on a real federation (--roster, --key) or on local parties (--data).
/// </summary>
internal static class DatasetsCommand
{
    public static Command Create()
    {
        var roster = new Option<string?>("--roster") { Description = "The federation's roster (parties.json); with --key." };
        var key = new Option<string?>("--key") { Description = "The analyst's private key (NAME.key, with NAME.crt beside it)." };
        var data = new Option<string[]>("--data", "-d") { Description = "Instead of a roster: one CSV file per local party; repeat (at least twice).", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<string?>("--json") { Description = "Write the list as JSON to this file; - writes it to standard output (the printed list then goes to standard error)." };
        var command = new Command("datasets", "As the analyst, list every party's datasets and their columns (names and types: numeric or text; never values).") { roster, key, data, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggers = CliOptions.Loggers(parse.GetValue(CliOptions.Verbose));
            var files = parse.GetValue(data) ?? [];
            string? rosterPath = parse.GetValue(roster), keyPath = parse.GetValue(key);
            if ((files.Length > 0) == (rosterPath is not null)) throw new CliException(CliMessages.DatasetsTarget);
            IReadOnlyList<PartyDatasets> parties;
            if (rosterPath is null)
            {
                parties = await LocalFederation.ListDatasetsAsync(files, ProtocolReference.Catalog, loggers, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                using var credentials = PartyCredentials.Load(keyPath ?? throw new CliException(CliMessages.DatasetsTarget));
                var client = new AnalystClient(Roster.Load(rosterPath), credentials, ProtocolReference.Catalog, loggers.CreateLogger("Mpc.Analyst"));
                parties = await client.ListDatasetsAsync(cancellationToken).ConfigureAwait(false);
            }
            string? jsonPath = parse.GetValue(json);
            var printed = jsonPath == ResultPrinter.StandardOutput ? Console.Error : Console.Out;
            foreach (var party in parties)
                foreach (var dataset in party.Datasets)
                    printed.WriteLine($"{party.Party,-12} {dataset.Name,-16} {(dataset.Columns.Count == 0 ? "(unreadable: see the party's log)" : string.Join(", ", dataset.Columns.Select((c, i) => $"{c} ({dataset.Types[i]})")))}");
            string text = ToJson(parties);
            if (jsonPath == ResultPrinter.StandardOutput) await Console.Out.WriteLineAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            else if (jsonPath is not null)
            {
                // As 'mpc run --json' does, the file's folder is made when missing.
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!);
                await File.WriteAllTextAsync(jsonPath, text, cancellationToken).ConfigureAwait(false);
            }
            return ExitCode.Ok;
        });
        return command;
    }

    /// <summary>{"datasets": [{"party", "dataset", "columns": n}], "columns": [{"party", "dataset", "column", "type"}]}.</summary>
    public static string ToJson(IReadOnlyList<PartyDatasets> parties) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["datasets"] = parties.SelectMany(p => p.Datasets.Select(d => new Dictionary<string, object> { ["party"] = p.Party, ["dataset"] = d.Name, ["columns"] = d.Columns.Count })).ToList(),
        ["columns"] = parties.SelectMany(p => p.Datasets.SelectMany(d => d.Columns.Select((c, i) => new Dictionary<string, string>
            { ["party"] = p.Party, ["dataset"] = d.Name, ["column"] = c, ["type"] = d.Types[i] }))).ToList(),
    }, new JsonSerializerOptions { WriteIndented = true });
}
