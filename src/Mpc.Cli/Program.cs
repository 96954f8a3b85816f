using System.CommandLine;
using Mpc.Cli;
using Mpc.Cli.Commands;

HostThreadPool.Configure();

var root = new RootCommand("mpc: secure multi-party computation for federated health data.")
{
    DemoCommand.Create(),
    LocalCommand.Create(),
    RunCommand.Create(),
    DatasetsCommand.Create(),
    PartyCommand.Create(),
    KeygenCommand.Create(),
    RosterCommand.Create(),
    ProtocolsCommand.Create(),
    DescribeCommand.CreateDescribe(),
    DescribeCommand.CreateApprove(),
    ApiCommand.Create(),
    DocsCommand.Create(),
    AuditCommand.Create(),
    BudgetCommand.Create(),
    StatusCommand.Create(),
    WorkerCommand.Create(),
};
root.Options.Add(CliOptions.Verbose);

var parse = root.Parse(args);
if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
{
    Console.Error.WriteLine("error: " + CliMessages.Usage(string.Join("; ", parse.Errors.Select(e => e.Message)), CommandPath(parse.CommandResult)));
    return ExitCode.Usage;
}
// Commands that must stop cleanly handle Ctrl+C and SIGTERM themselves (the daemon's grace period, run's cancel).
var invocation = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
try
{
    return await parse.InvokeAsync(invocation);
}
catch (Exception e)
{
    bool verbose = parse.GetValue(CliOptions.Verbose);
    return ErrorReport.Write(e, verbose, Console.Error);
}

static string CommandPath(System.CommandLine.Parsing.CommandResult command) =>
    command.Parent is System.CommandLine.Parsing.CommandResult parent ? CommandPath(parent) + " " + command.Command.Name : "mpc";
