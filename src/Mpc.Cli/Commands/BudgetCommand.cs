using System.CommandLine;
using Mpc.Federation;
using Mpc.Privacy;

namespace Mpc.Cli.Commands;

internal static class BudgetCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The party's configuration (its ledger, datasets and budgets).", Required = true };
        var command = new Command("budget", "Show a party's privacy-budget ledger: per dataset, the budget, the epsilon spent (RDP composition) and every release.") { config };
        command.SetAction(parse =>
        {
            var configuration = PartyConfiguration.Load(parse.GetValue(config)!);
            if (configuration.LedgerPath is null || !File.Exists(configuration.LedgerPath))
            {
                Console.WriteLine($"{configuration.Name}: no releases yet (ledger {configuration.LedgerPath ?? "not configured"}).");
                return 0;
            }
            var ledger = new PrivacyLedger(configuration.LedgerPath);
            Console.WriteLine($"{configuration.Name}, ledger {configuration.LedgerPath}");
            foreach (var dataset in configuration.Datasets.Keys.Order(StringComparer.Ordinal))
            {
                var (budget, delta) = configuration.BudgetOf(dataset);
                double spent = ledger.SpentEpsilon(dataset, delta);
                Console.WriteLine($"  {dataset}: spent epsilon {spent:G4} of {budget:G4} at delta {delta:G3}; {Math.Max(0, budget - spent):G4} left");
            }
            foreach (var release in ledger.Releases())
                Console.WriteLine($"    {release.Recorded}  {release.Dataset,-12} session {release.Session}  {release.Output}: epsilon {release.Epsilon:G4}, delta {release.Delta:G3}, mu {release.Mu:G6}");
            return 0;
        });
        return command;
    }
}
