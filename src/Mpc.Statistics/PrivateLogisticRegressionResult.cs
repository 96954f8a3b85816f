namespace Mpc.Statistics;

/// <summary>
/// A logistic regression fitted from DP-noised gradients: coefficients on the original scale
/// ((Intercept) first), the noised row count and per-step gradient sums every party saw, and the
/// privacy spent, composed in RDP.
/// </summary>
public sealed record PrivateLogisticRegressionResult(double[] Coefficients, double NoisedRows, double[][] NoisedGradients, double Epsilon, double Delta);
