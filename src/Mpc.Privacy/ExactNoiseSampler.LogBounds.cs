namespace Mpc.Privacy;

public sealed partial class ExactNoiseSampler
{
    // Largest |x| the 128-bit bounds below take (their products then stay below 2^100); beyond it the exact test decides.
    private const long FastProposalLimit = 1L << 31;

    private static readonly UInt128 Q64One = UInt128.One << 64;

    /// <summary>
    /// Bounds on L = ln f(m+x) + |x|/t - c as 64-bit fixed point in Int128, for 4|x| &lt;= k + m and |x| &lt; 2^31:
    /// ln f(k) = x + 2x atanh(delta) - (2k+1) atanh(w) - S(k) + S(m) (Stirling for k! and m!, ln 2 pi cancels), with
    /// (2k+1) atanh(|w|) = R + R T(w^2), R = (2k+1)|x| / (k+m) and T(z) = z/3 + z^2/5 + ...; every product of an integer
    /// with a bound is exact, and every division and series step is rounded down for the lower bound and up for the upper.
    /// </summary>
    private static (Int128 Low, Int128 High) LogAcceptanceBounds(PoissonEnvelope envelope, long x, long k)
    {
        ulong magnitude = (ulong)Math.Abs(x), sum = (ulong)(k + envelope.M);
        var (rLow, rHigh) = FixedQuotient((UInt128)(2 * (ulong)k + 1) * magnitude, sum);
        UInt128 squareNumerator = (UInt128)(magnitude * magnitude) << 64, squareDenominator = (UInt128)sum * sum;
        UInt128 zLow = squareNumerator / squareDenominator, zHigh = zLow + (squareNumerator % squareDenominator == 0 ? 0u : 1u);
        var (tLow, tHigh) = SeriesT(unchecked((ulong)zLow), unchecked((ulong)zHigh));
        Int128 aLow = (Int128)(rLow + MultiplyFixed(rLow, tLow, false)), aHigh = (Int128)(rHigh + MultiplyFixed(rHigh, tHigh, true));
        Int128 twoMagnitude = 2 * (Int128)magnitude;
        var (sKLow, sKHigh) = StirlingRemainderQ64(k);
        var (qLow, qHigh) = FixedQuotient(magnitude, envelope.T);
        Int128 low = (Int128)x << 64, high = low;
        if (x >= 0)
        {
            low += twoMagnitude * envelope.LogRatioLow64 - aHigh;
            high += twoMagnitude * envelope.LogRatioHigh64 - aLow;
        }
        else
        {
            low += -twoMagnitude * envelope.LogRatioHigh64 + aLow;
            high += -twoMagnitude * envelope.LogRatioLow64 + aHigh;
        }
        low += envelope.StirlingMLow64 - sKHigh + (Int128)qLow - envelope.CHigh64;
        high += envelope.StirlingMHigh64 - sKLow + (Int128)qHigh - envelope.CLow64;
        return (low, high);
    }

    // floor and ceiling of n 2^64 / d, for n / d below 2^63: the integer part first, so no intermediate exceeds 2^128.
    private static (UInt128 Low, UInt128 High) FixedQuotient(UInt128 n, ulong d)
    {
        var (whole, remainder) = UInt128.DivRem(n, d);
        var (fraction, fractionHigh) = Quotient(remainder << 64, d);
        return ((whole << 64) + fraction, (whole << 64) + fractionHigh);
    }

    // floor and ceiling of n / d.
    private static (UInt128 Low, UInt128 High) Quotient(UInt128 n, UInt128 d)
    {
        var (quotient, remainder) = UInt128.DivRem(n, d);
        return (quotient, remainder == 0 ? quotient : quotient + 1);
    }

    // T(z) = sum over i >= 1 of z^i / (2i+1) for z <= 1/16 in 64-bit fixed point: the lower chain floors, the upper ceils and
    // adds the tail, below the next power times 16/15 / (2i+3) < that power.
    private static (ulong Low, ulong High) SeriesT(ulong zLow, ulong zHigh)
    {
        ulong powerLow = zLow, powerHigh = zHigh, sumLow = 0, sumHigh = 0;
        for (ulong i = 1; powerHigh > 1; i++)
        {
            sumLow += powerLow / (2 * i + 1);
            sumHigh += powerHigh / (2 * i + 1) + 1;
            powerLow = Math.BigMul(powerLow, zLow, out _);
            powerHigh = Math.BigMul(powerHigh, zHigh, out _) + 1;
        }
        return (sumLow, sumHigh + powerHigh);
    }

    // a * b / 2^64 for fixed-point a (below 2^96) and b (below 2^64), rounded down or up.
    private static UInt128 MultiplyFixed(UInt128 a, ulong b, bool up)
    {
        ulong high = Math.BigMul(unchecked((ulong)a), b, out ulong low);
        return (a >> 64) * b + high + (up && low != 0 ? 1u : 0u);
    }

    /// <summary>
    /// Bounds on Stirling's remainder S(n) = ln n! - ((n + 1/2) ln n - n + ln(2 pi)/2), n &gt;= 1, in 64-bit fixed point:
    /// 1/(12n) - 1/(360 n^3) plus between 0 and 1/(1260 n^5) (the series for ln Gamma errs by less than its first omitted
    /// term, with that term's sign). Nested divisions keep every quotient below 2^64 (floor(floor(a/b)/c) = floor(a/(bc)), and so for ceilings).
    /// </summary>
    private static (Int128 Low, Int128 High) StirlingRemainderQ64(long n)
    {
        ulong un = (ulong)n;
        var (firstLow, firstHigh) = Quotient(Q64One, 12 * (UInt128)un);
        UInt128 cubeLow = Q64One / (360 * (UInt128)un) / un / un, cubeHigh = CeilingQuotient(CeilingQuotient(CeilingQuotient(Q64One, 360 * (UInt128)un), un), un);
        UInt128 fifthHigh = CeilingQuotient(CeilingQuotient(CeilingQuotient(CeilingQuotient(CeilingQuotient(Q64One, 1260 * (UInt128)un), un), un), un), un);
        return ((Int128)firstLow - (Int128)cubeHigh, (Int128)firstHigh - (Int128)cubeLow + (Int128)fifthHigh);
    }

    private static UInt128 CeilingQuotient(UInt128 n, UInt128 d) => Quotient(n, d).High;
}
