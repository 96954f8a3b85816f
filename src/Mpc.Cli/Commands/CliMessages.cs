namespace Mpc.Cli.Commands;

/// <summary>The CLI's own messages, in one place.</summary>
internal static class CliMessages
{
    public static string KeyExists(string path) =>
        $"{path} exists already; keygen does not overwrite a private key (a party's roster entry pins it). Pass --force to replace it, or another --out.";

    public static string Cancelled =>
        "cancelled: the session was stopped by Ctrl+C; the parties were disconnected and abort it, naming the analyst's disconnect.";

    public static string Internal(Exception e) =>
        $"internal error ({e.GetType().Name}): {e.Message} (run again with --verbose for the details)";

    public static string DatasetsTarget =>
        "give either --roster and --key (a federation) or --data a.csv --data b.csv (local parties)";

    public static string DaemonNotRunning(string party, string statePath) =>
        $"no daemon of {party} runs here: {statePath} does not exist (a running daemon writes it beside its ledger); start it with 'mpc party'.";

    public static string DaemonGone(string party, int pid, string statePath) =>
        $"the daemon of {party} (process {pid}, from {statePath}) is not running; it stopped or crashed: start it with 'mpc party'.";

    public static string ReloadUnanswered(string party, int pid, double seconds) =>
        $"the daemon of {party} (process {pid}) got the reload signal but did not report back within {seconds:0.#} s; see its log (events 1004 and 1005).";

    public static string NothingToRotate(string keyPath) =>
        $"{keyPath} does not exist; --rotate makes the next key of an existing one (without --rotate keygen makes a first key).";

    public static string RotationSteps(string name, string nextKey, string keyPath) =>
        $"next: give every party and analyst the roster and have each party reload ('mpc party reload'); then, before the old key's date, " +
        $"stop {name}'s daemon, hand its privacy ledger to the new key ('mpc party rekey --config CONFIG --roster ROSTER --key {keyPath} --new-key {nextKey}'), " +
        $"move {nextKey} (and its .crt) over {keyPath} and start the daemon (or point the analyst's --key at it).";

    public static string RekeyWhileRunning(string party, int pid) =>
        $"the daemon of {party} runs (process {pid}); stop it first: entries it signed with the old key after the re-key would break its ledger.";

    public static string RekeyNotRosterKey(string party, string next, string roster) =>
        $"the new key {next} is not {party}'s key in {roster}; make it with 'mpc keygen --rotate --roster', give everyone the roster and reload the parties first.";

    public static string NothingToRekey(string party, string? ledger) =>
        $"{party} has no privacy ledger yet ({ledger ?? "none configured"}): nothing to re-key; start the daemon with the new key.";

    public static string AlreadyRekeyed(string party, string ledger, string key) =>
        $"{party}'s ledger {ledger} is already signed with {key}: start the daemon with that key.";

    public static string Rekeyed(string party, string ledger, string from, string to, long entries, string nextKey) =>
        $"{party}'s ledger {ledger}: entry {entries - 1} hands it from {from} to {to}; its budgets carry over. next: move {nextKey} (and its .crt) over the old key and start the daemon with it.";

    public static string RosterEdited(string path, string what, Mpc.Net.Roster roster) =>
        $"{path}: {what}; {roster.Parties.Count} parties, {roster.Analysts.Count} analysts, roster hash {roster.Hash[..16]}. Give this file to every party and analyst, and reload each party ('mpc party reload').";

    public static string CertificateMissing(string path) =>
        $"{path} is not a PEM certificate (NAME.crt, as 'mpc keygen' writes it).";

    public static string PrivateKeyGiven(string path) =>
        $"{path} holds a private key; a roster pins public keys only: give the certificate (NAME.crt) or the fingerprint (--public-key).";

    public static string Usage(string errors, string command) =>
        $"{errors} (see '{command} --help')";

    public static string NoProtocolFolder(string folder) =>
        $"{folder} is not a folder; give --dir the folder of protocol scripts (.csx), such as protocols.";

    public static string NoProtocolScripts(string folder) =>
        $"{folder} holds no protocol script (.csx).";

    public static string NoDocument(string path) =>
        $"{path} does not exist; --out names a Markdown file that already holds the generated block's markers.";

    public static string NoGeneratedBlock(string path, string begin, string end) =>
        $"{path} needs exactly one generated block: a line '{begin}' and, after it, a line '{end}'; the text around them is kept.";
}
