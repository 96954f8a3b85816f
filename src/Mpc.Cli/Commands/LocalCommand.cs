using System.CommandLine;
using Mpc.Federation;

namespace Mpc.Cli.Commands;

internal static class LocalCommand
{
    public static Command Create()
    {
        var protocol = new Argument<string>("protocol") { Description = "A protocol script (.csx) or built-in protocol name (see 'mpc protocols')." };
        var data = new Option<string[]>("--data", "-d") { Description = "One CSV file per party; repeat (at least twice).", Required = true, Arity = ArgumentArity.OneOrMore };
        var parameters = CliOptions.Parameters();
        var json = CliOptions.Json();
        var timeout = CliOptions.Timeout();
        var output = new Option<string?>("--out") { Description = "Folder for the parties' signed transcripts (transcripts/), the run's roster (parties.json, for 'mpc audit') and plots such as km-curve.png; it must not already hold an earlier run's transcripts." };
        var command = new Command("local", "Run a protocol with one local party per data file: loopback, fresh keys, real TLS, plus the analyst.") { protocol, data, parameters, json, timeout, output };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var interrupted = new Interruption(cancellationToken);
            cancellationToken = interrupted.Token;
            using var loggers = CliOptions.Loggers(parse.GetValue(CliOptions.Verbose));
            var reference = ProtocolReference.Resolve(parse.GetValue(protocol)!);
            var result = await LocalFederation.RunAsync(reference.Protocol, reference.ScriptSource, parse.GetValue(data)!, CliOptions.ParseParameters(parse.GetValue(parameters)),
                ProtocolReference.Catalog, loggers, CliOptions.Progress(Console.Error), TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken, parse.GetValue(output)).ConfigureAwait(false);
            await ResultPrinter.WriteAsync(result, parse.GetValue(json), Console.Out, cancellationToken, parse.GetValue(output)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
