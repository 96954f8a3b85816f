namespace Mpc.Ledger;

/// <summary>A DP release was refused by the ledger: it would take the dataset past its budget, or its session holds no reservation.</summary>
public sealed class PrivacyBudgetExceededException(string message) : Exception(message);
