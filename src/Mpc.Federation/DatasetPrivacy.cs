namespace Mpc.Federation;

/// <summary>
/// What a party lets leave about one dataset (its configuration, never the analyst's): the epsilon
/// budget over all sessions, the delta every release is calibrated and charged at, the number of
/// honest parties noise is sized for, the most one session may reserve, and the disclosure limits
/// for exact outputs (smallest cell count and group size, like DataSHIELD's filters).
/// An analyst may only ask for less: a smaller epsilon or delta, fewer honest parties.
/// </summary>
public sealed record DatasetPrivacy(double Budget = 10, double Delta = 1e-5, int HonestParties = 1, double? SessionEpsilonCap = null, int MinCellCount = 3, int MinGroupSize = 3)
{
    /// <summary>Epsilon 10, delta 1e-5, one honest party, sessions up to the whole budget, cells and groups of at least 3.</summary>
    public static DatasetPrivacy Default { get; } = new();

    /// <summary>The most one session may reserve: the configured cap, or the whole budget.</summary>
    public double SessionCap => Math.Min(SessionEpsilonCap ?? Budget, Budget);
}
