using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Protocols;

/// <summary>
/// Fixed-point truncation: divides a secret by 2^m with probabilistic rounding.
/// </summary>
/// <remarks>
/// Method: probabilistic truncation in Z_2^k with a known-MSB correction (Escudero, Ghosh, Keller,
/// Rachuri, Scholl, "Improved Primitives for MPC over Mixed Arithmetic-Binary Circuits", CRYPTO
/// 2020, section 5). With z = x + 2^(k-2) &lt; 2^(k-1) and a preprocessed r uniform in Z_2^k (with
/// shares of r &gt;&gt; m and of its top bit), the parties open c = z + r, which is uniform and so
/// leaks nothing. Then z = c - r + 2^k w where the wrap bit w = msb(r) * (1 - msb(c)) is linear in
/// the shares, and (c &gt;&gt; m) - (r &gt;&gt; m) + 2^(k-m) w - 2^(k-2-m) = floor(x / 2^m) + e, where
/// e in {0, 1} is 1 with probability (x mod 2^m) / 2^m.
/// Error bound: at most one unit in the last place (2^-f), unbiased (stochastic rounding).
/// Failure probability: zero for |x| &lt; 2^(k-2); outside that range the result is wrong, so the
/// fixed-point format keeps every product below 2^(k-2) (see <see cref="FixedPointFormat"/>).
/// Cost: one round, n ring elements sent to each peer. On an engine that deals assisted pairs (the replicated one) the
/// same opening runs between two parties only (<see cref="TruncateAssistedAsync"/>).
/// Values small by construction (|x| &lt; 2^B for every input) are truncated without preprocessing where the ring has room
/// for a statistical mask (<see cref="TruncateBoundedRawAsync"/>).
/// </remarks>
public static partial class Truncation
{
    /// <summary>Statistical security (bits) of the masks that hide values known to be small: statistical distance 2^-40.</summary>
    public const int StatisticalSecurity = 40;

