namespace Mpc.Ledger;

/// <summary>The privacy ledger was changed, cut short, rolled back, deleted or belongs to another party: its spend cannot be trusted.</summary>
public sealed class LedgerIntegrityException(string message) : Exception(message);
