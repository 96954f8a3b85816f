namespace Mpc.Statistics;

/// <summary>A logrank test in the clear: statistic, degrees of freedom, p-value, and per-group N, observed and expected events.</summary>
public sealed record LogrankResult(double ChiSquare, int DegreesOfFreedom, double PValue, double[] N, double[] Observed, double[] Expected, double[,] Variance);
