using System.Numerics;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics;

/// <summary>
/// Logistic regression on the rows of all parties with the model secret until the end
/// (reveal = final): only the final coefficients (and, when asked, their standard errors) leave
/// the computation.
/// </summary>
/// <remarks>
/// Every party secret-shares its rows (row counts become public). The features are standardised
/// under MPC with the pooled means and standard deviations (secret), which keeps fixed-point values
/// well scaled. Newton's method runs in the standardised space with the exact Hessian
/// Z' diag(p(1-p)) Z + Lambda, inverted under MPC by Gauss-Jordan with secure reciprocals, where
/// Lambda_j = lambda / s_j^2 makes the penalty the original-scale lambda/2 |beta|^2 (intercept
/// unpenalised). The coefficients are mapped back to the original scale under MPC; standard errors
/// come from the inverse Hessian at the last iterate, transformed the same way.
/// </remarks>
public static class SecureLogisticRegression
{
    /// <summary>
    /// Which features take a single value over the rows of all parties (they cannot be estimated; the pooled
    /// variance is 0), opened to every party as <paramref name="outputName"/> (one bit per feature) and nothing
    /// else: every party shares its local minimum and maximum per feature, and the pooled range max - min is
    /// compared with 0 under MPC. A party with no rows adds nothing.
    /// </summary>
    public static async Task<bool[]> ConstantFeaturesAsync<T>(MpcRuntime<T> runtime, double[] features, int rows, int featureCount, string outputName)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(features);
        int f = featureCount;
        if (features.Length != rows * f) throw new ArgumentException($"{features.Length} feature values do not fill {rows} rows of {f} features.", nameof(features));
        // [max_j, -min_j] per feature; an empty party sends the lowest value the check uses, which never wins a maximum.
        const double Empty = -1e12;
        var local = new double[2 * f];
        for (int j = 0; j < f; j++)
        {
            local[j] = rows == 0 ? Empty : double.NegativeInfinity;
            local[f + j] = rows == 0 ? Empty : double.NegativeInfinity;
            for (int i = 0; i < rows; i++)
            {
                local[j] = Math.Max(local[j], features[i * f + j]);
                local[f + j] = Math.Max(local[f + j], -features[i * f + j]);
            }
        }
        var parts = new List<Secret<T>>();
        for (int owner = 0; owner < runtime.PartyCount; owner++)
            parts.Add(await Input.ShareAsync(runtime, owner, owner == runtime.PartyIndex ? local : null, 1, runtime.Format.FractionalBits).ConfigureAwait(false));
        // Pairwise maxima, all pairs of a level in one batch.
        while (parts.Count > 1)
        {
            int pairs = parts.Count / 2;
            var left = Secret<T>.Concatenate(parts.Take(pairs).ToList());
            var right = Secret<T>.Concatenate(parts.Skip(pairs).Take(pairs).ToList());
            var maxima = await Comparison.MaximumAsync(runtime, left, right).ConfigureAwait(false);
            var next = Enumerable.Range(0, pairs).Select(p => maxima.Slice(p * 2 * f, 2 * f)).ToList();
            if (parts.Count % 2 == 1) next.Add(parts[^1]);
            parts = next;
        }
        // range = max - min is a whole number of units 2^-f: constant exactly when it is below one unit.
        var range = parts[0].Slice(0, f) + parts[0].Slice(f, f);
        var constant = await Comparison.LessThanZeroAsync(runtime, range - Math.Pow(2, -runtime.Format.FractionalBits)).ConfigureAwait(false);
        var bits = await Opening.RevealRealAsync(runtime, constant, outputName).ConfigureAwait(false);
        return [.. bits.Select(b => b > 0.5)];
    }

    public static async Task<SecureLogisticRegressionResult<T>> FitAsync<T>(MpcRuntime<T> runtime, double[] features, double[] outcome, int featureCount,
        LogisticRegressionOptions options, Action<string, double>? progress = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(options);
        int f = featureCount, rows = outcome.Length, scale = runtime.Format.FractionalBits;
        if (features.Length != rows * f) throw new ArgumentException($"{features.Length} feature values do not fill {rows} rows of {f} features.", nameof(features));

        // Pooled moments for standardisation: n, column sums, column sums of squares.
        var local = new double[1 + 2 * f];
        local[0] = rows;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < f; j++)
            {
                double v = features[i * f + j];
                local[1 + j] += v;
                local[1 + f + j] += v * v;
            }
        var moments = await Input.SumAcrossPartiesAsync(runtime, local, 1, scale).ConfigureAwait(false);
        var count = Secret<T>.Concatenate(Enumerable.Repeat(moments[0], 2 * f).ToList());
        var averages = await Division.DivideAsync(runtime, moments.Slice(1, 2 * f), count).ConfigureAwait(false);
        var mean = averages.Slice(0, f);
        var variance = averages.Slice(f, f) - await Multiplication.MultiplyAsync(runtime, mean, mean).ConfigureAwait(false);
        var inverseSd = await Reciprocal.ComputeAsync(runtime, await SquareRoot.ComputeAsync(runtime, variance).ConfigureAwait(false)).ConfigureAwait(false);
        progress?.Invoke("standardised", 0.05);

        // Every party's rows, secret-shared and stacked; then Z = [1 | (X - mean) / sd].
        var xParts = new List<Secret<T>>();
        var yParts = new List<Secret<T>>();
        for (int owner = 0; owner < runtime.PartyCount; owner++)
        {
            bool mine = owner == runtime.PartyIndex;
            xParts.Add(await Input.ShareAsync(runtime, owner, mine ? features : null, f, scale).ConfigureAwait(false));
            yParts.Add(await Input.ShareAsync(runtime, owner, mine ? outcome : null, 1, scale).ConfigureAwait(false));
        }
        var x = Secret<T>.Concatenate(xParts);
        var y = Secret<T>.Concatenate(yParts);
        int n = y.Length, d = f + (options.Intercept ? 1 : 0);
        if (n <= d) throw new ProtocolAbortedException($"Logistic regression needs more rows than coefficients: {n} rows over all parties for {d} coefficients.");
        var rowIndex = Enumerable.Range(0, n * f).Select(k => k % f).ToArray();
        var standardised = await Multiplication.MultiplyAsync(runtime, x - mean.Gather(rowIndex), inverseSd.Gather(rowIndex)).ConfigureAwait(false);
        var z = Design(runtime, standardised, n, f, options.Intercept);

        // Penalty in the standardised space: lambda / s_j^2, none on the intercept.
        var penalty = await Multiplication.MultiplyPublicAsync(runtime, await Multiplication.MultiplyAsync(runtime, inverseSd, inverseSd).ConfigureAwait(false), new[] { options.Lambda }).ConfigureAwait(false);
        if (options.Intercept) penalty = Secret<T>.Concatenate([Input.Public(runtime, [0.0], 1, 1, scale), penalty]);
        var diagonal = Enumerable.Range(0, d).Select(j => j * d + j).ToArray();

        var beta = Input.Public(runtime, new double[d], d, 1, scale);
        var zTransposed = z.Transpose();
        var augmentedIndex = new int[n * (d + 1)];
        for (int i = 0; i < n; i++)
        {
            for (int c = 0; c < d; c++) augmentedIndex[i * (d + 1) + c] = i * d + c;
            augmentedIndex[i * (d + 1) + d] = n * d + i;
        }
        var rowOfCell = Enumerable.Range(0, n * d).Select(k => k / d).ToArray();
        Secret<T> inverseHessian = null!;
        Secret<T> step = beta;
        for (int iteration = 0; iteration < options.Iterations; iteration++)
        {
            var eta = await Multiplication.MatrixMultiplyAsync(runtime, z, beta).ConfigureAwait(false);
            var p = await Sigmoid.ComputeAsync(runtime, eta).ConfigureAwait(false);
            var residual = y - p;
            var weights = await Multiplication.MultiplyAsync(runtime, p, 1.0 - p).ConfigureAwait(false);
            var weightedZ = await Multiplication.MultiplyAsync(runtime, z.Reshape(n * d, 1), weights.Gather(rowOfCell)).ConfigureAwait(false);
            // Z' [W Z | y - p]: the Hessian's data part and the gradient, in one matrix product.
            var augmented = Secret<T>.Concatenate([weightedZ.Reshape(n * d, 1), residual]).Gather(augmentedIndex).Reshape(n, d + 1);
            var products = await Multiplication.MatrixMultiplyAsync(runtime, zTransposed, augmented).ConfigureAwait(false);
            var hessian = Secret<T>.Concatenate(Enumerable.Range(0, d).Select(r => products.Slice(r * (d + 1), d)).ToList()).Reshape(d, d);
            var gradient = Secret<T>.Concatenate(Enumerable.Range(0, d).Select(r => products[r * (d + 1) + d]).ToList());
            hessian = hessian + ScatterDiagonal(runtime, penalty, d);
            gradient = gradient - await Multiplication.MultiplyAsync(runtime, penalty, beta).ConfigureAwait(false);
            inverseHessian = await SecureLinearAlgebra.InvertSymmetricPositiveDefiniteAsync(runtime, hessian).ConfigureAwait(false);
            step = await Multiplication.MatrixMultiplyAsync(runtime, inverseHessian, gradient).ConfigureAwait(false);
            beta = beta + step;
            progress?.Invoke("newton", 0.1 + 0.8 * (iteration + 1) / options.Iterations);
        }
        var stepSize = await Multiplication.DotAsync(runtime, step, step).ConfigureAwait(false);
        var converged = await Comparison.LessThanZeroAsync(runtime, stepSize - options.Tolerance * options.Tolerance).ConfigureAwait(false);

        // Back to the original scale: beta_j = b_j / s_j, intercept b_0 - sum_j b_j m_j / s_j.
        var slopes = await Multiplication.MultiplyAsync(runtime, options.Intercept ? beta.Slice(1, f) : beta, inverseSd).ConfigureAwait(false);
        Secret<T> coefficients = slopes;
        Secret<T>? shift = null;
        if (options.Intercept)
        {
            shift = await Multiplication.MultiplyAsync(runtime, mean, inverseSd).ConfigureAwait(false);
            var offset = await Multiplication.DotAsync(runtime, beta.Slice(1, f), shift).ConfigureAwait(false);
            coefficients = Secret<T>.Concatenate([beta[0] - offset, slopes]);
        }
        Secret<T>? errors = null;
        if (options.StandardErrors)
        {
            // Cov(beta) = A Cov(b) A' with A = [[1, -m/s], [0, diag(1/s)]]; only the diagonal is needed.
            var scaleVector = options.Intercept ? Secret<T>.Concatenate([Input.Public(runtime, [1.0], 1, 1, scale), inverseSd]) : inverseSd;
            var featureVariances = await Multiplication.MultiplyAsync(runtime, inverseHessian.Gather(diagonal), await Multiplication.MultiplyAsync(runtime, scaleVector, scaleVector).ConfigureAwait(false)).ConfigureAwait(false);
            var variances = featureVariances;
            if (options.Intercept)
            {
                var c = Secret<T>.Concatenate([Input.Public(runtime, [1.0], 1, 1, scale), -shift!]);
                var u = await Multiplication.MatrixMultiplyAsync(runtime, inverseHessian, c).ConfigureAwait(false);
                var interceptVariance = await Multiplication.DotAsync(runtime, c, u).ConfigureAwait(false);
                variances = Secret<T>.Concatenate([interceptVariance, featureVariances.Slice(1, f)]);
            }
            errors = await SquareRoot.ComputeAsync(runtime, variances).ConfigureAwait(false);
        }
        return new SecureLogisticRegressionResult<T>(coefficients, errors, converged);
    }

    // [1 | X] row by row (local): the intercept column is public.
    private static Secret<T> Design<T>(MpcRuntime<T> runtime, Secret<T> standardised, int n, int f, bool intercept)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        if (!intercept) return standardised.Reshape(n, f);
        var ones = Input.Public(runtime, Enumerable.Repeat(1.0, n).ToArray(), n, 1, runtime.Format.FractionalBits);
        var combined = Secret<T>.Concatenate([standardised, ones]);
        var index = new int[n * (f + 1)];
        for (int i = 0; i < n; i++)
        {
            index[i * (f + 1)] = n * f + i;
            for (int j = 0; j < f; j++) index[i * (f + 1) + 1 + j] = i * f + j;
        }
        return combined.Gather(index).Reshape(n, f + 1);
    }

    // A d x d matrix with the vector on its diagonal (local).
    private static Secret<T> ScatterDiagonal<T>(MpcRuntime<T> runtime, Secret<T> vector, int d)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var zero = Input.Public(runtime, [0.0], 1, 1, vector.Scale);
        var combined = Secret<T>.Concatenate([vector, zero]);
        var index = Enumerable.Range(0, d * d).Select(k => k / d == k % d ? k / d : d).ToArray();
        return combined.Gather(index).Reshape(d, d);
    }
}
