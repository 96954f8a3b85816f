namespace Mpc.Federation;

/// <summary>
/// What a party lets leave about one dataset (its configuration, never the analyst's): the epsilon
/// budget over all sessions, the delta every release is calibrated and charged at, the number of
/// honest parties noise is sized for, the most one session may reserve, and the disclosure limits
/// on exact outputs (<see cref="Protocols.DisclosureLimits"/>), and the public ranges of numeric columns that DP releases clip to
/// (<paramref name="Bounds"/>; a column without one cannot enter such a release).
/// An analyst may only ask for less: a smaller epsilon or delta, fewer honest parties.
/// </summary>
public sealed record DatasetPrivacy(double Budget = 10, double Delta = 1e-5, int HonestParties = 1, double? SessionEpsilonCap = null,
    int MinCellCount = DatasetPrivacy.DefaultMinCellCount, int MinGroupSize = DatasetPrivacy.DefaultMinGroupSize, bool ExactIntermediates = false, bool AllowSuppression = false,
    IReadOnlyDictionary<string, Protocols.ColumnRange>? Bounds = null)
{
    /// <summary>DataSHIELD's default nfilter.tab.</summary>
    public const int DefaultMinCellCount = 3;

    /// <summary>DataSHIELD's default nfilter.subset.</summary>
    public const int DefaultMinGroupSize = 3;

    /// <summary>Epsilon 10, delta 1e-5, one honest party, sessions up to the whole budget, cells and groups of 0 or at least 3, no exact intermediates, no suppression.</summary>
    public static DatasetPrivacy Default { get; } = new();

    /// <summary>The disclosure limits on exact outputs about the named dataset.</summary>
    public Protocols.DisclosureLimits LimitsFor(string dataset) => new(dataset, MinCellCount, MinGroupSize, ExactIntermediates, AllowSuppression, Bounds);

    /// <summary>The most one session may reserve: the configured cap, or the whole budget.</summary>
    public double SessionCap => Math.Min(SessionEpsilonCap ?? Budget, Budget);
}
