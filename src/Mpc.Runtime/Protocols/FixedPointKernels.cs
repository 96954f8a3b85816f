using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>Raw-share building blocks shared by the non-linear functions; scales are tracked by the callers.</summary>
internal static class FixedPointKernels
{
    /// <summary>
    /// Shares of (x * y) / 2^shift; with <paramref name="productBits"/>, a bound |x y| &lt; 2^productBits (as ring integers)
    /// that holds for every input, the truncation needs no preprocessing where the ring has room (<see cref="Truncation.TruncateBoundedRawAsync"/>).
    /// </summary>
    public static async Task<T[]> MultiplyTruncateAsync<T>(MpcRuntime<T> runtime, T[] x, T[] y, int shift, int? productBits = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var product = await Multiplication.MultiplyRawAsync(runtime, x, y).ConfigureAwait(false);
        if (shift == 0) return product;
        return productBits is int bound
            ? await Truncation.TruncateBoundedRawAsync(runtime, product, shift, bound).ConfigureAwait(false)
            : await Truncation.TruncateRawAsync(runtime, product, shift).ConfigureAwait(false);
    }

    /// <summary>Bits of a bound on raw values at the given scale whose magnitude is at most <paramref name="magnitude"/>, with a factor 2 to spare for rounding.</summary>
    public static int BoundBits(double magnitude, int scale) => scale + Math.Max(1, (int)Math.Ceiling(Math.Log2(2 * magnitude)));

