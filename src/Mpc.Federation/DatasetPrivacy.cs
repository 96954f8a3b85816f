namespace Mpc.Federation;

/// <summary>
/// What a party lets leave about one dataset (its configuration, never the analyst's): the epsilon
/// budget over all sessions, the delta every release is calibrated and charged at, the number of
/// honest parties noise is sized for, and the most one session may reserve.
/// An analyst may only ask for less: a smaller epsilon or delta, fewer honest parties.
/// </summary>
public sealed record DatasetPrivacy(double Budget = 10, double Delta = 1e-5, int HonestParties = 1, double? SessionEpsilonCap = null)
{
    /// <summary>Epsilon 10, delta 1e-5, one honest party, and sessions up to the whole budget.</summary>
    public static DatasetPrivacy Default { get; } = new();

    /// <summary>The most one session may reserve: the configured cap, or the whole budget.</summary>
    public double SessionCap => Math.Min(SessionEpsilonCap ?? Budget, Budget);
}
