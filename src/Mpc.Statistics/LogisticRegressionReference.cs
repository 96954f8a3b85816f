using MathNet.Numerics.LinearAlgebra;

namespace Mpc.Statistics;

/// <summary>
/// Penalised logistic regression in the clear, by Newton's method: maximises
/// sum(y log p + (1 - y) log(1 - p)) - lambda/2 |beta|^2, the intercept not penalised. With
/// lambda = 0 this is R's glm(family = binomial). The reference the secure fit is compared with.
/// </summary>
public static class LogisticRegressionReference
{
    /// <summary>Coefficients (intercept first when <paramref name="intercept"/>) and their standard errors from the inverse Hessian.</summary>
    public static (double[] Coefficients, double[] StandardErrors, int Iterations) Fit(double[,] x, double[] y, bool intercept, double lambda, int maxIterations = 100, double tolerance = 1e-12)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        int n = x.GetLength(0), f = x.GetLength(1), d = f + (intercept ? 1 : 0);
        var design = Matrix<double>.Build.Dense(n, d, (i, j) => intercept ? (j == 0 ? 1 : x[i, j - 1]) : x[i, j]);
        var target = Vector<double>.Build.DenseOfArray(y);
        var penalty = Matrix<double>.Build.DenseDiagonal(d, d, j => intercept && j == 0 ? 0 : lambda);
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
}
