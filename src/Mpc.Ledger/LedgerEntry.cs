namespace Mpc.Ledger;

/// <summary>
/// One entry of a party's privacy ledger as recorded: sequence number, kind ("genesis", "reserve",
/// "release", "close", "refusal", "rekey"), dataset, session, output (releases; the analyst of a refusal, the new key's
/// fingerprint of a re-key), the epsilon it reserves or charges at its delta, and for releases the mechanism and its
/// noise parameter as the party accounted for them ("" and NaN for other kinds), and the time.
/// </summary>
public sealed record LedgerEntry(long Sequence, string Kind, string Dataset, string Session, string Output, double Epsilon, double Delta, string Mechanism, double Noise, string Recorded);
