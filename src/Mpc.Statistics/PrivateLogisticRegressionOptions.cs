namespace Mpc.Statistics;

/// <summary>
/// Public settings of a logistic regression with DP-noised intermediate gradients: intercept, L2
/// penalty lambda/2 |beta|^2 on the original scale (intercept not penalised), the public feature
/// bounds that scale (and clip) every feature to [-1, 1], gradient steps, learning rate, per-record
/// clipping norm, and the privacy budget (epsilon, delta) with dp.honest_parties. With Standardise, lambda applies to the
/// coefficients of the features as scaled to [-1, 1] by their bounds instead of to those on the original scale.
/// </summary>
public sealed record PrivateLogisticRegressionOptions(bool Intercept, double Lambda, double[] LowerBounds, double[] UpperBounds,
    int Steps, double LearningRate, double ClipNorm, double Epsilon, double Delta, int HonestParties, bool Standardise = false);
