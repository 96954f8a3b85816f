using System.Numerics;
using Mpc.Privacy;
using Mpc.Privacy.Protocols;
using Mpc.Runtime;

namespace Mpc.Statistics;

/// <summary>
/// Logistic regression with DP-noised intermediates (reveal = dp-intermediates): the model is public
/// at every step; each party computes the gradient of its own rows in the clear, clips it per record,
/// and the parties' gradients are summed with distributed Skellam noise and opened to every party,
/// who all take the same step. Only the noised sums (and a noised row count) ever leave a party.
/// </summary>
/// <remarks>
/// Scaling: each feature is clipped to its public bounds [lo, hi] and mapped to [-1, 1] (centred at
/// the bounds' midpoint when there is an intercept), so no data-dependent scaling is revealed. The
/// intercept's column is <see cref="InterceptColumn"/> = 1/2, about the root mean square of a feature
/// scaled into [-1, 1], so the intercept's curvature matches the features' and one learning rate
/// suits both (with a column of 1 its steps are four times larger and mostly carry noise).
/// Step: b &lt;- (b + eta g / n) / (1 + eta Lambda / n), the penalty's proximal step (stable for any
/// lambda), with g the noised gradient sum and n the noised row count; the model returned is the
/// average of the second half of the iterates, which averages out much of the noise.
/// Sensitivity: a record's clipped gradient has L2 norm at most C; the local sums are scaled by
/// 2^s and rounded, which moves each coordinate by less than 1 more, so the declared sensitivities
/// are L2 = 2^s C + sqrt(d) and L1 = sqrt(d) 2^s C + d (add/remove one record); s is the smallest
/// with 2^s C &gt;= 16 sqrt(d), so rounding costs at most a sixteenth more noise while the Skellam
/// parameter (and the exact sampler's work, linear in it) stays near 10^6. The count has L1 = L2 = 1.
/// Budget: the count and the steps are calibrated together (<see cref="SkellamMechanism.CalibrateSeries(double, double, IReadOnlyList{ValueTuple{double, double}})"/>)
/// to (epsilon, delta) composed in RDP; the count, which only sets the step size, takes a fifth of a
/// step's share (<see cref="CountWeight"/>).
/// Steps: at epsilon 1 on a few hundred rows every extra step's noise costs more than it gains, so
/// the script's default is 3 large steps (learning rate 20); from the zero model two or three clipped
/// steps already classify as well as the converged clipped fit on the breast-cancer data.
/// </remarks>
public static class PrivateLogisticRegression
{
    /// <summary>The gradient sums are released in units of 2^-s, s the smallest with 2^s C &gt;= 16 sqrt(d) (at least 7).</summary>
    public static int ResolutionBits(int coefficients, double clipNorm) =>
        Math.Max(7, (int)Math.Ceiling(Math.Log2(16 * Math.Sqrt(coefficients) / clipNorm)));

    /// <summary>The value of the intercept's column in the scaled design (the features span [-1, 1]).</summary>
    public const double InterceptColumn = 0.5;

    /// <summary>The noised row count's share of the budget, relative to one gradient step's.</summary>
    public const double CountWeight = 0.2;

    public static async Task<PrivateLogisticRegressionResult> FitAsync<T>(MpcRuntime<T> runtime, double[] features, double[] outcome, int featureCount,
        PrivateLogisticRegressionOptions options, string gradientOutput, string rowsOutput, Action<string, double>? progress = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(options);
        int f = featureCount, rows = outcome.Length;
        if (features.Length != rows * f) throw new ArgumentException($"{features.Length} feature values do not fill {rows} rows of {f} features.", nameof(features));
        if (options.LowerBounds.Length != f || options.UpperBounds.Length != f) throw new ArgumentException($"Bounds are needed for each of the {f} features.", nameof(options));
        for (int j = 0; j < f; j++)
            if (!(options.LowerBounds[j] < options.UpperBounds[j])) throw new ArgumentException($"Feature {j + 1}: the lower bound {options.LowerBounds[j]} is not below the upper bound {options.UpperBounds[j]}.", nameof(options));
        if (options.Steps < 1 || !(options.LearningRate > 0) || !(options.ClipNorm > 0) || !(options.Lambda >= 0))
            throw new ArgumentException("Steps must be positive, and the learning rate and clipping norm positive and lambda non-negative.", nameof(options));
        return await FitCoreAsync(runtime, features, outcome, f, options, gradientOutput, rowsOutput, progress).ConfigureAwait(false);
    }

