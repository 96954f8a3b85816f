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
}
