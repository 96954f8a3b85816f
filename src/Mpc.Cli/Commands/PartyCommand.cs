using System.CommandLine;
using System.Runtime.InteropServices;
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
        var jsonLogs = new Option<bool>("--json-logs") { Description = "Log as JSON lines (UTC ISO-8601 timestamps, stable event ids) instead of text." };
        var logFile = new Option<string?>("--log-file") { Description = "Append the log to this file instead of standard output." };
        var onDemand = new Option<bool>("--compile-on-demand") { Description = "Compile an approved script when a session first asks for it, not in the background at start and reload (less memory and work at start; that first session waits for the compiler)." };
        var grace = new Option<double>("--grace-period") { Description = "Seconds running sessions may take to finish after SIGTERM before they are aborted.", DefaultValueFactory = _ => 30 };
        var command = new Command("party", "Run this party's daemon: serve sessions until stopped (SIGTERM or Ctrl+C: running sessions get a grace period).")
            { roster, config, key, jsonLogs, logFile, grace, onDemand, PartyCheckCommand.Create(), PartyReloadCommand.Create(), PartyRekeyCommand.Create() };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!(parse.GetValue(grace) is >= 0 and <= 86400)) throw new CliException("--grace-period must be between 0 and 86400 seconds.");
            var gracePeriod = TimeSpan.FromSeconds(parse.GetValue(grace));
            var builder = Host.CreateApplicationBuilder();
            DaemonLogging.Configure(builder.Logging, parse.GetValue(jsonLogs), parse.GetValue(logFile), parse.GetValue(CliOptions.Verbose));
            // The host must outlast the grace period, or it would cut the sessions' signed end entries short.
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = gracePeriod + TimeSpan.FromSeconds(30));
            PartyDaemon? daemon = null;
            string? statePath = null;
            DaemonState? state = null;
            var reloading = new Lock();
            builder.Services.AddHostedService(_ => new DaemonService(daemon!, gracePeriod));
            using var host = builder.Build();
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Mpc.Party");
            try
            {
                var (configuration, federation) = LoadSettings();
                var credentials = PartyCredentials.Load(parse.GetValue(key)!);
                // Made and bound before the host runs, so a bad ledger or a port in use stops the party with one line and exit code 3.
                daemon = new PartyDaemon(federation, credentials, configuration, ProtocolReference.Catalog, logger) { CompileScriptsAhead = !parse.GetValue(onDemand) };
                daemon.Bind();
                // Written once the port is ours: 'mpc party reload' finds this process here.
                statePath = DaemonState.PathFor(configuration);
                state = new DaemonState(Environment.ProcessId, Path.GetFullPath(parse.GetValue(config)!), Path.GetFullPath(parse.GetValue(roster)!), 0, null, false, null);
                state.Write(statePath);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                logger.LogCritical(DaemonEvents.StartFailed, "The party did not start: {Reason}", e.Message);
                throw;
            }
            // SIGHUP re-reads policy and roster for the sessions that start from then on; running sessions keep theirs.
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _ = Task.Run(Reload);
            });
            try
            {
                await host.RunAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(statePath!);
            }
            return 0;

            (PartyConfiguration Configuration, Roster Roster) LoadSettings()
            {
                var configuration = PartyConfiguration.Load(parse.GetValue(config)!);
                PartyPolicy.Resolve(configuration, ProtocolReference.Catalog);
                return (configuration, Roster.Load(parse.GetValue(roster)!));
            }

            // One reload at a time, so the state file's count and outcome belong together.
            void Reload()
            {
                lock (reloading)
                {
                    bool succeeded = false;
                    string message;
                    try
                    {
                        var (configuration, federation) = LoadSettings();
                        message = daemon!.Reload(federation, configuration);
                        succeeded = true;
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        message = "reload refused; the party keeps its settings: " + e.Message.ReplaceLineEndings(" ");
                        logger.LogError(DaemonEvents.ReloadFailed, "Reload refused; the party keeps its settings: {Reason}", e.Message.ReplaceLineEndings(" "));
                    }
                    try
                    {
                        state = state! with { Reloads = state.Reloads + 1, LastReloadAt = DateTimeOffset.UtcNow, LastReloadSucceeded = succeeded, LastReloadMessage = message };
                        state.Write(statePath!);
                    }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        logger.LogWarning(DaemonEvents.ReloadFailed, "Could not record the reload in {Path}: {Reason}", statePath, e.Message);
                    }
                }
            }
        });
        return command;
    }

    private sealed class DaemonService(PartyDaemon daemon, TimeSpan grace) : IHostedService
    {
        // Serving (and its "listening on" line) begins once the host handles SIGTERM, so a signal never finds it unhandled.
        public Task StartAsync(CancellationToken cancellationToken)
        {
            daemon.Start();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => daemon.ShutdownAsync(grace);
    }
}
