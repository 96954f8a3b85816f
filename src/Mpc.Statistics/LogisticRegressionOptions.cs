namespace Mpc.Statistics;

/// <summary>Public settings of a logistic regression: intercept, L2 penalty (intercept not penalised), Newton iterations and tolerance.</summary>
public sealed record LogisticRegressionOptions(bool Intercept, double Lambda, int Iterations, double Tolerance, bool StandardErrors);
