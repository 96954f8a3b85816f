namespace Mpc.Privacy;

/// <summary>
/// Every message the privacy layer (DP mathematics and the distributed noise protocol) puts in an
/// exception, in one place, so wording stays consistent and tests can assert on it. None carries a
/// data value: only parameters the analyst or the party chose.
/// </summary>
public static class PrivacyErrors
{
    public static string EpsilonUnreachable(double epsilon) =>
        FormattableString.Invariant($"epsilon {epsilon:G4} is below what any amount of noise reaches at this delta (RDP orders up to 63); ask for a larger epsilon.");

    public static string UnknownMechanism(string mechanism) =>
        $"No RDP accounting is known for the release mechanism '{mechanism}'.";

    public const string EpsilonNotPositive = "epsilon must be positive.";

    public const string DeltaOutOfRange = "delta must be in (0, 1).";

    public const string SkellamParameterNotPositive = "The Skellam parameter must be positive.";

    public const string SamplingRateOutOfRange = "The sampling rate must be in (0, 1].";

    public const string SensitivitiesNotPositive = "Every planned release needs positive L1 and L2 sensitivities.";

    public static string WeightsMismatch(int releases) =>
        $"One positive weight is needed for each of the {releases} planned releases.";

    public static string BudgetAlreadySpent(double epsilon) =>
        $"The releases already made spend the whole budget of epsilon {epsilon}.";

    public const string SkellamNoiseArguments = "Skellam noise needs mu > 0 and at least one honest party.";

    public static string HonestPartiesOutOfRange(int partyCount) =>
        $"dp.honest_parties must be between 1 and {partyCount}.";

    public const string ContributionNotInteger = "Skellam noise is added to integer contributions; scale and round them first.";
}