    /// <summary>Shares of constant - factor * x, with constant encoded at scale f; factor is a small integer.</summary>
    public static T[] AffinePublic<T>(MpcRuntime<T> runtime, T[] x, double constant, long factor)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        T c = FixedPointFormat.EncodeConstant<T>(constant, runtime.Format.FractionalBits);
        T m = RingArithmetic<T>.FromInt64(factor);
        var result = new T[x.Length];
        unchecked
        {
            for (int i = 0; i < x.Length; i++) result[i] = (runtime.IsLeader ? c : T.Zero) - m * x[i];
        }
        return result;
    }

    /// <summary>
    /// 1/y for y (times the public yFactor) in [0.5, 1] at scale f from the start w0 = 2.9142 - 2y (relative error at most
    /// 0.0858, Catrina and Saxena, FC 2010), by Goldschmidt's iteration: e = 1 - y w0, then w = w (1 + e) and e = e^2
    /// together, one round of products a step where Newton's w (2 - y w) needs two; the error squares each step as in
    /// Newton's. Not self-correcting: each step's truncation adds at most about 2^-f (N/2 units when statistically masked), so the relative error stays below
    /// (steps + 1) 2^-f beyond the iteration's own.
    /// </summary>
    /// <remarks>
    /// w (1 + e) is computed as w + w e, so every product (y w0 at most 1.062, w e at most 0.18, e^2) stays below 1.1 rather than
    /// 2.2: one bit less, which keeps the statistically masked truncation (no preprocessing) within Z_2^128 at f = 40 for up to 31
    /// parties instead of 15, at the same precision.
    /// <paramref name="productBits"/>: a bound on every product of the iteration that holds for every input (<see cref="GoldschmidtProductBits"/>), or null.
    /// <paramref name="iterations"/>: steps to run, or null for enough to reach 2^-(f+2) (<see cref="NewtonIterations"/>); s steps leave a
    /// relative error of 0.0858^(2^s) (2.9e-9 for 3).
    /// </remarks>
    public static async Task<T[]> ReciprocalGoldschmidtAsync<T>(MpcRuntime<T> runtime, T[] y, T[] w, long yFactor, int? productBits = null, int? iterations = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = runtime.Format.FractionalBits, n = w.Length;
        int steps = iterations ?? NewtonIterations(f, 0.0858);
        var yw = await MultiplyTruncateAsync(runtime, y, w, f, productBits).ConfigureAwait(false);
        var e = AffinePublic(runtime, yw, 1.0, yFactor);
        for (int it = 0; it < steps; it++)
        {
            bool last = it == steps - 1;
            var products = await MultiplyTruncateAsync(runtime, last ? w : [.. w, .. e], last ? e : [.. e, .. e], f, productBits).ConfigureAwait(false);
            var next = new T[n];
            unchecked
            {
                for (int i = 0; i < n; i++) next[i] = w[i] + products[i];
            }
            w = next;
            if (!last) e = products.AsSpan(n, n).ToArray();
        }
        return w;
    }

    /// <summary>Bits of the bound on every product of <see cref="ReciprocalGoldschmidtAsync"/> (1.1 at scale 2f).</summary>
    public static int GoldschmidtProductBits(FixedPointFormat format) => BoundBits(1.1, 2 * format.FractionalBits);

    /// <summary>
    /// Shares of sum_i c_i x^i at scale f for x at scale f, by Horner's rule (one multiplication per degree, in sequence).
    /// With <paramref name="inputBound"/>, a bound |x| &lt;= inputBound that holds for every input, every product is bounded
    /// (by the partial sums of |c_i| inputBound^(i-j)) and its truncation needs no preprocessing where the ring has room.
    /// </summary>
    public static async Task<T[]> PolynomialAsync<T>(MpcRuntime<T> runtime, T[] x, IReadOnlyList<double> coefficients, double? inputBound = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = runtime.Format.FractionalBits, degree = coefficients.Count - 1;
        int? productBits = null;
        if (inputBound is double bound)
        {
            double partial = Math.Abs(coefficients[degree]) * bound, largest = partial;
            for (int i = degree - 1; i > 0; i--)
            {
                partial = (partial + Math.Abs(coefficients[i])) * bound;
                largest = Math.Max(largest, partial);
            }
            productBits = BoundBits(largest, 2 * f);
        }
        var accumulator = new T[x.Length];
        RingArithmetic<T>.Scale(x, FixedPointFormat.EncodeConstant<T>(coefficients[degree], f), accumulator);
        accumulator = productBits is int bits
            ? await Truncation.TruncateBoundedRawAsync(runtime, accumulator, f, bits).ConfigureAwait(false)
            : await Truncation.TruncateRawAsync(runtime, accumulator, f).ConfigureAwait(false);
        for (int i = degree - 1; i >= 0; i--)
        {
            if (runtime.IsLeader)
            {
                T c = FixedPointFormat.EncodeConstant<T>(coefficients[i], f);
                unchecked
                {
                    for (int j = 0; j < accumulator.Length; j++) accumulator[j] += c;
                }
            }
            if (i > 0) accumulator = await MultiplyTruncateAsync(runtime, accumulator, x, f, productBits).ConfigureAwait(false);
        }
        return accumulator;
    }

    /// <summary>
    /// Shares of x^1, ..., x^degree at scale f for x at scale f, x^j at [(j - 1) n, j n): each round of products multiplies the
    /// highest power so far by every lower one, so ceil(log2(degree)) rounds instead of degree - 1. The truncation errors add up
    /// along the products, to at most about j units for x^j when |x| &lt;= 1. <paramref name="productBits"/> as in
    /// <see cref="MultiplyTruncateAsync"/> (<see cref="BoundBits"/>(1, 2f) when |x| &lt;= 1 for every input).
    /// </summary>
    public static async Task<T[]> PowersAsync<T>(MpcRuntime<T> runtime, T[] x, int degree, int? productBits = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = runtime.Format.FractionalBits, n = x.Length;
        var powers = new T[degree * n];
        x.CopyTo(powers, 0);
        for (int known = 1; known < degree;)
        {
            int count = Math.Min(known, degree - known);
            var highest = powers.AsSpan((known - 1) * n, n);
            var left = new T[count * n];
            for (int i = 0; i < count; i++) highest.CopyTo(left.AsSpan(i * n, n));
            var products = await MultiplyTruncateAsync(runtime, left, powers[..(count * n)], f, productBits).ConfigureAwait(false);
            products.CopyTo(powers, known * n);
            known += count;
        }
        return powers;
    }

    /// <summary>
    /// sum_j c_j(q) u^j at scale f for every element, where the step bits (as <see cref="BitDecomposition.AtLeastMultiplesRawAsync"/>
    /// gives them: one-hot position q, table row q) select the monomial coefficients locally and |u| &lt;= 1 at scale f for every
    /// input inside the range; u is zeroed at the outer two positions. The powers take log2(D) rounds of products instead of Horner's D; one batch of products with the secret
    /// coefficients is summed at scale 2f and truncated once; every partial sum is at most <paramref name="bound"/> (the table's
    /// largest sum of |coefficients|), so all truncations are statistically masked where the ring has room.
    /// </summary>
    internal static async Task<T[]> PiecewisePolynomialAsync<T>(MpcRuntime<T> runtime, T[] steps, T[] u, double[][] table, double bound)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = runtime.Format.FractionalBits, n = u.Length, positions = table.Length, degree = table[0].Length - 1, thresholds = positions - 1;
        // u is set to 0 at the outer positions (in range = first step - last step), where it is unbounded and every power of it
        // would grow the truncations' small errors; the table holds constants there.
        var inRange = new T[n];
        unchecked
        {
            for (int i = 0; i < n; i++) inRange[i] = steps[i * thresholds] - steps[i * thresholds + thresholds - 1];
        }
        u = await Multiplication.MultiplyRawAsync(runtime, inRange, u).ConfigureAwait(false);
        var column = new T[positions];
        T[] Coefficient(int j)
        {
            for (int q = 0; q < positions; q++) column[q] = FixedPointFormat.EncodeConstant<T>(table[q][j], f);
            return Comparison.StepSum(runtime, steps, n, column);
        }
        var powers = await PowersAsync(runtime, u, degree, BoundBits(1.0, 2 * f)).ConfigureAwait(false);
        var coefficients = new T[degree * n];
        for (int j = 1; j <= degree; j++) Coefficient(j).CopyTo(coefficients, (j - 1) * n);
        var products = await Multiplication.MultiplyRawAsync(runtime, coefficients, powers).ConfigureAwait(false);
        var sum = new T[n];
        for (int j = 0; j < degree; j++) RingArithmetic<T>.AddInPlace(sum, products.AsSpan(j * n, n));
        var accumulator = await Truncation.TruncateBoundedRawAsync(runtime, sum, f, BoundBits(bound, 2 * f)).ConfigureAwait(false);
        RingArithmetic<T>.AddInPlace(accumulator, Coefficient(0));
        return accumulator;
    }

    /// <summary>Polynomials zero-padded to the highest degree, and the largest sum of |coefficients| (a bound on the value for |u| &lt;= 1).</summary>
    internal static (double[][] Coefficients, double Bound) PiecewiseTable(double[][] polynomials)
    {
        int degree = polynomials.Max(p => p.Length) - 1;
        var table = polynomials.Select(p => p.Concat(new double[degree + 1 - p.Length]).ToArray()).ToArray();
        return (table, table.Max(c => c.Sum(Math.Abs)));
    }

    /// <summary>Steps of a quadratically converging iteration from relative error e0 until below 2^-(f+2).</summary>
    public static int NewtonIterations(int fractionalBits, double initialError)
    {
        int iterations = 0;
        for (double e = initialError; e > Math.Pow(2, -(fractionalBits + 2)); e = 1.5 * e * e) iterations++;
        return iterations;
    }

    /// <summary>
    /// Monomial coefficients of the Chebyshev interpolant of a smooth function on [-1, 1] of the lowest degree (up to 40)
    /// whose error on a fine grid is below target.
    /// </summary>
    internal static double[] ChebyshevPolynomial(Func<double, double> function, double target)
    {
        for (int degree = 1; ; degree++)
        {
            var coefficients = ChebyshevInterpolant(function, degree);
            double worst = 0;
            for (int g = 0; g <= 4000; g++)
            {
                double s = -1 + g / 2000.0;
                double value = 0;
                for (int i = degree; i >= 0; i--) value = value * s + coefficients[i];
                worst = Math.Max(worst, Math.Abs(value - function(s)));
            }
            if (worst < target || degree == 40) return coefficients;
        }
    }

    // Interpolation at the Chebyshev nodes of the first kind, converted to monomial coefficients (well conditioned for the functions used here: the coefficients fall quickly).
    private static double[] ChebyshevInterpolant(Func<double, double> function, int degree)
    {
        int nodes = degree + 1;
        var c = new double[nodes];
        for (int j = 0; j < nodes; j++)
        {
            double sum = 0;
            for (int i = 0; i < nodes; i++)
            {
                double theta = Math.PI * (i + 0.5) / nodes;
                sum += function(Math.Cos(theta)) * Math.Cos(j * theta);
            }
            c[j] = 2.0 * sum / nodes;
        }
        c[0] /= 2;
        // T_0 = 1, T_1 = s, T_{j+1} = 2 s T_j - T_{j-1}, as monomial coefficient vectors.
        var monomial = new double[nodes];
        var previous = new double[nodes];
        var current = new double[nodes];
        previous[0] = 1;
        if (nodes > 1) current[1] = 1;
        for (int j = 0; j < nodes; j++)
        {
            var basis = j == 0 ? previous : current;
            for (int i = 0; i < nodes; i++) monomial[i] += c[j] * basis[i];
            if (j >= 1 && j + 1 < nodes)
            {
                var next = new double[nodes];
                for (int i = 0; i + 1 < nodes; i++) next[i + 1] = 2 * current[i];
                for (int i = 0; i < nodes; i++) next[i] -= previous[i];
                previous = current;
                current = next;
            }
        }
        return monomial;
    }
}
