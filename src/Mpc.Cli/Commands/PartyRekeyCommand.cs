using System.CommandLine;
using Mpc.Audit;
using Mpc.Federation;
using Mpc.Net;
using Mpc.Ledger;

namespace Mpc.Cli.Commands;

/// <summary>
/// 'mpc party rekey': for the party's operator, with its daemon stopped, after 'mpc keygen --rotate': hands the party's
/// privacy ledger from its old key to its new one with a re-key entry signed by the old key (docs/operating.md, key rotation).
/// </summary>
/// <remarks>
/// A separate step rather than part of the daemon's start: it needs the old private key, which a daemon started with its
/// new key should not hold, and it refuses anything that would leave the ledger unusable: a running daemon (still
/// signing with the old key), a new key the roster does not pin for the party, a ledger that does not verify.
/// </remarks>
internal static class PartyRekeyCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "This party's configuration (its ledger and transcripts).", Required = true };
        var roster = new Option<string>("--roster") { Description = "The federation's roster, which must list the new key as the party's key.", Required = true };
        var key = new Option<string>("--key") { Description = "The party's current key (NAME.key), which the ledger is signed with.", Required = true };
        var next = new Option<string>("--new-key") { Description = "The party's new key (NAME.next.key from 'mpc keygen --rotate').", Required = true };
        var command = new Command("rekey", "Hand this party's privacy ledger to its new key (with the daemon stopped): a re-key entry signed by the old key; later entries are signed by the new key, budgets carry over.")
            { config, roster, key, next };
        command.SetAction(parse =>
        {
            var configuration = PartyConfiguration.Load(parse.GetValue(config)!);
            if (configuration.LedgerPath is not { } path || !File.Exists(path))
            {
                Console.WriteLine(CliMessages.NothingToRekey(configuration.Name, configuration.LedgerPath));
                return ExitCode.Ok;
            }
            if (DaemonState.Read(DaemonState.PathFor(configuration)) is { } state && DaemonState.IsRunning(state.Pid))
                throw new CliException(CliMessages.RekeyWhileRunning(configuration.Name, state.Pid), ExitCode.Configuration);
            var federation = Roster.Load(parse.GetValue(roster)!);
            var self = federation.GetParty(configuration.Name);
            using var newKey = PartyCredentials.Load(parse.GetValue(next)!);
            if (newKey.Fingerprint != self.PublicKey) throw new CliException(CliMessages.RekeyNotRosterKey(configuration.Name, newKey.Fingerprint, federation.Source), ExitCode.Configuration);
            if (new PrivacyLedger(path).Keys is [.., var inForce] && inForce == newKey.Fingerprint)
            {
                Console.WriteLine(CliMessages.AlreadyRekeyed(configuration.Name, path, inForce));
                return ExitCode.Ok;
            }
            using var oldKey = PartyCredentials.Load(parse.GetValue(key)!);
            // Checked as a start would (chain, keys, transcripts' releases), so a broken ledger is never handed on.
            var ledger = LedgerAudit.OpenForDaemon(path, configuration.TranscriptDirectory, configuration.Name, oldKey.Certificate);
            ledger.Rekey(newKey.Certificate);
            Console.WriteLine(CliMessages.Rekeyed(configuration.Name, path, oldKey.Fingerprint, newKey.Fingerprint, ledger.Head.Entries, parse.GetValue(next)!));
            return ExitCode.Ok;
        });
        return command;
    }
}
