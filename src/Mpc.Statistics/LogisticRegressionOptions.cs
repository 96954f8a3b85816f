namespace Mpc.Statistics;

/// <summary>
/// Public settings of a logistic regression: intercept, L2 penalty (intercept not penalised), Newton iterations and tolerance,
/// standard errors, and whether lambda applies to the coefficients of the standardised features (glmnet's standardize = TRUE)
/// rather than to those on the original scale, how each Newton step is solved (<see cref="NewtonSolver"/>), and whether the
/// residual deviance and the counts n and events are computed after the fit (<see cref="SecureLogisticRegression"/>).
/// </summary>
public sealed record LogisticRegressionOptions(bool Intercept, double Lambda, int Iterations, double Tolerance, bool StandardErrors, bool Standardise = false,
    NewtonSolver Solver = NewtonSolver.Refined, bool Deviance = false);
