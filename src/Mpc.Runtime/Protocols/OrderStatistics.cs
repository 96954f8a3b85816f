using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Order statistics of a secret vector: an oblivious sort, its minimum and maximum, and quantiles
/// at public probabilities. The length is public; the order of the values and their places stay
/// secret. Exact: results are the input values themselves (or, for quantiles, R's type 7
/// interpolation between two of them).
/// </summary>
/// <remarks>
/// Method: Batcher's odd-even merge sort network (Knuth, TAOCP vol. 3, 5.3.4) for the next power of
/// two, with the comparators that reach past the end left out (those compare with +infinity padding
/// and never swap). Each layer of the network is one batch of comparisons and one of multiplications,
/// so a sort of n values takes about log2(n)(log2(n)+1)/2 comparison rounds and n log2(n)^2 / 4
/// comparisons. Minimum and maximum reduce pairwise: ceil(log2 n) rounds.
/// </remarks>
public static class OrderStatistics
{
    /// <summary>The elements of <paramref name="x"/> in ascending order, as a column vector (x itself is unchanged).</summary>
    public static async Task<Secret<T>> SortAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(x);
        runtime.CheckOwns(x);
        var values = x.Reshape(x.Length, 1);
        foreach (var layer in Network(x.Length))
        {
            var low = values.Gather(layer.Select(c => c.Low).ToArray());
            var high = values.Gather(layer.Select(c => c.High).ToArray());
            var (smaller, larger) = await CompareExchangeAsync(runtime, low, high).ConfigureAwait(false);
            // Positions outside the layer keep their value; each comparator writes its smaller and larger value back.
            var source = Enumerable.Range(0, x.Length).ToArray();
            for (int c = 0; c < layer.Count; c++)
            {
                source[layer[c].Low] = x.Length + c;
                source[layer[c].High] = x.Length + layer.Count + c;
            }
            values = Secret<T>.Concatenate([values, smaller, larger]).Gather(source);
        }
        return values;
    }

    /// <summary>The smallest element of <paramref name="x"/> (1x1).</summary>
    public static Task<Secret<T>> MinimumAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => ReduceAsync(runtime, x, smallest: true);

    /// <summary>The largest element of <paramref name="x"/> (1x1).</summary>
    public static Task<Secret<T>> MaximumAsync<T>(MpcRuntime<T> runtime, Secret<T> x)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => ReduceAsync(runtime, x, smallest: false);

    /// <summary>Element-wise minimum of two secrets of equal length.</summary>
    public static async Task<Secret<T>> MinimumAsync<T>(MpcRuntime<T> runtime, Secret<T> x, Secret<T> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length) throw new ArgumentException(ErrorMessages.LengthMismatch(x.Length, y.Length, x.Length), nameof(y));
        return (await CompareExchangeAsync(runtime, x, y).ConfigureAwait(false)).Smaller;
    }

    /// <summary>
    /// Quantiles of <paramref name="x"/> at public probabilities in [0, 1], as R's quantile(x, p) (type 7):
    /// with h = (n - 1) p, the sorted value at floor(h) plus (h - floor(h)) times the step to the next.
    /// </summary>
    public static async Task<Secret<T>> QuantilesAsync<T>(MpcRuntime<T> runtime, Secret<T> x, IReadOnlyList<double> probabilities)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (x.Length == 0) throw new ArgumentException(RuntimeErrors.EmptyOrderStatistic, nameof(x));
        if (probabilities.Count == 0 || probabilities.Any(p => !(p >= 0 && p <= 1))) throw new ArgumentOutOfRangeException(nameof(probabilities), RuntimeErrors.ProbabilitiesOutOfRange);
        var sorted = await SortAsync(runtime, x).ConfigureAwait(false);
        int n = x.Length;
        var below = new int[probabilities.Count];
        var fractions = new double[probabilities.Count];
        for (int j = 0; j < probabilities.Count; j++)
        {
            double h = (n - 1) * probabilities[j];
            below[j] = Math.Min((int)Math.Floor(h), n - 1);
            fractions[j] = h - below[j];
        }
        var lower = sorted.Gather(below);
        var upper = sorted.Gather(below.Select(i => Math.Min(i + 1, n - 1)).ToArray());
        // The interpolation multiplies by public fractions (one truncation); a fraction of 0 leaves the sorted value exact.
        var step = await Multiplication.MultiplyPublicAsync(runtime, upper - lower, fractions).ConfigureAwait(false);
        return lower + step;
    }

    private static async Task<Secret<T>> ReduceAsync<T>(MpcRuntime<T> runtime, Secret<T> x, bool smallest)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(x);
        runtime.CheckOwns(x);
        if (x.Length == 0) throw new ArgumentException(RuntimeErrors.EmptyOrderStatistic, nameof(x));
        var values = x.Reshape(x.Length, 1);
        while (values.Length > 1)
        {
            int half = values.Length / 2;
            var (smaller, larger) = await CompareExchangeAsync(runtime, values.Slice(0, half), values.Slice(half, half)).ConfigureAwait(false);
            var kept = smallest ? smaller : larger;
            // An odd element out waits for the next round.
            values = values.Length % 2 == 0 ? kept : Secret<T>.Concatenate([kept, values.Slice(2 * half, 1)]);
        }
        return values;
    }

    // One comparison and one multiplication for the whole batch: (min, max) element-wise.
    private static async Task<(Secret<T> Smaller, Secret<T> Larger)> CompareExchangeAsync<T>(MpcRuntime<T> runtime, Secret<T> a, Secret<T> b)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var swap = await Comparison.LessThanAsync(runtime, b, a).ConfigureAwait(false);
        var smaller = await Comparison.SelectAsync(runtime, swap, b, a).ConfigureAwait(false);
        return (smaller, a + b - smaller);
    }

    /// <summary>The layers of Batcher's odd-even merge sort for <paramref name="n"/> elements; the comparators of a layer touch disjoint positions.</summary>
    internal static IReadOnlyList<IReadOnlyList<(int Low, int High)>> Network(int n)
    {
        var layers = new List<IReadOnlyList<(int, int)>>();
        for (int p = 1; p < n; p <<= 1)
        {
            for (int k = p; k >= 1; k >>= 1)
            {
                var layer = new List<(int, int)>();
                for (int j = k % p; j + k < n; j += 2 * k)
                    for (int i = 0; i < Math.Min(k, n - j - k); i++)
                        if ((i + j) / (2 * p) == (i + j + k) / (2 * p)) layer.Add((i + j, i + j + k));
                if (layer.Count > 0) layers.Add(layer);
            }
        }
        return layers;
    }
}
