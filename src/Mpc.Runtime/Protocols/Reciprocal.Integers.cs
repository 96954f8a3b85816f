using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

// Reciprocals of bounded integers (counts): the normalisation needs no fixed-point input and only the count's own bits.
public static partial class Reciprocal
{
    /// <summary>Initial relative error of the linear start 2.9142 - 2y on [0.5, 1] (Catrina and Saxena).</summary>
    private const double LinearStartError = 0.0858;

    /// <summary>
    /// 1/x at the format's scale for integer secrets (scale 0) x in [0, 2^(bits-1)) known to the caller to lie there for every
    /// input, such as counts of rows below a public bound; 0 yields 0, and a negative x down to -2^(bits-1) yields
    /// 1/(x + 2^bits), small and finite (so 1/(n - 1) of a count n = 0 is harmless where it is multiplied by 0).
    /// </summary>
    /// <remarks>
    /// Method: the bits of x mod 2^bits from one statistically masked opening and bits daBits
    /// (<see cref="BitDecomposition.DecomposeLowRawAsync"/>), the step bits [x &gt;= 2^j] by a prefix AND, and from them the
    /// power of two V = 2^(f-1-j*) of x's leading bit j*: Y = x V lies in [2^(f-1), 2^f), so y = Y / 2^f in [0.5, 1) needs no
    /// truncation. Goldschmidt's iteration from 2.9142 - 2y runs the fewest steps s with 0.0858^(2^s) at most
    /// <paramref name="relativeError"/> (3 steps for 1e-8), and 1/x = W V / 2^f, whose product is below 2^(2f+2), so every
    /// truncation is statistically masked and draws no preprocessing in Z_2^128 (up to 31 parties: the iteration's products, w (1 + e)
    /// taken as w + w e, are bounded by 2^82; beyond, they leave no room for the mask and draw truncation pairs).
    /// Accuracy: relative error at most <paramref name="relativeError"/> plus about (s + 1) N/2 units of 2^-f relative
    /// to 1/y, and an absolute error of about N/2 units of 2^-f from the last truncation.
    /// Cost per element: bits daBits for the mask and bits for the step bits, about bits (log2(bits) + 2) AND gates,
    /// then 2 + 2s products (s + 2 rounds of products, each with its truncation's opening but the first).
    /// </remarks>
    public static async Task<Secret<T>> ComputeIntegerAsync<T>(MpcRuntime<T> runtime, Secret<T> x, int bits, double relativeError)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var (w, v, _) = await CheckedIntegerAsync(runtime, x, bits, relativeError).ConfigureAwait(false);
        int f = runtime.Format.FractionalBits;
        // W V below 1.1 * 2^(2f): 1/x = W V / 2^f.
        var share = await FixedPointKernels.MultiplyTruncateAsync(runtime, w, v, f, FixedPointKernels.BoundBits(1.1, 2 * f)).ConfigureAwait(false);
        return x.With(share, f);
    }

    /// <summary>
    /// <see cref="ComputeIntegerAsync"/> without its last truncation: 1/x at scale 2f, so a small 1/x keeps its relative precision
    /// (1/x of x near 2^(bits-1) has 2^(2f-bits+1) units, not 2^(f-bits+1)); and [x &gt;= 1] (integer 0/1 shares), the lowest step bit
    /// of the normalisation, at no further cost.
    /// </summary>
    /// <remarks>
    /// The caller truncates what it multiplies the reciprocal by (a product below M at scale 2f + s is statistically masked where
    /// 2f + s + log2(2M) + 41 + log2(N) fits the ring). Accuracy: relative error at most <paramref name="relativeError"/> plus about
    /// (s + 1) N/2 units of 2^-f; no absolute error beyond 2^-2f. Cost: that of <see cref="ComputeIntegerAsync"/>, one opening fewer.
    /// </remarks>
    public static async Task<(Secret<T> Reciprocal, Secret<T> Positive)> ComputeIntegerWideAsync<T>(MpcRuntime<T> runtime, Secret<T> x, int bits, double relativeError)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var (w, v, steps) = await CheckedIntegerAsync(runtime, x, bits, relativeError).ConfigureAwait(false);
        int f = runtime.Format.FractionalBits;
        var reciprocal = await Multiplication.MultiplyRawAsync(runtime, w, v).ConfigureAwait(false);
        var positive = new T[x.Length];
        for (int i = 0; i < positive.Length; i++) positive[i] = steps[i * bits];
        return (x.With(reciprocal, 2 * f), x.With(positive, 0));
    }

    // The integer reciprocals' argument checks, then their normalisation and iteration.
    private static Task<(T[] W, T[] V, T[] Steps)> CheckedIntegerAsync<T>(MpcRuntime<T> runtime, Secret<T> x, int bits, double relativeError)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        int f = runtime.Format.FractionalBits;
        if (x.Scale != 0) throw new ArgumentException($"The integer reciprocal takes integers (scale 0); got scale {x.Scale}.", nameof(x));
        if (bits < 2 || bits > f) throw new ArgumentOutOfRangeException(nameof(bits), $"bits must lie in [2, {f}] (the format's fractional bits).");
        if (!(relativeError > 0 && relativeError < LinearStartError)) throw new ArgumentOutOfRangeException(nameof(relativeError), $"The relative error must lie in (0, {LinearStartError}).");
        return NormalisedIntegerRawAsync(runtime, x.Share, bits, GoldschmidtSteps(relativeError));
    }

    /// <summary>Fewest Goldschmidt steps s from the linear start with 0.0858^(2^s) at most <paramref name="relativeError"/>.</summary>
    public static int GoldschmidtSteps(double relativeError)
    {
        int steps = 1;
        for (double e = LinearStartError * LinearStartError; e > relativeError; e *= e) steps++;
        return steps;
    }

    /// <summary>Beaver triples <see cref="ComputeIntegerAsync"/> multiplies with for <paramref name="count"/> elements (where products use triples).</summary>
    public static int IntegerTriples(int count, double relativeError) => checked(count * (2 * GoldschmidtSteps(relativeError) + 2));

    /// <summary>Words of AND triples <see cref="ComputeIntegerAsync"/> takes for <paramref name="count"/> elements of <paramref name="bits"/> bits.</summary>
    public static int IntegerBinaryWords(int count, int bits) => BitDecomposition.LowStepsBinaryWords(count, bits);

    /// <summary>daBits <see cref="ComputeIntegerAsync"/> takes for <paramref name="count"/> elements of <paramref name="bits"/> bits: the mask's and the step bits'.</summary>
    public static int IntegerDaBits(int count, int bits) => checked(2 * count * bits);

    /// <summary>
    /// 1/x at the format's scale for a secret 0 &lt;= x &lt; <paramref name="maximum"/> at any scale s (such as a variance), with every
    /// step's preprocessing forecast: its raw shares are read as an integer below 2^(bits-1), bits = s + ceil(log2 maximum) + 1,
    /// and normalised as <see cref="ComputeIntegerAsync"/> does (here bits may exceed f), so 1/x keeps the relative error of a
    /// count's reciprocal wherever x is at least 2^-s. x = 0 yields 0.
    /// </summary>
    /// <remarks>
    /// Against <see cref="ComputeAsync{T}(MpcRuntime{T}, Secret{T})"/> (a 128-bit decomposition): about half the rounds, and no
    /// request waits for preprocessing made on demand. Cost per element: that of <see cref="ComputeIntegerAsync"/> for bits bits,
    /// plus one truncation pair (<see cref="BoundedTruncationPairs"/>).
    /// </remarks>
    public static async Task<Secret<T>> ComputeBoundedAsync<T>(MpcRuntime<T> runtime, Secret<T> x, double maximum, double relativeError)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        int f = runtime.Format.FractionalBits;
        int bits = BoundedBits(x.Scale, maximum);
        if (bits > BitDecomposition.MaximumLowBits(RingArithmetic<T>.Bits, runtime.PartyCount))
            throw new ArgumentOutOfRangeException(nameof(maximum), $"A value below {maximum} at scale {x.Scale} needs {bits} bits, more than the ring holds behind a statistical mask.");
        if (!(relativeError > 0 && relativeError < LinearStartError)) throw new ArgumentOutOfRangeException(nameof(relativeError), $"The relative error must lie in (0, {LinearStartError}).");
        int n = x.Length, steps = GoldschmidtSteps(relativeError);
        // The last truncation's pair (k daBits on the OT engine) is made with the rest.
        (runtime.Preprocessing as Preprocessing.IPreprocessingForecast)?.Forecast(IntegerTriples(n, relativeError), IntegerBinaryWords(n, bits),
            checked(IntegerDaBits(n, bits) + BoundedTruncationPairs(n) * RingArithmetic<T>.Bits));
        var (w, v, _) = await NormalisedIntegerRawAsync(runtime, x.Share, bits, steps).ConfigureAwait(false);
        // W V = 2^(f+F)/X for X = x 2^s and F = max(f, bits): 1/x = W V / 2^(F-s) at scale f, below 2^(f+F+1) (a pair: no room for a mask).
        var product = await Multiplication.MultiplyRawAsync(runtime, w, v).ConfigureAwait(false);
        var share = await Truncation.TruncateRawAsync(runtime, product, Math.Max(f, bits) - x.Scale).ConfigureAwait(false);
        return x.With(share, f);
    }

    /// <summary>Bits <see cref="ComputeBoundedAsync"/> decomposes for values below <paramref name="maximum"/> at scale <paramref name="scale"/>.</summary>
    public static int BoundedBits(int scale, double maximum)
    {
        if (!(maximum >= 1) || double.IsInfinity(maximum)) throw new ArgumentOutOfRangeException(nameof(maximum), "The bound must be finite and at least 1.");
        return checked(scale + (int)Math.Ceiling(Math.Log2(maximum)) + 1);
    }

    /// <summary>Truncation pairs <see cref="ComputeBoundedAsync"/> takes for <paramref name="count"/> elements.</summary>
    public static int BoundedTruncationPairs(int count) => count;

    // W (1/y at scale f), the power of two V and the step bits [x >= 2^j] at [i * bits + j]: with F = max(f, bits), Y = x V lies in
    // [2^(F-1), 2^F), y = Y / 2^F, and 1/x = W V / 2^(f+F).
    private static async Task<(T[] W, T[] V, T[] Steps)> NormalisedIntegerRawAsync<T>(MpcRuntime<T> runtime, T[] x, int bits, int steps)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int n = x.Length;
        // The triples of the products are made while the bits are found (2 + 2 steps products an element), the AND triples
        // and the step bits' daBits while the mask opens.
        (runtime.Preprocessing as Preprocessing.IPreprocessingForecast)?.Forecast(checked(n * (2 * steps + 2)), IntegerBinaryWords(n, bits), IntegerDaBits(n, bits));
        var (stepBits, v, y) = await NormaliseIntegersRawAsync(runtime, x, bits).ConfigureAwait(false);
        // y in [0.5, 1) and w0 within 9% of 1/y: every product of the iteration is below 1.1.
        var w = await FixedPointKernels.ReciprocalGoldschmidtAsync(runtime, y, FixedPointKernels.AffinePublic(runtime, y, 2.9142, 2), 1,
            FixedPointKernels.GoldschmidtProductBits(runtime.Format), steps).ConfigureAwait(false);
        return (w, v, stepBits);
    }

    /// <summary>
    /// The normalisation of integers x in [0, 2^(bits-1)) (scale 0): the step bits [x &gt;= 2^j] for j &lt; bits (element-major, from
    /// <see cref="BitDecomposition.AtLeastPowersOfTwoLowRawAsync"/>), V = 2^(F-1-j*) of x's leading bit j* with F = max(f, bits)
    /// (0 for x = 0), and y = x V / 2^(F-f) in [0.5, 1) at scale f (0.75 for x = 0, so that what follows stays bounded); exact where bits &lt;= f.
    /// </summary>
    internal static async Task<(T[] Steps, T[] V, T[] Y)> NormaliseIntegersRawAsync<T>(MpcRuntime<T> runtime, T[] x, int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = runtime.Format.FractionalBits, n = x.Length, scale = Math.Max(f, bits);
        var stepBits = await BitDecomposition.AtLeastPowersOfTwoLowRawAsync(runtime, x, bits).ConfigureAwait(false);
        // Position 0 is x = 0 (V = 0, y set to 0.75 so the iteration stays bounded); position q+1 is leading bit q, V = 2^(F-1-q).
        var coefficients = new T[bits + 1];
        for (int q = 0; q < bits; q++) coefficients[q + 1] = RingArithmetic<T>.PowerOfTwo(scale - 1 - q);
        var outside = new T[bits + 1];
        outside[0] = FixedPointFormat.EncodeConstant<T>(0.75, f);
        // A negative x (read as x + 2^bits) has its top step set and V = 2^(F-bits): x V / 2^(F-f) + 2^f is then (x + 2^bits) V / 2^(F-f).
        outside[bits] = RingArithmetic<T>.PowerOfTwo(f);
        var v = Comparison.StepSum(runtime, stepBits, n, coefficients);
        // x V lies in [-2^F, 2^F): its truncation to scale f is statistically masked (bits stays below the mask's limit).
        var y = await FixedPointKernels.MultiplyTruncateAsync(runtime, x, v, scale - f, scale + 1).ConfigureAwait(false);
        RingArithmetic<T>.AddInPlace(y, Comparison.StepSum(runtime, stepBits, n, outside));
        return (stepBits, v, y);
    }
}
