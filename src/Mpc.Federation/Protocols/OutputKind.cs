namespace Mpc.Federation.Protocols;

/// <summary>How an output is released.</summary>
public enum OutputKind
{
    /// <summary>The exact value, revealed to the analyst only.</summary>
    Exact,

    /// <summary>Noised for differential privacy before release.</summary>
    DifferentiallyPrivate,

    /// <summary>Computed by the analyst in the clear from other outputs (for example a p-value from a chi-square).</summary>
    Derived,
}
