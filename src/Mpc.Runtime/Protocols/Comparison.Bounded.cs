using System.Numerics;
using Mpc.Core;

namespace Mpc.Runtime.Protocols;

// Signs of secrets with a stated bound (distances, counts): the cost follows the bound's bits, not the ring's.
public static partial class Comparison
{
    /// <summary>
    /// [x &lt; 0] for every element of a secret known to satisfy |x| &lt; 2^<paramref name="bits"/> in ring units (the raw
    /// integers, whatever x's scale): the sign is bit <paramref name="bits"/> of x mod 2^(bits + 1), from one statistically
    /// masked opening (bits + 1 daBits an element and a comparison circuit over bits positions, against k daBits and k - 1
    /// positions for <see cref="LessThanZeroAsync"/>). The mask hides x to statistical distance about N 2^-40; an element
    /// outside the bound gives a wrong bit, so callers state a bound that holds for every input by construction.
    /// </summary>
    public static async Task<Secret<T>> LessThanZeroBoundedAsync<T>(MpcRuntime<T> runtime, Secret<T> x, int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        int largest = MaximumBoundBits(runtime);
        if (bits < 1 || bits > largest) throw new ArgumentOutOfRangeException(nameof(bits), $"A bounded comparison takes a bound of 1 to {largest} bits here, not {bits}.");
        var signs = await LessThanZeroBoundedRawAsync(runtime, x.Share, bits).ConfigureAwait(false);
        return new Secret<T>(runtime, signs, x.Rows, x.Columns, 0);
    }

    /// <summary>The largest bound in bits <see cref="LessThanZeroBoundedAsync"/> takes with this runtime's ring and parties (room for the statistical mask).</summary>
    public static int MaximumBoundBits<T>(MpcRuntime<T> runtime)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        return BitDecomposition.MaximumLowBits(RingArithmetic<T>.Bits, runtime.PartyCount) - 1;
    }

    /// <summary>The bits of a bound: the smallest b with <paramref name="magnitude"/> &lt; 2^b (at least 1).</summary>
    public static int BoundBits(double magnitude)
    {
        if (!(magnitude >= 0) || double.IsInfinity(magnitude)) throw new ArgumentOutOfRangeException(nameof(magnitude), "A bound is a finite non-negative number.");
        int bits = 1;
        while (Math.ScaleB(1, bits) <= magnitude) bits++;
        return bits;
    }

    internal static async Task<T[]> LessThanZeroBoundedRawAsync<T>(MpcRuntime<T> runtime, T[] x, int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int n = x.Length;
        if (n == 0) return [];
        // x mod 2^(bits + 1) = (c - r) mod 2^(bits + 1); for |x| < 2^bits its top bit is the sign.
        var (c, mask) = await BitDecomposition.MaskLowAndOpenAsync(runtime, x, bits + 1).ConfigureAwait(false);
        return await SignAsync(runtime, c, mask, n, bits + 1).ConfigureAwait(false);
    }
}