    private static async Task<PrivateLogisticRegressionResult> FitCoreAsync<T>(MpcRuntime<T> runtime, double[] features, double[] outcome, int f,
        PrivateLogisticRegressionOptions options, string gradientOutput, string rowsOutput, Action<string, double>? progress)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int rows = outcome.Length, offset = options.Intercept ? 1 : 0, d = f + offset;
        var (centre, half) = Scaling(options);
        var z = new double[rows * d];
        for (int i = 0; i < rows; i++)
        {
            if (options.Intercept) z[i * d] = InterceptColumn;
            for (int j = 0; j < f; j++)
                z[i * d + offset + j] = (Math.Clamp(features[i * f + j], options.LowerBounds[j], options.UpperBounds[j]) - centre[j]) / half[j];
        }
        var penalty = new double[d];
        for (int j = 0; j < f; j++) penalty[offset + j] = options.Standardise ? options.Lambda : options.Lambda / (half[j] * half[j]);

        double resolution = Math.ScaleB(1, ResolutionBits(d, options.ClipNorm));
        double l2 = resolution * options.ClipNorm + Math.Sqrt(d), l1 = Math.Sqrt(d) * resolution * options.ClipNorm + d;
        var plan = new List<(double L1, double L2, double SamplingRate)> { (1, 1, 1) };
        plan.AddRange(Enumerable.Repeat((l1, l2, 1.0), options.Steps));
        var mu = SkellamMechanism.CalibrateSeries(options.Epsilon, options.Delta, plan, null, [CountWeight, .. Enumerable.Repeat(1.0, options.Steps)]);

        var (count, _) = await DistributedSkellam.ReleaseSumToPartiesAsync(runtime, [rows], rowsOutput, mu[0], options.Delta, 1, 1, options.HonestParties).ConfigureAwait(false);
        double n = Math.Max(1, count[0]);
        var beta = new double[d];
        var average = new double[d];
        var gradients = new double[options.Steps][];
        int averaged = options.Steps - options.Steps / 2;
        for (int step = 0; step < options.Steps; step++)
        {
            var local = ClippedGradientSum(z, outcome, beta, d, options.ClipNorm);
            for (int j = 0; j < d; j++) local[j] = Math.Round(local[j] * resolution, MidpointRounding.ToEven);
            var (sum, _) = await DistributedSkellam.ReleaseSumToPartiesAsync(runtime, local, gradientOutput, mu[step + 1], options.Delta, l1, l2, options.HonestParties).ConfigureAwait(false);
            gradients[step] = sum.Select(v => v / resolution).ToArray();
            for (int j = 0; j < d; j++)
            {
                beta[j] = (beta[j] + options.LearningRate * gradients[step][j] / n) / (1 + options.LearningRate * penalty[j] / n);
                if (step >= options.Steps / 2) average[j] += beta[j] / averaged;
            }
            progress?.Invoke("dp-gradient", (step + 1.0) / options.Steps);
        }

        // Back to the original scale: beta_j = b_j / half_j, intercept a b_0 - sum_j b_j centre_j / half_j (a the intercept's column).
        var coefficients = new double[d];
        for (int j = 0; j < f; j++) coefficients[offset + j] = average[offset + j] / half[j];
        if (options.Intercept) coefficients[0] = InterceptColumn * average[0] - Enumerable.Range(0, f).Sum(j => average[1 + j] * centre[j] / half[j]);
        var orders = RdpAccountant.DefaultOrders;
        double epsilon = RdpAccountant.ToEpsilon(RdpAccountant.Compose(plan.Select((r, k) => RdpAccountant.Skellam(mu[k], r.L1, r.L2, orders)).ToArray()), orders, options.Delta).Epsilon;
        return new PrivateLogisticRegressionResult(coefficients, count[0], gradients, epsilon, options.Delta);
    }

    /// <summary>Centre and half-width of each feature's public range; without an intercept the range is scaled about 0.</summary>
    public static (double[] Centre, double[] Half) Scaling(PrivateLogisticRegressionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int f = options.LowerBounds.Length;
        var centre = new double[f];
        var half = new double[f];
        for (int j = 0; j < f; j++)
        {
            double lo = options.LowerBounds[j], hi = options.UpperBounds[j];
            centre[j] = options.Intercept ? (lo + hi) / 2 : 0;
            half[j] = options.Intercept ? (hi - lo) / 2 : Math.Max(Math.Abs(lo), Math.Abs(hi));
        }
        return (centre, half);
    }

    // Sum over this party's rows of z_i (y_i - sigmoid(z_i' b)), each record's term clipped to L2 norm C.
    private static double[] ClippedGradientSum(double[] z, double[] y, double[] beta, int d, double clip)
    {
        var sum = new double[d];
        for (int i = 0; i < y.Length; i++)
        {
            var row = z.AsSpan(i * d, d);
            double eta = 0, norm2 = 0;
            for (int j = 0; j < d; j++) eta += row[j] * beta[j];
            double residual = y[i] - 1 / (1 + Math.Exp(-eta));
            for (int j = 0; j < d; j++) norm2 += row[j] * row[j];
            double factor = residual * Math.Min(1, clip / (Math.Abs(residual) * Math.Sqrt(norm2) + double.Epsilon));
            for (int j = 0; j < d; j++) sum[j] += row[j] * factor;
        }
        return sum;
    }
}
