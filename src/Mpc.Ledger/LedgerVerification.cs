namespace Mpc.Ledger;

/// <summary>
/// The result of checking a ledger's chain: its party, entry count and head hash (hex SHA-256 of the
/// last entry), and every problem found (empty: the chain is whole and every entry verifies).
/// </summary>
public sealed record LedgerVerification(string Party, long Entries, string Head, IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;

    /// <summary>The fingerprints of the keys that signed the chain, in order (the last is the key in force); empty when none verified.</summary>
    public IReadOnlyList<string> Keys { get; init; } = [];
}
