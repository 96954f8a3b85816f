using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Runtime.Protocols;

// Private products of matrices with rows of very different magnitudes (X'WX on raw features).
public static partial class Multiplication
{
    /// <summary>
    /// <see cref="PrivateMatrixMultiplySmallEachAsync"/> for matrices whose rows differ widely in magnitude, such as the outer
    /// products of raw features in X'WX. Every owner divides each row of its matrix whose largest entry exceeds 1 by a private
    /// power of two 2^e (e &gt;= 0) so that it is at most 1, and encodes it with <paramref name="matrixBits"/> fractional bits:
    /// rows up to 1 keep that absolute precision, larger rows that precision relative to 2^e (rows are never scaled up, so the
    /// result's precision never drops below 2^-matrixBits of the row's own size, which centring later relies on). The scaled product
    /// is then below 2^B, B = matrixBits + valueBits + bits(inner), for every input, so its oblivious products need only
    /// K' = B + 41 + bits(N) output bits instead of k (shorter corrections); it is lifted to Z_2^k by one opening masked by
    /// every party's own value below 2^(B + 41) (hiding it to 2^-40), truncated there to the format's scale (as
    /// <see cref="Truncation"/>'s statistical truncation: floor plus a carry of at most N units, no truncation pairs), and each row
    /// is scaled back by the owner's 2^e in an elementwise private product that chooses with those masks' bits. The owners'
    /// exponents never leave them. Falls back to
    /// <see cref="PrivateMatrixMultiplySmallEachAsync"/> where the ring has no room or without OT preprocessing.
    /// </summary>
    public static async Task<Secret<T>> PrivateMatrixMultiplyRowScaledEachAsync<T>(MpcRuntime<T> runtime, double[] ownMatrix, IReadOnlyList<int> rows, IReadOnlyList<Secret<T>> y,
        int valueBits, int matrixBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        CheckPrivateProduct(runtime, ownMatrix, rows, y);
        if (valueBits < 1) throw new ArgumentOutOfRangeException(nameof(valueBits), "The values' bound must be at least one bit.");
        if (matrixBits < 1 || matrixBits > runtime.Format.FractionalBits) throw new ArgumentOutOfRangeException(nameof(matrixBits), $"Matrix bits must be in 1..{runtime.Format.FractionalBits}.");
        int k = RingArithmetic<T>.Bits, parties = runtime.PartyCount, self = runtime.PartyIndex, columns = y[0].Columns;
        int inner = y.Max(block => block.Rows);
        int bound = matrixBits + valueBits + BitLength(inner);
        int liftBits = bound + 1 + Truncation.StatisticalSecurity;
        int outputBits = liftBits + BitLength(parties);
        int maskBits = valueBits + Truncation.StatisticalSecurity;
        if (runtime.Preprocessing is not IPrivateProducts<T> products || outputBits >= k - 1 || maskBits > outputBits)
            return await PrivateMatrixMultiplySmallEachAsync(runtime, ownMatrix, rows, y, valueBits).ConfigureAwait(false);

        var (scaled, factors) = ScaleRows<T>(ownMatrix, rows[self], y[self].Rows, columns, k);
        var encoded = runtime.Format.Encode<T>(scaled, matrixBits);
        var (masks, opened) = await OpenMaskedAsync(runtime, y, maskBits).ConfigureAwait(false);
        var tasks = Enumerable.Range(0, parties).Select(p =>
            products.PrivateProductAsync(p, p == self ? encoded : null, masks[p], rows[p], y[p].Rows, columns, maskBits, outputBits, runtime.Cancellation).AsTask()).ToArray();
        // Shares modulo 2^K' of S_p = L'_p y_p = L'_p (y_p + R) - L'_p R, plus 2^B at party 0 and this party's lift mask rho.
        var parts = UnmaskedShares(runtime, await Task.WhenAll(tasks).ConfigureAwait(false), encoded, opened, rows, y);
        T low = (T.One << outputBits) - T.One, offset = RingArithmetic<T>.PowerOfTwo(bound);
        var lift = new T[parties][];
        var liftOpened = new List<T>();
        for (int p = 0; p < parties; p++)
        {
            var share = parts[p];
            lift[p] = LowRandom(runtime, share.Length, liftBits);
            unchecked
            {
                for (int i = 0; i < share.Length; i++) share[i] = (share[i] + lift[p][i] + (runtime.IsLeader ? offset : T.Zero)) & low;
            }
            liftOpened.AddRange(share);
        }
        // S_p + 2^B + sum of the lift masks lies in [0, 2^K'): opened modulo 2^K' it is that integer, so
        // floor(S_p / 2^shift) = floor(z / 2^shift) - 2^(B - shift) - sum floor(rho / 2^shift) - a carry in [0, N - 1], centred at party 0.
        int shift = Math.Max(0, matrixBits + y[0].Scale - runtime.Format.FractionalBits);
        var z = await Opening.OpenAsync(runtime, liftOpened.ToArray()).ConfigureAwait(false);
        var scaleTasks = Enumerable.Range(0, parties).Select(p =>
        {
            var ownShifted = new T[lift[p].Length];
            for (int i = 0; i < ownShifted.Length; i++) ownShifted[i] = lift[p][i] >>> shift;
            return products.PrivateScaleAsync(p, p == self ? factors : null, ownShifted, liftBits - shift, runtime.Cancellation).AsTask();
        }).ToArray();
        var scaledMasks = await Task.WhenAll(scaleTasks).ConfigureAwait(false);
        T correction = (offset >>> shift) + RingArithmetic<T>.FromInt64(shift == 0 ? 0 : (parties - 1) / 2);
        var raw = new T[z.Length];
        int at = 0;
        unchecked
        {
            for (int p = 0; p < parties; p++)
            {
                int n = scaledMasks[p].Length;
                for (int i = 0; i < n; i++)
                {
                    // This party's share of 2^e S_p / 2^shift: the owner adds its factor times the opened part; everyone subtracts
                    // its share of the factor times the shifted masks.
                    T share = T.Zero - scaledMasks[p][i];
                    if (p == self) share += factors[i] * (((z[at + i] & low) >>> shift) - correction);
                    raw[at + i] = share;
                }
                at += n;
            }
        }
        return new Secret<T>(runtime, raw, rows.Sum(), columns, matrixBits + y[0].Scale - shift);
    }

