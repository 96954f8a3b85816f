namespace Mpc.Ledger;

/// <summary>
/// Every message about a privacy ledger (its chain, its keys, its budget), for the ledger itself, its
/// audit and the CLI, in one place. They name paths and sessions: for the party's own operator, never
/// sent to a peer or an analyst as they are.
/// </summary>
public static class LedgerErrors
{
    public static string LedgerOfAnotherParty(string path, string owner, string party) =>
        $"The privacy ledger {path} belongs to {(owner.Length == 0 ? "no party (it is unsigned)" : owner)}, not {party}: each party keeps its own ledger.";

    public static string LedgerOfAnotherKey(string path, string party) =>
        $"The privacy ledger {path} is signed with another key than {party}'s: it was replaced, or the party's key changed.";

    public static string LedgerKeyNotRekeyed(string path, string party, string inForce, string held) =>
        $"The privacy ledger {path} is signed with key {inForce}, not with {party}'s key {held}: after a key rotation, stop the daemon and run 'mpc party rekey --config CONFIG --key OLD.key --new-key NEW.key' once (docs/operating.md, key rotation); otherwise the ledger was replaced.";

    public static string LedgerRekeyedAway(string path, string party, string inForce, string held) =>
        $"The privacy ledger {path} was re-keyed to {inForce}; {party}'s old key {held} signs no more entries: start the daemon with the new key.";

    public static string LedgerRekeyInvalid(string path, long entry) =>
        $"The privacy ledger {path} entry {entry} re-keys to a certificate that cannot be read, does not match its fingerprint or did not sign its acceptance, or re-keys an unsigned ledger.";

    public static string LedgerRekeySameKey(string path, string key) =>
        $"The privacy ledger {path} is already signed with key {key}; there is nothing to re-key.";

    public static string LedgerEmpty(string path) =>
        $"The privacy ledger {path} is empty or missing.";

    public static string LedgerUnsigned(string path) =>
        $"The privacy ledger {path} is not signed by a party's key.";

    public static string LedgerLegacyFormat(string path) =>
        $"The privacy ledger {path} holds releases in the unsigned format of an earlier version; move it aside and re-enter its spend, the party will not trust it.";

    public static string LedgerNewerFormat(string path, long version, int known) =>
        $"The privacy ledger {path} is in format {version}, written by a later version of mpc (this one reads up to {known}); it cannot account for what it records.";

    public static string LedgerRolledBack(string path, long entries) =>
        $"The privacy ledger {path} lost entries it had ({entries} were read before): it was truncated, rolled back or replaced.";

    public static string LedgerEntryMissing(string path, long expected, long found) =>
        $"The privacy ledger {path} has entry {found} where entry {expected} was expected: entries were removed.";

    public static string LedgerEntryChanged(string path, long entry) =>
        $"The privacy ledger {path} entry {entry} was changed (its hash does not match its content).";

    public static string LedgerEntryUnlinked(string path, long entry) =>
        $"The privacy ledger {path} entry {entry} does not link to the entry before it: entries were removed, inserted or moved.";

    public static string LedgerSignatureInvalid(string path, long entry) =>
        $"The privacy ledger {path} entry {entry} does not verify with the party's key (the key in force at that entry).";

    public static string LedgerMissingReleases(string party, string path, int missing, string session, string output) =>
        $"the transcripts of {party} record {missing} DP release(s) that its privacy ledger {path} does not hold (first: session {session}, output '{output}'); the ledger was deleted, truncated or rolled back; restore it before the party serves again.";

    public static string LedgerBroken(string party, string problem) =>
        $"{party} refuses to start: {problem}";

    public static string SessionReservedBefore(string session) =>
        $"session {session} already reserved budget once; a session id is used once";

    public static string NoReservation(string session, string dataset) =>
        $"session {session} holds no open reservation on dataset {dataset}";

    public static string LedgerBudgetExceeded(string dataset, double after, double budget, double delta) =>
        FormattableString.Invariant($"it would bring dataset {dataset} to epsilon {after:G4} (with the other sessions' reservations, delta {delta:G3}) where its budget is {budget:G4}.");

    public static string LedgerUnreadable(string path, string reason) =>
        $"The privacy ledger {path} cannot be read ({reason}): it was deleted, replaced or damaged.";

    public const string SignerWithoutPrivateKey = "The ledger's signer needs its private key.";

    public const string NoiseNotPositive = "The Skellam parameter must be positive and finite.";

    public const string SensitivitiesNotPositive = "Sensitivities must be positive and finite.";

    public const string EpsilonNotPositive = "must be a positive finite epsilon.";

    public const string RekeyWithoutKeyInForce = "Only a ledger opened with the party's key in force can be re-keyed.";

    public const string RekeyWithoutNewPrivateKey = "The new key's private key must sign its acceptance of the ledger.";
}
