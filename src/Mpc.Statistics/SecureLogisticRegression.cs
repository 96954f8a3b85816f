using System.Numerics;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics;

/// <summary>
/// Logistic regression on the rows of all parties with the model secret until the end
/// (reveal = final): only the final coefficients (and, when asked, their standard errors) leave
/// the computation.
/// </summary>
/// <remarks>
/// Every party secret-shares its outcomes (row counts become public); its features never leave it, not even as
/// shares: every product of its rows with a secret (eta = A beta, the gradient A'r, the Hessian's A'WA) is a private
/// matrix product (<see cref="Multiplication.PrivateMatrixMultiplyEachAsync"/>), which with OT preprocessing costs
/// one oblivious product per pair instead of triples for every cell. Newton's method runs in the space standardised
/// with the pooled means and standard deviations (secret), which keeps fixed-point values well scaled, with the exact
/// Hessian Z' diag(p(1-p)) Z + Lambda obtained from A'WA by the standardisation's d x d transform. The first step, from zero, needs
/// no per-row secure work (p = 1/2 is public). Each step applies an inverse
/// kept from the last iteration and refined by Newton-Schulz steps (<see cref="NewtonSolver.Refined"/>: rounds independent of d),
/// or factorises the Hessian under MPC as L D L' with 2 x 2 pivot blocks (one secure reciprocal per block) and solves by
/// substitution (<see cref="NewtonSolver.Factorised"/>), where Lambda_j = lambda / s_j^2 makes the penalty the original-scale
/// lambda/2 |beta|^2 (intercept unpenalised), or Lambda_j = lambda with <see cref="LogisticRegressionOptions.Standardise"/> (glmnet's standardize = TRUE). Without an intercept the features are scaled, not centred.
/// The coefficients are mapped back to the original scale under MPC; standard errors
/// come from the inverse Hessian at the last iterate (the kept inverse, or the factors), transformed the same way.
/// </remarks>
public static partial class SecureLogisticRegression
{
    // Fractional bits of the weights p (1 - p) in the Hessian's data part: 16 while the Hessian only steers the steps, more
    // in the last step when its inverse gives the standard errors (at 16 bits they wander about 1e-3 on 32 rows).
    private const int WeightBits = 16;
    private const int FinalWeightBits = 28;
    // Fractional bits of each party's outer products, relative to the largest of their row (k, l) at that party where that
    // exceeds 1: enough that centring a feature far from zero (a year, say) loses nothing that matters.
    private const int OuterProductBits = 40;
    // Newton-Schulz steps of the refined solver: from the Jacobi start to the first Hessian's inverse (2^16 covers a condition
    // number of the unit-diagonal Hessian up to about 10^5 over 30 features), and from the last iteration's inverse to the next
    // (residual^32; on breast cancer 4 steps still reach 1.6e-6 of the optimum and 3 fall back to the damped inverse).
    private const int StartSteps = 16;
    private const int RefineSteps = 5;
    // Rows per coefficient from which the last Newton step reuses the last inverse instead of a new Hessian.
    private const int ReuseRowsPerCoefficient = 1000;
    // R's DBL_EPSILON: glm's binomial link keeps every fitted probability at least this far from 0 and 1.
    private const double DoubleEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// The data checks before a fit, opened to every party as <paramref name="outputName"/> (two bits per feature) and nothing
    /// else: which features take a single value over the rows of all parties (they cannot be estimated; the pooled variance is
    /// 0), and which have a value of magnitude <see cref="MaximumFeatureMagnitude"/> or more (beyond what the standardisation
    /// handles). Every party shares its local minimum and maximum per feature, and the pooled ones are compared under MPC.
    /// A party with no rows adds nothing.
    /// </summary>
    public static async Task<FeatureChecks> CheckFeaturesAsync<T>(MpcRuntime<T> runtime, double[] features, int rows, int featureCount, string outputName)
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
        // range = max - min is a whole number of units 2^-f: constant exactly when it is below one unit. In range when both
        // max and -min are below the bound; the three comparisons in one batch, their AND in one product.
        var range = parts[0].Slice(0, f) + parts[0].Slice(f, f);
        double bound = MaximumFeatureMagnitude(runtime.Format);
        var below = await Comparison.LessThanZeroAsync(runtime, Secret<T>.Concatenate([range - Math.Pow(2, -runtime.Format.FractionalBits), parts[0] - bound])).ConfigureAwait(false);
        var inRange = await Multiplication.MultiplyAsync(runtime, below.Slice(f, f), below.Slice(2 * f, f)).ConfigureAwait(false);
        var one = Input.Public(runtime, Enumerable.Repeat(1.0, f).ToArray(), f, 1, inRange.Scale);
        var bits = await Opening.RevealRealAsync(runtime, Secret<T>.Concatenate([below.Slice(0, f), one - inRange]), outputName).ConfigureAwait(false);
        return new FeatureChecks([.. bits.Take(f).Select(b => b > 0.5)], [.. bits.Skip(f).Select(b => b > 0.5)]);
    }

    /// <summary>
    /// The magnitude below which every feature value must lie: 2^((f-8)/2) (65,536 at Ring128), so that 1/s^2, which scales the
    /// standardised Hessian, keeps at least 2^8 units 2^-f (at s = 1e6 it was one unit, and the fit ignored the feature at
    /// random), and at most sqrt(2^(k-2f-3)) so that the variance stays within <see cref="SquareRoot"/>'s input range.
    /// </summary>
    public static double MaximumFeatureMagnitude(FixedPointFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        return Math.Min(Math.Pow(2, (format.FractionalBits - 8) / 2.0), Math.Pow(2, (format.RingBits - 2 * format.FractionalBits - 3) / 2.0));
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

        // The outcomes are shared (row counts become public); the features enter only private products, or, on engines without
        // them, are shared once by their owners (PrepareDesignAsync).
        var yParts = new List<Secret<T>>();
        for (int owner = 0; owner < runtime.PartyCount; owner++)
            yParts.Add(await Input.ShareAsync(runtime, owner, owner == runtime.PartyIndex ? outcome : null, 1, scale).ConfigureAwait(false));
        var rowCounts = yParts.Select(part => part.Rows).ToArray();
        var y = Secret<T>.Concatenate(yParts);
        int n = y.Length, columns = f + 1, d = f + (options.Intercept ? 1 : 0);
        if (n <= d) throw new ProtocolAbortedException($"Logistic regression needs more rows than coefficients: {n} rows over all parties for {d} coefficients.");
        var design = LocalDesign(features, rows, f);

        // Z = (A - 1 mu') S with A = [1 | X], S = diag(1, 1/s), mu = (0, m) with an intercept and 0 without (centring
        // would add one). Then Z'r = S (A'r - mu (1'r)) and Z'WZ = S (M - mu q' - q mu') S with M = A'WA, q = M e_0 - M_00 mu / 2
        // (expanded below into one round of products).
        var zero = Input.Public(runtime, [0.0], 1, 1, scale);
        var standardScale = Secret<T>.Concatenate([Input.Public(runtime, [1.0], 1, 1, scale), inverseSd]);
        var (unique, full) = SymmetricIndex(columns);
        // Every matrix below is symmetric: it is kept and multiplied as its upper triangle (k <= l), entry t at (rowOf[t], columnOf[t]).
        var rowOf = new int[unique];
        var columnOf = new int[unique];
        for (int k = 0, t = 0; k < columns; k++)
            for (int l = k; l < columns; l++, t++) (rowOf[t], columnOf[t]) = (k, l);
        // The outer product of the scales and shift_j = m_j / s_j (the intercept's part of the original scale), in one batch.
        var scaleProducts = await Multiplication.MultiplyAsync(runtime, Secret<T>.Concatenate([standardScale.Gather(rowOf), mean]),
            Secret<T>.Concatenate([standardScale.Gather(columnOf), inverseSd])).ConfigureAwait(false);
        var scaleOuter = scaleProducts.Slice(0, unique);
        var shift = scaleProducts.Slice(unique, f);
        var shiftVector = Secret<T>.Concatenate([zero, shift]);
        var fitted = Enumerable.Range(options.Intercept ? 0 : 1, d).ToArray();
        var fittedCells = fitted.SelectMany(r => fitted.Select(c => full[r * columns + c])).ToArray();
        // Penalty in the standardised space: lambda / s_j^2 (lambda on the original scale) or lambda, none on the intercept.
        var penalty = options.Standardise
            ? Input.Public(runtime, Enumerable.Repeat(options.Lambda, f).ToArray(), f, 1, scale)
            : await Multiplication.MultiplyPublicAsync(runtime, scaleOuter.Gather([.. Enumerable.Range(1, f).Select(j => full[j * columns + j])]), new[] { options.Lambda }).ConfigureAwait(false);
        if (options.Intercept) penalty = Secret<T>.Concatenate([zero, penalty]);

        var b = Input.Public(runtime, new double[d], d, 1, scale);
        Secret<T> lowerFactor = null!, inverseBlocks = null!, inverse = null!, firstInverse = null!;
        Secret<T> step = b;
        // The data terms in the standardised space in one round of products, as fixed secret multiples of M's entries and of g:
        // with sh = (0, m/s) (S mu) and k <= l, (Z'WZ)_kl = s_k s_l M_kl - sh_k s_l M_l0 - s_k sh_l M_k0 + sh_k sh_l M_00 and
        // (Z'r)_k = s_k g_k - sh_k g_0; the multiples are computed once, here (all zero without an intercept).
        var shifted = options.Intercept ? await Multiplication.MultiplyAsync(runtime,
            Secret<T>.Concatenate([shiftVector.Gather(rowOf), standardScale.Gather(rowOf), shiftVector.Gather(rowOf)]),
            Secret<T>.Concatenate([standardScale.Gather(columnOf), shiftVector.Gather(columnOf), shiftVector.Gather(columnOf)])).ConfigureAwait(false) : null;
        var firstColumn = Enumerable.Range(0, columns).Select(k => full[k * columns]).ToArray();
        async Task<(Secret<T> Gradient, Secret<T> Hessian)> StandardisedAsync(Secret<T> g, Secret<T> m)
        {
            var left = new List<Secret<T>> { scaleOuter, standardScale, penalty };
            var right = new List<Secret<T>> { m, g, b };
            if (shifted is not null)
            {
                left.AddRange([shifted, shiftVector]);
                right.AddRange([m.Gather(columnOf.Select(l => firstColumn[l]).ToArray()), m.Gather(rowOf.Select(k => firstColumn[k]).ToArray()), m.Gather(new int[unique]),
                    g.Gather(new int[columns])]);
            }
            var products = await Multiplication.MultiplyAsync(runtime, Secret<T>.Concatenate(left), Secret<T>.Concatenate(right)).ConfigureAwait(false);
            var centred = products.Slice(0, unique);
            var gradient = products.Slice(unique, columns);
            int at = unique + columns + d;
            if (shifted is not null)
            {
                centred = centred - products.Slice(at, unique) - products.Slice(at + unique, unique) + products.Slice(at + 2 * unique, unique);
                gradient = gradient - products.Slice(at + 3 * unique, columns);
            }
            var hessian = centred.Gather(fittedCells).Reshape(d, d) + ScatterDiagonal(runtime, penalty, d);
            return (gradient.Gather(fitted) - products.Slice(unique + columns, d), hessian);
        }
        // Where the rows are many per coefficient (n and d are public) the Hessian moves little between the last two iterates: the
        // last step then reuses the last inverse (a quasi-Newton step) and skips the per-row Hessian, unless the standard errors
        // need the Hessian at the optimum.
        var prepared = options.Iterations > 1 ? await PrepareDesignAsync(runtime, design, rowCounts, columns, unique).ConfigureAwait(false) : null;
        bool reuse = options.Solver == NewtonSolver.Refined && !options.StandardErrors && n >= ReuseRowsPerCoefficient * d;
        for (int iteration = 0; iteration < options.Iterations; iteration++)
        {
            var (g, m) = iteration == 0
                ? await StartingDataTermsAsync(runtime, design, outcome, rows, columns, unique, scale).ConfigureAwait(false)
                : await DataTermsAsync(runtime, b, inverseSd, shift, options.Intercept, design, prepared, y, rowCounts, columns, unique, zero,
                    reuse && iteration == options.Iterations - 1 ? null : options.StandardErrors && iteration == options.Iterations - 1 ? FinalWeightBits : WeightBits).ConfigureAwait(false);
            var (gradient, hessian) = await StandardisedAsync(g, m).ConfigureAwait(false);
            if (options.Solver == NewtonSolver.Factorised)
            {
                (lowerFactor, inverseBlocks) = await SecureLinearAlgebra.FactorAsync(runtime, hessian).ConfigureAwait(false);
                step = await SecureLinearAlgebra.SolveAsync(runtime, lowerFactor, inverseBlocks, gradient.Reshape(d, 1)).ConfigureAwait(false);
            }
            else
            {
                // The first Hessian is Bohning's bound (weights 1/4, at least every later one): refinement from its inverse is a safe
                // step whenever the one from the last inverse fails.
                if (iteration > 0 && (!reuse || iteration < options.Iterations - 1))
                    (inverse, step) = await RefineOrDampAsync(runtime, hessian, inverse, firstInverse, gradient.Reshape(d, 1), RefineSteps).ConfigureAwait(false);
                else
                {
                    if (iteration == 0) inverse = firstInverse = await SecureLinearAlgebra.InverseAsync(runtime, hessian, StartSteps).ConfigureAwait(false);
                    step = await Multiplication.MatrixMultiplyAsync(runtime, inverse, gradient.Reshape(d, 1)).ConfigureAwait(false);
                }
            }
            b = b + step;
            progress?.Invoke("newton", 0.1 + 0.8 * (iteration + 1) / options.Iterations);
        }
        var stepSize = await Multiplication.DotAsync(runtime, step, step).ConfigureAwait(false);
        var converged = await Comparison.LessThanZeroAsync(runtime, stepSize - options.Tolerance * options.Tolerance).ConfigureAwait(false);
        var coefficients = await OriginalScaleAsync(runtime, b, inverseSd, shift, options.Intercept).ConfigureAwait(false);

        Secret<T>? errors = null;
        if (options.StandardErrors)
        {
            // Cov(beta) = A Cov(b) A' with A = [[1, -m/s], [0, diag(1/s)]]; only the diagonal is needed. With H = L D L'
            // and W = L^-1, H^-1 = W' D^-1 W: (H^-1)_ii = sum_k W_ki (D^-1 W)_ki and c'H^-1 c = (W c)' D^-1 (W c).
            // With the refined solver H^-1 is the kept inverse X: (H^-1)_ii = X_ii and c'H^-1 c = c'(X c).
            var identity = Input.Public(runtime, Enumerable.Range(0, d * d).Select(i => i / d == i % d ? 1.0 : 0.0).ToArray(), d, d, scale);
            bool factorised = options.Solver == NewtonSolver.Factorised;
            var w = factorised ? await SecureLinearAlgebra.SolveLowerAsync(runtime, lowerFactor, identity, 2).ConfigureAwait(false) : null;
            Secret<T> inverseHessianDiagonal;
            if (w is not null)
            {
                var dw = await Multiplication.MatrixMultiplyAsync(runtime, inverseBlocks, w).ConfigureAwait(false);
                var cellProducts = await Multiplication.MultiplyAsync(runtime, w, dw).ConfigureAwait(false);
                var ones = Input.Public(runtime, Enumerable.Repeat(1.0, d).ToArray(), d, 1, scale);
                inverseHessianDiagonal = await Multiplication.MatrixMultiplyAsync(runtime, cellProducts.Reshape(d, d).Transpose(), ones).ConfigureAwait(false);
            }
            else inverseHessianDiagonal = inverse.Gather([.. Enumerable.Range(0, d).Select(i => i * d + i)]);
            var scaleVector = options.Intercept ? standardScale : inverseSd;
            var featureVariances = await Multiplication.MultiplyAsync(runtime, inverseHessianDiagonal, await Multiplication.MultiplyAsync(runtime, scaleVector, scaleVector).ConfigureAwait(false)).ConfigureAwait(false);
            var variances = featureVariances;
            if (options.Intercept)
            {
                var c = Secret<T>.Concatenate([Input.Public(runtime, [1.0], 1, 1, scale), -shift]);
                var v = await Multiplication.MatrixMultiplyAsync(runtime, w ?? inverse, c.Reshape(d, 1)).ConfigureAwait(false);
                var dv = w is null ? c : await Multiplication.MatrixMultiplyAsync(runtime, inverseBlocks, v).ConfigureAwait(false);
                var interceptVariance = await Multiplication.DotAsync(runtime, v, dv).ConfigureAwait(false);
                variances = Secret<T>.Concatenate([interceptVariance, featureVariances.Slice(1, f)]);
            }
            errors = await SquareRoot.ComputeAsync(runtime, variances).ConfigureAwait(false);
        }
        if (!options.Deviance) return new SecureLogisticRegressionResult<T>(coefficients, errors, converged);
        var fullCoefficients = (options.Intercept ? coefficients : Secret<T>.Concatenate([zero, coefficients])).Reshape(columns, 1);
        var deviance = await DevianceAsync(runtime, design.Rows, outcome, rowCounts, fullCoefficients).ConfigureAwait(false);
        // n is public already (every party's row count is); the events are the pooled sum of the shared outcomes.
        var counts = Secret<T>.Concatenate([Input.Public(runtime, [n], 1, 1, scale), y.Sum()]);
        return new SecureLogisticRegressionResult<T>(coefficients, errors, converged, deviance, counts);
    }

    /// <summary>
    /// The residual deviance -2 sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)] at <paramref name="beta"/> (with the intercept's slot),
    /// as one secret: each party's rows times the sign s_i = 2 y_i - 1 (its own, in the clear) give t_i = s_i eta_i by one private
    /// product, and the row's log-likelihood is log sigmoid(t_i) = min(t_i, 0) + log sigmoid(|t_i|), where sigmoid(|t_i|) lies in
    /// [1/2, 1] so the logarithm stays accurate however small the likelihood. t_i is clipped below at log(DBL_EPSILON)
    /// (p_i at least 2.2e-16 away from 0 and 1, as R's binomial link does from |eta| = 30 on).
    /// Error: about (D + 1) (N/2 + 1) + 17 units 2^-f a row from the sigmoid and the logarithm, so below 1e-9 n at f = 40.
    /// </summary>
    private static async Task<Secret<T>> DevianceAsync<T>(MpcRuntime<T> runtime, double[] design, double[] outcome, int[] rowCounts, Secret<T> beta)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int columns = beta.Length;
        var signed = (double[])design.Clone();
        for (int i = 0; i < outcome.Length; i++)
            if (outcome[i] == 0)
                for (int c = 0; c < columns; c++) signed[i * columns + c] = -signed[i * columns + c];
        var everyParty = Enumerable.Range(0, runtime.PartyCount).ToArray();
        var t = await Multiplication.PrivateMatrixMultiplyEachAsync(runtime, signed, rowCounts, [.. everyParty.Select(_ => beta)]).ConfigureAwait(false);
        int n = t.Length;
        double floor = Math.Log(DoubleEpsilon);
        // [t < 0] and [t < floor] in one batch; the second implies the first.
        var below = await Comparison.LessThanZeroAsync(runtime, Secret<T>.Concatenate([t, t - floor])).ConfigureAwait(false);
        // min(c, 0) with c = max(t, floor): [t < 0] t + [t < floor] (floor - t), both products in one batch.
        var products = await Multiplication.MultiplyAsync(runtime, below, Secret<T>.Concatenate([t, floor - t])).ConfigureAwait(false);
        var clipped = t + products.Slice(n, n);
        var negativePart = products.Slice(0, n) + products.Slice(n, n);
        var magnitude = clipped - negativePart * 2L;
        var likelihood = await Sigmoid.ComputeAsync(runtime, magnitude).ConfigureAwait(false);
        var logLikelihood = negativePart + await Logarithm.ComputeAsync(runtime, likelihood, 0.25, 2.0).ConfigureAwait(false);
        return logLikelihood.Sum() * -2L;
    }

    // A'r and the upper triangle of A'WA summed over the parties at the current b: eta = A beta, p = sigmoid(eta), r = y - p,
    // w = p (1 - p), each party's part a private product of its rows.
    // Without weightBits (null) only the gradient is computed, and the Hessian's part is a public zero.
    private static async Task<(Secret<T> Gradient, Secret<T> Hessian)> DataTermsAsync<T>(MpcRuntime<T> runtime, Secret<T> b, Secret<T> inverseSd, Secret<T> shift, bool intercept,
        (double[] Rows, double[] Transposed, double[] OuterProducts) design, (PreparedMatrix<T> Rows, PreparedMatrix<T> Transposed, PreparedMatrix<T> OuterProducts)? prepared,
        Secret<T> y, int[] rowCounts, int columns, int unique, Secret<T> zero, int? weightBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var everyParty = Enumerable.Range(0, runtime.PartyCount).ToArray();
        var beta = await OriginalScaleAsync(runtime, b, inverseSd, shift, intercept).ConfigureAwait(false);
        var fullBeta = (intercept ? beta : Secret<T>.Concatenate([zero, beta])).Reshape(columns, 1);
        var eta = prepared is { } shared
            ? await Multiplication.MatrixMultiplyPreparedAsync(runtime, shared.Rows, fullBeta).ConfigureAwait(false)
            : await Multiplication.PrivateMatrixMultiplyEachAsync(runtime, design.Rows, rowCounts, [.. everyParty.Select(_ => fullBeta)]).ConfigureAwait(false);
        // The Newton steps' probabilities within 3.3e-7 (PiecewiseSigmoid): the optimum moves by about that times the features'
        // scale, and the sigmoid costs a fifth of the exact one's bytes; the deviance keeps the exact sigmoid.
        var p = await PiecewiseSigmoid.ComputeAsync(runtime, eta).ConfigureAwait(false);
        var residual = y - p;
        // r = y - p lies in [-1, 1] (plus the sigmoid's few units of error) for every input, below 2^(f+2) as ring integers: the
        // gradient's private product chooses with f + 42 bits instead of k. On a prepared design only r travels.
        var gradient = prepared is { } sharedDesign
            ? await Multiplication.MatrixMultiplyPreparedAsync(runtime, sharedDesign.Transposed, residual.Reshape(residual.Length, 1)).ConfigureAwait(false)
            : SumOfParts(await Multiplication.PrivateMatrixMultiplySmallEachAsync(runtime, design.Transposed, Repeat(columns, everyParty), Slices(residual, rowCounts), residual.Scale + 2).ConfigureAwait(false), columns);
        if (weightBits is not int bits) return (gradient, Input.Public(runtime, new double[unique], unique, 1, runtime.Format.FractionalBits));
        // p lies in [0, 1] (within a few units) for every input, so w = p (1 - p) is below 1 and comes straight at weightBits
        // fractional bits from one statistically masked truncation.
        var coarseWeights = await Multiplication.MultiplyBoundedAsync(runtime, p, 1.0 - p, 1.0, bits).ConfigureAwait(false);
        // The Hessian mostly steers the steps (the gradient fixes the optimum), so w in [0, 1/4] enters with 16 fractional bits:
        // below 2^15 as integers, which lets the private product choose with 55 bits instead of k (67 with 28 bits for the
        // standard errors' last step). Each party's outer products
        // are scaled row by row (privately) to at most 1 and kept to 40 bits of their row's largest value, so the product is
        // small for every input and its oblivious transfers carry shorter corrections. On a prepared design only w travels.
        if (prepared is { } sharedOuter) return (gradient, await Multiplication.MatrixMultiplyPreparedAsync(runtime, sharedOuter.OuterProducts, coarseWeights.Reshape(coarseWeights.Length, 1)).ConfigureAwait(false));
        var hessianParts = await Multiplication.PrivateMatrixMultiplyRowScaledEachAsync(runtime, design.OuterProducts, Repeat(unique, everyParty), Slices(coarseWeights, rowCounts),
            bits - 1, OuterProductBits).ConfigureAwait(false);
        return (gradient, SumOfParts(hessianParts, unique));
    }

    // Coefficients on the original scale from the standardised b: beta_j = b_j / s_j, intercept b_0 - sum_j b_j shift_j with
    // shift_j = m_j / s_j, all products in one batch.
    private static async Task<Secret<T>> OriginalScaleAsync<T>(MpcRuntime<T> runtime, Secret<T> b, Secret<T> inverseSd, Secret<T> shift, bool intercept)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = inverseSd.Length;
        var slopes = (intercept ? b.Slice(1, f) : b).Reshape(f, 1);
        if (!intercept) return await Multiplication.MultiplyAsync(runtime, slopes, inverseSd.Reshape(f, 1)).ConfigureAwait(false);
        var products = await Multiplication.MultiplyAsync(runtime, Secret<T>.Concatenate([slopes, slopes]), Secret<T>.Concatenate([inverseSd, shift])).ConfigureAwait(false);
        return Secret<T>.Concatenate([b[0] - products.Slice(f, f).Sum(), products.Slice(0, f)]);
    }
}