    /// <summary>Rescales a secret down to the given number of fractional bits (value / 2^(Scale - scale)).</summary>
    public static async Task<Secret<T>> RescaleAsync<T>(MpcRuntime<T> runtime, Secret<T> x, int scale)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        ArgumentNullException.ThrowIfNull(runtime);
        runtime.CheckOwns(x);
        if (scale < 0 || scale > x.Scale) throw new ArgumentOutOfRangeException(nameof(scale));
        if (scale == x.Scale) return x;
        var share = await TruncateRawAsync(runtime, x.Share, x.Scale - scale).ConfigureAwait(false);
        return new Secret<T>(runtime, share, x.Rows, x.Columns, scale);
    }

    /// <summary>Wraps raw product shares at the given scale, truncating down to the format's scale when above it.</summary>
    internal static async Task<Secret<T>> NormalizeAsync<T>(MpcRuntime<T> runtime, T[] raw, int scale, int rows, int columns)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int f = runtime.Format.FractionalBits;
        if (scale <= f) return new Secret<T>(runtime, raw, rows, columns, scale);
        var share = await TruncateRawAsync(runtime, raw, scale - f).ConfigureAwait(false);
        return new Secret<T>(runtime, share, rows, columns, f);
    }

    /// <summary>Shares of floor(x / 2^shift) + e, e in {0, 1}, for |x| &lt; 2^(k-2).</summary>
    internal static async Task<T[]> TruncateRawAsync<T>(MpcRuntime<T> runtime, T[] x, int shift)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits;
        if (shift <= 0 || shift > k - 2) throw new ArgumentOutOfRangeException(nameof(shift), ErrorMessages.TruncationShiftOutOfRange(shift, k));
        if (runtime.Preprocessing is IAssistedTruncation<T> { OffersAssistedTruncation: true } assisted) return await TruncateAssistedAsync(runtime, assisted, x, shift).ConfigureAwait(false);
        int n = x.Length;
        var pairs = await runtime.Preprocessing.GetTruncationPairsAsync(n, shift, runtime.Cancellation).ConfigureAwait(false);
        Multiplication.CheckDelivered("truncation pairs", n, pairs.R.Length);
        bool leader = runtime.IsLeader;
        T bias = RingArithmetic<T>.PowerOfTwo(k - 2);
        T wrapWeight = RingArithmetic<T>.PowerOfTwo(k - shift);
        T biasShifted = RingArithmetic<T>.PowerOfTwo(k - 2 - shift);
        var masked = new T[n];
        unchecked
        {
            for (int i = 0; i < n; i++) masked[i] = x[i] + pairs.R[i] + (leader ? bias : T.Zero);
        }
        var c = await Opening.OpenAsync(runtime, masked).ConfigureAwait(false);
        var result = new T[n];
        unchecked
        {
            for (int i = 0; i < n; i++)
            {
                bool cTop = RingArithmetic<T>.IsNegative(c[i]);
                T value = T.Zero - pairs.RShifted[i];
                if (!cTop) value += pairs.RTopBit[i] * wrapWeight;
                if (leader) value += (c[i] >>> shift) - biasShifted;
                result[i] = value;
            }
        }
        return result;
    }

    /// <summary>
    /// Shares of floor(x / 2^shift) + e for x known to satisfy |x| &lt; 2^boundBits, without preprocessing when the ring has
    /// room for a statistical mask: every party draws its own r_i uniform below 2^(boundBits + 1 + 40) and the parties open
    /// c = x + 2^boundBits + sum r_i, which cannot wrap (k &gt;= boundBits + 41 + bits of N) and hides x to 2^-40 from
    /// any N-1 parties (the honest party's r_i alone does). Then floor(c / 2^shift) - sum floor(r_i / 2^shift) equals
    /// floor((x + sum (r_i mod 2^shift)) / 2^shift): floor(x / 2^shift) plus a carry in [0, N], of which party 0 removes
    /// floor((N-1)/2) so the error stays within about N/2 units, centred within half a unit.
    /// Where the ring has no room (Z_2^64, or too many parties for the bound) it is <see cref="TruncateRawAsync"/>.
    /// Callers pass only bounds that hold by construction for every input: a value beyond the bound is truncated wrongly
    /// and is no longer hidden to 2^-40.
    /// </summary>
    internal static async Task<T[]> TruncateBoundedRawAsync<T>(MpcRuntime<T> runtime, T[] x, int shift, int boundBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int k = RingArithmetic<T>.Bits, parties = runtime.PartyCount;
        if (shift <= 0 || shift > k - 2) throw new ArgumentOutOfRangeException(nameof(shift), ErrorMessages.TruncationShiftOutOfRange(shift, k));
        int bound = Math.Max(boundBits, shift), maskBits = bound + 1 + StatisticalSecurity;
        if (maskBits + (32 - BitOperations.LeadingZeroCount((uint)parties)) > k) return await TruncateRawAsync(runtime, x, shift).ConfigureAwait(false);
        int n = x.Length;
        bool leader = runtime.IsLeader;
        var masks = runtime.LocalRandom.NextRing<T>(n);
        T low = (T.One << maskBits) - T.One;
        T offset = RingArithmetic<T>.PowerOfTwo(bound);
        var masked = new T[n];
        unchecked
        {
            for (int i = 0; i < n; i++)
            {
                masks[i] &= low;
                masked[i] = x[i] + masks[i] + (leader ? offset : T.Zero);
            }
        }
        var c = await Opening.OpenAsync(runtime, masked).ConfigureAwait(false);
        T correction = RingArithmetic<T>.PowerOfTwo(bound - shift) + RingArithmetic<T>.FromInt64((parties - 1) / 2);
        var result = new T[n];
        unchecked
        {
            for (int i = 0; i < n; i++) result[i] = (leader ? (c[i] >>> shift) - correction : T.Zero) - (masks[i] >>> shift);
        }
        return result;
    }
}
