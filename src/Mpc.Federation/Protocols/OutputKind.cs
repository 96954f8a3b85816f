namespace Mpc.Federation.Protocols;

/// <summary>How an output is released.</summary>
public enum OutputKind
{
    /// <summary>The exact value, revealed to the analyst only.</summary>
    Exact,

    /// <summary>Noised for differential privacy before release, to the analyst only.</summary>
    DifferentiallyPrivate,

    /// <summary>Computed by the analyst in the clear from other outputs (for example a p-value from a chi-square).</summary>
    Derived,

    /// <summary>
    /// Noised for differential privacy and released to every party each time it is computed (for
    /// example a noisy gradient per iteration that the next iteration needs); the whole series
    /// goes to the analyst at the end.
    /// </summary>
    DifferentiallyPrivateIntermediate,

    /// <summary>
    /// Exact and opened to every party each time it is computed, never to the analyst: for trusted
    /// settings only (for example pooled gradient sums without DP); every party learns every value.
    /// </summary>
    ExactIntermediate,

    /// <summary>
    /// Exact counts of rows (a table's cells, histogram bins, group sizes), to the analyst only: opened
    /// only after each party checked that its own count in every cell is 0 or at least its minimum cell count.
    /// </summary>
    Counts,

    /// <summary>
    /// One bit per element, opened to every party before the computation to check that the data fits
    /// (for example whether a feature takes one value over all rows), so the session can stop naming
    /// the problem; never to the analyst. Unlike an exact intermediate it needs no permission in the
    /// party's policy: it says whether the computation can run, not what the data holds.
    /// </summary>
    DataCheck,
}
