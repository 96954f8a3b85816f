using MathNet.Numerics.LinearAlgebra;

namespace Mpc.Statistics;

/// <summary>
/// Penalised logistic regression in the clear, by Newton's method: maximises
/// sum(y log p + (1 - y) log(1 - p)) - lambda/2 |beta|^2, the intercept not penalised. With
/// lambda = 0 this is R's glm(family = binomial). The reference the secure fit is compared with.
/// With per-feature penalties the term is sum_j lambda_j/2 beta_j^2; <see cref="StandardisedPenalties"/>
/// gives those of glmnet's standardize = TRUE (lambda on the coefficients of the standardised features).
/// </summary>
public static class LogisticRegressionReference
{
    /// <summary>Coefficients (intercept first when <paramref name="intercept"/>) and their standard errors from the inverse Hessian.</summary>
    public static (double[] Coefficients, double[] StandardErrors, int Iterations) Fit(double[,] x, double[] y, bool intercept, double lambda, int maxIterations = 100, double tolerance = 1e-12)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Fit(x, y, intercept, Enumerable.Repeat(lambda, x.GetLength(1)).ToArray(), maxIterations, tolerance);
    }

    /// <summary>As <see cref="Fit(double[,], double[], bool, double, int, double)"/> with penalty lambda_j on feature j.</summary>
    public static (double[] Coefficients, double[] StandardErrors, int Iterations) Fit(double[,] x, double[] y, bool intercept, double[] penalties, int maxIterations = 100, double tolerance = 1e-12)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(penalties);
        int n = x.GetLength(0), f = x.GetLength(1), d = f + (intercept ? 1 : 0);
        if (penalties.Length != f) throw new ArgumentException($"{penalties.Length} penalties for {f} features.", nameof(penalties));
        var design = Matrix<double>.Build.Dense(n, d, (i, j) => intercept ? (j == 0 ? 1 : x[i, j - 1]) : x[i, j]);
        var target = Vector<double>.Build.DenseOfArray(y);
        var penalty = Matrix<double>.Build.DenseDiagonal(d, d, j => intercept ? (j == 0 ? 0 : penalties[j - 1]) : penalties[j]);
        var beta = Vector<double>.Build.Dense(d);
        Matrix<double> hessian = penalty;
        int iteration = 0;
        while (iteration++ < maxIterations)
        {
            var p = (design * beta).Map(v => 1 / (1 + Math.Exp(-v)));
            var gradient = design.TransposeThisAndMultiply(target - p) - penalty * beta;
            var weights = p.PointwiseMultiply(1 - p);
            hessian = design.TransposeThisAndMultiply(design.PointwiseMultiply(Matrix<double>.Build.Dense(n, d, (i, _) => weights[i]))) + penalty;
            var step = hessian.Solve(gradient);
            beta += step;
            if (step.L2Norm() < tolerance) break;
        }
        var covariance = hessian.Inverse();
        return (beta.ToArray(), Enumerable.Range(0, d).Select(j => Math.Sqrt(covariance[j, j])).ToArray(), iteration);
    }

    /// <summary>
    /// lambda s_j^2 for each feature, s_j its standard deviation over the rows (divisor n, as glmnet): the penalty
    /// lambda/2 |b|^2 on the coefficients b_j = s_j beta_j of the standardised features, on the original scale.
    /// </summary>
    public static double[] StandardisedPenalties(double[,] x, double lambda)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.GetLength(0), f = x.GetLength(1);
        var penalties = new double[f];
        for (int j = 0; j < f; j++)
        {
            double mean = 0, squares = 0;
            for (int i = 0; i < n; i++) mean += x[i, j] / n;
            for (int i = 0; i < n; i++) squares += (x[i, j] - mean) * (x[i, j] - mean);
            penalties[j] = lambda * squares / n;
        }
        return penalties;
    }
}
