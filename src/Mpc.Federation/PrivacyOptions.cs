namespace Mpc.Federation;

/// <summary>One dataset's privacy settings as bound from the configuration ("privacy": { "lung": { ... } }); see <see cref="DatasetPrivacy"/>.</summary>
public sealed class PrivacyOptions
{
    public double? Budget { get; set; }

    public double? Delta { get; set; }

    // Counts are read as numbers and checked to be whole, so "2.5" is refused as not whole rather than as not a number.
    public double? HonestParties { get; set; }

    public double? SessionEpsilonCap { get; set; }

    public double? MinCellCount { get; set; }

    public double? MinGroupSize { get; set; }

    public bool? ExactIntermediates { get; set; }

    public bool? AllowSuppression { get; set; }

    // Per numeric column, [lower, upper]: the public range DP releases clip it to.
    public Dictionary<string, List<double>>? Bounds { get; set; }
}
