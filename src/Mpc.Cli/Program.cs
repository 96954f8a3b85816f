using System.CommandLine;
using Mpc.Cli.Commands;

var root = new RootCommand("mpc: secure multi-party computation for federated health data.")
{
    DemoCommand.Create(),
    LocalCommand.Create(),
    RunCommand.Create(),
    PartyCommand.Create(),
    KeygenCommand.Create(),
    ProtocolsCommand.Create(),
    DescribeCommand.CreateDescribe(),
    DescribeCommand.CreateApprove(),
    AuditCommand.Create(),
    BudgetCommand.Create(),
    BoltzmannExperimentCommand.Create(),
    WorkerCommand.Create(),
};

try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is CliException or Mpc.Federation.Protocols.ProtocolParameterException or Mpc.Net.RosterException or Mpc.Core.DataProblemException
    or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or Mpc.Scripting.ScriptCompilationException or UnauthorizedAccessException or Mpc.Net.PeerAuthenticationException or ArgumentException or Mpc.Privacy.LedgerIntegrityException)
{
    // The CLI runs at the data's owner: it prints the detail a data error keeps for the party's own eyes.
    Console.Error.WriteLine($"error: {(e is Mpc.Core.DataProblemException data ? data.Detail : e.Message)}");
    return 2;
}
catch (Exception e) when (e is Mpc.Federation.SessionRefusedException or Mpc.Runtime.ProtocolAbortedException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
