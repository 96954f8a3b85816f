using System.CommandLine;
using Mpc.Audit;
using Mpc.Federation;
using Mpc.Net;
using Mpc.Ledger;

namespace Mpc.Cli.Commands;

internal static class BudgetCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The party's configuration (its ledger, datasets and privacy settings).", Required = true };
        var verify = new Option<bool>("--verify") { Description = "Check the ledger: hash chain, every entry's signature, and that it holds every DP release of the party's transcripts. Exits 1 on any problem." };
        var transcripts = new Option<string?>("--transcripts") { Description = "With --verify: the party's transcript folder (default: the one its configuration names)." };
        var roster = new Option<string?>("--roster") { Description = "With --verify: the federation's roster; the ledger's key in force must be one it lists for the party (its key, or its previous key during a rotation)." };
        var command = new Command("budget", "Show a party's privacy-budget ledger: per dataset, the budget, the epsilon spent (RDP composition), open reservations and every release; --verify checks it.")
            { config, verify, transcripts, roster };
        command.SetAction(parse =>
        {
            var configuration = PartyConfiguration.Load(parse.GetValue(config)!);
            if (parse.GetValue(verify)) return Verify(configuration, parse.GetValue(transcripts) ?? configuration.TranscriptDirectory, parse.GetValue(roster));
            if (configuration.LedgerPath is null || !File.Exists(configuration.LedgerPath))
            {
                Console.WriteLine($"{configuration.Name}: no releases yet (ledger {configuration.LedgerPath ?? "not configured"}).");
                return 0;
            }
            var ledger = new PrivacyLedger(configuration.LedgerPath);
            Console.WriteLine($"{configuration.Name}, ledger {configuration.LedgerPath}");
            foreach (var line in DatasetBudgets(configuration, ledger)) Console.WriteLine("  " + line);
            foreach (var release in ledger.Releases())
                Console.WriteLine(FormattableString.Invariant($"    {release.Recorded}  {release.Dataset,-12} session {release.Session}  {release.Output}: epsilon {release.Epsilon:G4}, delta {release.Delta:G3}, {release.Mechanism} noise {release.Noise:G6}"));
            foreach (var rekey in ledger.Entries().Where(e => e.Kind == "rekey"))
                Console.WriteLine($"  re-keyed {rekey.Recorded} to {rekey.Output}");
            if (!ledger.Verify().Passed) Console.WriteLine($"  warning: the ledger does not verify; run 'mpc budget --verify --config {parse.GetValue(config)}'.");
            return 0;
        });
        return command;
    }

    /// <summary>One line per dataset: epsilon spent, held by open reservations, and left.</summary>
    public static IEnumerable<string> DatasetBudgets(PartyConfiguration configuration, PrivacyLedger ledger)
    {
        foreach (var dataset in configuration.Datasets.Keys.Order(StringComparer.Ordinal))
        {
            var settings = configuration.PrivacyOf(dataset);
            double spent = ledger.SpentEpsilon(dataset, settings.Delta);
            double committed = ledger.CommittedEpsilon(dataset, settings.Delta);
            var open = ledger.OpenReservations(dataset);
            string held = open.Count == 0 ? "" : FormattableString.Invariant($"; {open.Count} open reservation(s) (running sessions, or sessions of a crashed daemon) bring it to {committed:G4}");
            yield return FormattableString.Invariant($"{dataset}: spent epsilon {spent:G4} of {settings.Budget:G4} at delta {settings.Delta:G3}{held}; {Math.Max(0, settings.Budget - committed):G4} left");
        }
    }

    private static int Verify(PartyConfiguration configuration, string? transcripts, string? rosterPath)
    {
        if (configuration.LedgerPath is null) throw new CliException($"{configuration.Name} configures no privacy ledger.");
        var member = rosterPath is null ? null : Roster.Load(rosterPath).GetParty(configuration.Name);
        var result = LedgerAudit.Verify(configuration.LedgerPath, transcripts, configuration.Name, member, DateTimeOffset.UtcNow);
        int releases = LedgerAudit.TranscriptReleases(transcripts, configuration.Name).Count;
        if (result.Passed)
        {
            Console.WriteLine($"ledger verified: {configuration.LedgerPath}, {result.Entries} entries, head {result.Head[..16]}..., signed by {configuration.Name}"
                + (result.Keys.Count > 1 ? $" with keys {string.Join(" then ", result.Keys)}" : "")
                + (member is null ? " (key not checked against a roster; pass --roster)" : result.Keys.Count == 0 ? "" : $", its key in force {result.Keys[^1]} held in the roster")
                + $"; it holds all {releases} DP release(s) of the transcripts in {transcripts ?? "(no transcript folder)"}.");
            return 0;
        }
        Console.WriteLine($"LEDGER VERIFICATION FAILED: {configuration.LedgerPath} ({result.Problems.Count} problem(s)):");
        foreach (var problem in result.Problems) Console.WriteLine($"  {problem}");
        return 1;
    }
}
