using System.CommandLine;
using System.Diagnostics;
using Mpc.Federation;

namespace Mpc.Cli.Commands;

/// <summary>
/// 'mpc party reload': for the party's operator, on its machine: the running daemon re-reads its policy and roster
/// (SIGHUP to the process its state file names), and the command prints what the daemon reported.
/// </summary>
internal static class PartyReloadCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "This party's configuration (checked first; the daemon's state file is beside its ledger).", Required = true };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the daemon's answer.", DefaultValueFactory = _ => 60 };
        var command = new Command("reload", "Make this party's running daemon re-read its policy and roster without dropping running sessions; exit 0 if it reloaded, 3 if it refused.")
            { config, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!(parse.GetValue(timeout) is > 0 and <= 3600)) throw new CliException("--timeout must be between 0 and 3600 seconds.");
            // A configuration the daemon would refuse is reported here, before anything is sent.
            var configuration = PartyConfiguration.Load(parse.GetValue(config)!);
            PartyPolicy.Resolve(configuration, ProtocolReference.Catalog);
            string statePath = DaemonState.PathFor(configuration);
            var before = DaemonState.Read(statePath) ?? throw new CliException(CliMessages.DaemonNotRunning(configuration.Name, statePath), ExitCode.Configuration);
            if (!DaemonState.IsRunning(before.Pid) || !PosixSignals.Send(before.Pid, PosixSignals.Hangup))
                throw new CliException(CliMessages.DaemonGone(configuration.Name, before.Pid, statePath), ExitCode.Configuration);
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed.TotalSeconds < parse.GetValue(timeout))
            {
                // The daemon rewrites its state file when the reload is done; polled, as the file is the only channel.
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                var after = DaemonState.Read(statePath);
                if (after is null || after.Pid != before.Pid) throw new CliException(CliMessages.DaemonGone(configuration.Name, before.Pid, statePath), ExitCode.Configuration);
                if (after.Reloads <= before.Reloads) continue;
                if (!after.LastReloadSucceeded) throw new CliException(after.LastReloadMessage ?? "", ExitCode.Configuration);
                Console.WriteLine(after.LastReloadMessage);
                return ExitCode.Ok;
            }
            throw new CliException(CliMessages.ReloadUnanswered(configuration.Name, before.Pid, parse.GetValue(timeout)), ExitCode.Configuration);
        });
        return command;
    }
}
