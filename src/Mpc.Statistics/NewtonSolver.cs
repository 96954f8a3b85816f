namespace Mpc.Statistics;

/// <summary>How the secure logistic regression applies the inverse Hessian in each Newton step.</summary>
public enum NewtonSolver
{
    /// <summary>
    /// A kept inverse refined by Newton-Schulz steps (two rounds of products each, independent of the number of features):
    /// the rounds of an iteration no longer grow with the features.
    /// </summary>
    Refined,

    /// <summary>
    /// An L D L' factorisation of every iteration's Hessian and two substitutions: exact, but d / 2 secure reciprocals in
    /// sequence per iteration (about 500 rounds an iteration for 30 features).
    /// </summary>
    Factorised,
}
