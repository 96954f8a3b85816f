using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Mpc.Federation;
using Mpc.Net;

namespace Mpc.Cli.Commands;

internal static class PartyCommand
{
    public static Command Create()
    {
        var roster = new Option<string>("--roster") { Description = "The federation's roster (parties.json).", Required = true };
        var config = new Option<string>("--config") { Description = "This party's configuration: name, datasets, approved protocols.", Required = true };
        var key = new Option<string>("--key") { Description = "This party's private key (NAME.key, with NAME.crt beside it).", Required = true };
        var jsonLogs = new Option<bool>("--json-logs") { Description = "Log as JSON lines instead of text." };
        var command = new Command("party", "Run this party's daemon: serve sessions until stopped (Ctrl+C or SIGTERM).") { roster, config, key, jsonLogs };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            if (parse.GetValue(jsonLogs)) builder.Logging.AddJsonConsole();
            else builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fff "; });
            var configuration = PartyConfiguration.Load(parse.GetValue(config)!);
            var federation = Roster.Load(parse.GetValue(roster)!);
            var credentials = PartyCredentials.Load(parse.GetValue(key)!);
            builder.Services.AddSingleton(credentials);
            PartyDaemon? daemon = null;
            builder.Services.AddHostedService(_ => new DaemonService(daemon!));
            using var host = builder.Build();
            // Made before the host runs, so a ledger that fails its checks stops the party with one line and a non-zero exit.
            daemon = new PartyDaemon(federation, credentials, configuration, ProtocolReference.Catalog, host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mpc.Party"));
            await host.RunAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private sealed class DaemonService(PartyDaemon daemon) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            daemon.Start();
            return Task.CompletedTask;
        }

        public async Task StopAsync(CancellationToken cancellationToken) => await daemon.DisposeAsync().ConfigureAwait(false);
    }
}
