namespace Mpc.Ledger;

/// <summary>
/// The outcome of reserving a session's epsilon: whether it was admitted, the dataset's epsilon with it
/// (releases plus every open reservation, composed in RDP), what was left before it, and a reason when
/// the refusal is not about the budget.
/// </summary>
public sealed record LedgerReservation(bool Admitted, double EpsilonAfter, double Left, string? Reason);
