namespace Mpc.Statistics;

/// <summary>
/// The opened data checks of a regression's features, one entry per feature: whether it takes a single value over all parties'
/// rows, and whether a value's magnitude is beyond what the standardisation handles.
/// </summary>
public sealed record FeatureChecks(bool[] Constant, bool[] TooLarge);
