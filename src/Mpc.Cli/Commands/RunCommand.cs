using System.CommandLine;
using Mpc.Federation;
using Mpc.Net;

namespace Mpc.Cli.Commands;

internal static class RunCommand
{
    public static Command Create()
    {
        var protocol = new Argument<string>("protocol") { Description = "A protocol script (.csx) or built-in protocol name (see 'mpc protocols')." };
        var roster = new Option<string>("--roster") { Description = "The federation's roster (parties.json).", Required = true };
        var key = new Option<string>("--key") { Description = "The analyst's private key (NAME.key, with NAME.crt beside it).", Required = true };
        var parameters = CliOptions.Parameters();
        var json = CliOptions.Json();
        var output = new Option<string?>("--out") { Description = "Folder for plots and tables derived from the outputs (such as km-curve.csv and km-curve.png) and a CSV file per output of several values (NAME.csv)." };
        var engine = CliOptions.Engine();
        var command = new Command("run", "As the analyst, run a session on every party of a roster and receive its outputs; Ctrl+C cancels it (exit code 5).") { protocol, roster, key, parameters, json, output, engine };
        command.SetAction(async (parse, cancellationToken) =>
        {
            // Ctrl+C (or SIGTERM) cancels the session: the connections close and every party aborts it, naming the analyst.
            using var interrupted = new Interruption(cancellationToken);
            using var loggers = CliOptions.Loggers(parse.GetValue(CliOptions.Verbose));
            using var credentials = PartyCredentials.Load(parse.GetValue(key)!);
            var reference = ProtocolReference.Resolve(parse.GetValue(protocol)!);
            var client = new AnalystClient(Roster.Load(parse.GetValue(roster)!), credentials, ProtocolReference.Catalog, loggers.CreateLogger("Mpc.Analyst")) { Preprocessing = Mpc.Runtime.PreprocessingEngines.Parse(parse.GetValue(engine)!) };
            var result = await ProgressDisplay.RunAsync(parse.GetValue(CliOptions.Verbose), progress =>
                client.RunAsync(reference.Protocol, reference.ScriptSource, CliOptions.ParseParameters(parse.GetValue(parameters)), progress, interrupted.Token)).ConfigureAwait(false);
            await ResultPrinter.WriteAsync(result, parse.GetValue(json), Console.Out, interrupted.Token, parse.GetValue(output)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
