using System.CommandLine;
using Mpc.Scripting.Worker;

namespace Mpc.Cli.Commands;

/// <summary>`mpc worker`: the confined process a party daemon starts for each session's script (not for people to run).</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var confined = new Option<bool>(ScriptWorker.ConfinedArgument) { Description = "The second, confined stage (set by the worker itself)." };
        var probeFile = new Option<string?>("--probe-file") { Description = "Check the confinement: try to read this file, then exit." };
        var probePort = new Option<int>("--probe-port") { Description = "Check the confinement: try to connect to this port on 127.0.0.1." };
        var command = new Command("worker", "Runs one session's protocol script for a party daemon, confined; started by the daemon.") { confined, probeFile, probePort };
        command.Hidden = true;
        command.SetAction(async (parse, _) => parse.GetValue(probeFile) is { } file
            ? await ScriptWorker.ProbeAsync(parse.GetValue(confined), file, parse.GetValue(probePort), Console.Out).ConfigureAwait(false)
            : await ScriptWorker.RunAsync(parse.GetValue(confined), Console.Error).ConfigureAwait(false));
        return command;
    }
}
