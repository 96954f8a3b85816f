namespace Mpc.Federation;

/// <summary>The older per-dataset form "budgets": { "lung": { "epsilon": 5, "delta": 1e-5 } }, still read (budget and delta only).</summary>
public sealed class BudgetOptions
{
    public double? Epsilon { get; set; }

    public double? Delta { get; set; }
}
