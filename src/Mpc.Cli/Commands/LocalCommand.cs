using System.CommandLine;
using Mpc.Federation;
using Mpc.Net;

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
        var output = new Option<string?>("--out") { Description = "Folder for the parties' signed transcripts (transcripts/), the run's roster (parties.json, for 'mpc audit') plots such as km-curve.png and a CSV file per output of several values (NAME.csv); it must not already hold an earlier run's transcripts." };
        var minCell = new Option<int>("--min-cell-count") { Description = "Each local party's minimum cell count for exact counts (as a hospital's privacy.minCellCount; 1 turns the check off).", DefaultValueFactory = _ => DatasetPrivacy.DefaultMinCellCount };
        var minGroup = new Option<int>("--min-group-size") { Description = "Each local party's minimum group size behind exact statistics (as privacy.minGroupSize; 1 turns the check off).", DefaultValueFactory = _ => DatasetPrivacy.DefaultMinGroupSize };
        var exactIntermediates = new Option<bool>("--allow-exact-intermediates") { Description = "Let the local parties open exact pooled intermediates to each other (as privacy.exactIntermediates; off at a hospital unless it says so)." };
        var suppression = new Option<bool>("--allow-suppression") { Description = "Let the local parties show a table's small cells as suppressed when the analyst asks (suppress=true) instead of refusing (as privacy.allowSuppression)." };
        var engine = CliOptions.Engine();
        var latency = new Option<string>("--latency") { Description = "Delay every message between parties by this much, one way (for example 25ms: a 50 ms round trip), to see what a session costs between real sites.", DefaultValueFactory = _ => "0" };
        var bandwidth = new Option<string>("--bandwidth") { Description = "Cap each direction of every link between parties (for example 100mbit or 1gbit).", DefaultValueFactory = _ => "unlimited" };
        var command = new Command("local", "Run a protocol with one local party per data file: loopback, fresh keys, real TLS, plus the analyst.") { protocol, data, parameters, json, timeout, output, minCell, minGroup, exactIntermediates, suppression, latency, bandwidth, engine };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var interrupted = new Interruption(cancellationToken);
            cancellationToken = interrupted.Token;
            using var loggers = CliOptions.Loggers(parse.GetValue(CliOptions.Verbose));
            var reference = ProtocolReference.Resolve(parse.GetValue(protocol)!);
            NetworkModel network;
            try
            {
                network = new NetworkModel(NetworkModel.ParseLatency(parse.GetValue(latency)!), NetworkModel.ParseBandwidth(parse.GetValue(bandwidth)!));
            }
            catch (FormatException e)
            {
                throw new CliException(e.Message);
            }
            var result = await ProgressDisplay.RunAsync(parse.GetValue(CliOptions.Verbose), progress => LocalFederation.RunAsync(reference.Protocol, reference.ScriptSource, parse.GetValue(data)!,
                CliOptions.ParseParameters(parse.GetValue(parameters)), ProtocolReference.Catalog, loggers, progress, TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken, parse.GetValue(output), Mpc.Runtime.PreprocessingEngines.Parse(parse.GetValue(engine)!),
                privacy: DatasetPrivacy.Default with { MinCellCount = parse.GetValue(minCell), MinGroupSize = parse.GetValue(minGroup), ExactIntermediates = parse.GetValue(exactIntermediates), AllowSuppression = parse.GetValue(suppression) }, network: network)).ConfigureAwait(false);
            await ResultPrinter.WriteAsync(result, parse.GetValue(json), Console.Out, cancellationToken, parse.GetValue(output)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