    // Each row divided by 2^e, e = ceil(log2 of its largest magnitude) but at least 0, and per result element the factor 2^e
    // that scales it back.
    private static (double[] Scaled, T[] Factors) ScaleRows<T>(double[] matrix, int rows, int inner, int columns, int k)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var scaled = new double[matrix.Length];
        var factors = new T[checked(rows * columns)];
        for (int t = 0; t < rows; t++)
        {
            var row = matrix.AsSpan(t * inner, inner);
            double largest = 0;
            foreach (double v in row) largest = Math.Max(largest, Math.Abs(v));
            int e = largest <= 1 ? 0 : (int)Math.Ceiling(Math.Log2(largest));
            // Guard against Log2 rounding: the scaled row must stay within [-1, 1].
            while (Math.ScaleB(largest, -e) > 1) e++;
            if (e >= k - 2) throw new ArgumentOutOfRangeException(nameof(matrix), $"Row {t} of the private matrix has an entry of magnitude {largest:G3}, too large for a {k}-bit ring.");
            for (int l = 0; l < inner; l++) scaled[t * inner + l] = Math.ScaleB(row[l], -e);
            for (int c = 0; c < columns; c++) factors[t * columns + c] = RingArithmetic<T>.PowerOfTwo(e);
        }
        return (scaled, factors);
    }

    // This party's shares of L_p y_p from its shares of the products L_p R (parts): -part, and at the owner also L_p (y_p + R),
    // which it computes in the clear from the opened y_p + R.
    private static T[][] UnmaskedShares<T>(MpcRuntime<T> runtime, T[][] parts, T[] encoded, T[] opened, IReadOnlyList<int> rows, IReadOnlyList<Secret<T>> y)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        int at = 0;
        var shares = new T[parts.Length][];
        for (int p = 0; p < parts.Length; p++)
        {
            var share = new T[parts[p].Length];
            RingArithmetic<T>.Subtract(share, parts[p], share);
            if (p == runtime.PartyIndex)
            {
                var known = new T[share.Length];
                RingArithmetic<T>.MatrixMultiply(encoded, opened.AsSpan(at, y[p].Length), known, rows[p], y[p].Rows, y[p].Columns);
                RingArithmetic<T>.AddInPlace(share, known);
            }
            shares[p] = share;
            at += y[p].Length;
        }
        return shares;
    }

    // Every block y_p + R_p opened at once, where R_p is the sum of every party's own mask below 2^maskBits; returns this party's masks.
    private static async Task<(T[][] Masks, T[] Opened)> OpenMaskedAsync<T>(MpcRuntime<T> runtime, IReadOnlyList<Secret<T>> y, int maskBits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var masks = new T[y.Count][];
        var masked = new List<T>();
        for (int p = 0; p < y.Count; p++)
        {
            masks[p] = LowRandom(runtime, y[p].Length, maskBits);
            var sum = new T[y[p].Length];
            RingArithmetic<T>.Add(y[p].Share, masks[p], sum);
            masked.AddRange(sum);
        }
        return (masks, await Opening.OpenAsync(runtime, masked.ToArray()).ConfigureAwait(false));
    }

    // Uniform values below 2^bits from this party's own randomness.
    private static T[] LowRandom<T>(MpcRuntime<T> runtime, int count, int bits)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var values = runtime.LocalRandom.NextRing<T>(count);
        T low = (T.One << bits) - T.One;
        for (int i = 0; i < values.Length; i++) values[i] &= low;
        return values;
    }

    private static int BitLength(int value) => 32 - BitOperations.LeadingZeroCount((uint)value);
}
