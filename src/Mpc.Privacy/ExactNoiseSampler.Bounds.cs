using System.Numerics;

namespace Mpc.Privacy;

public sealed partial class ExactNoiseSampler
{
    // Fixed point: a BigInteger v stands for v / 2^Precision. Every lower bound is rounded down and every upper bound up.
    private const int Precision = 96;
    private static readonly BigInteger FixedOne = BigInteger.One << Precision;

    // A series stops once its next term is below 2^-88; the rest is bounded and added to the upper bound.
    private static readonly BigInteger NegligibleTerm = BigInteger.One << 8;

    // exp(y) for y below -60 is under 2^-86: bounded by that without a series.
    private static readonly BigInteger ExpFloorArgument = -60 * FixedOne;

    /// <summary>
    /// The fast test U &lt; alpha, alpha = f(k) exp(|x|/t - c), for U in [u, u+1) / 2^64: true or false when the bounds on alpha
    /// decide it, null when U falls between them or the proposal is outside where the series below converge fast (then the exact test
    /// decides with the same U).
    /// </summary>
    internal static bool? FastAccept(PoissonEnvelope envelope, long x, long k, ulong u)
    {
        // The series converge fast for |w| = |x| / (k + m) <= 1/4, which also keeps k >= 0.6 m >= 4.
        if (4 * Math.Abs(x) > k + envelope.M || Math.Abs(x) >= FastProposalLimit) return null;
        var (low64, high64) = LogAcceptanceBounds(envelope, x, k);
        if (SqueezeAccepts(low64, u)) return true;
        if (SqueezeRejects(high64, u)) return false;
        BigInteger low = (BigInteger)low64 << (Precision - 64), high = (BigInteger)high64 << (Precision - 64);
        // U < alpha surely when U's upper end is below the lower bound; surely not when U's lower end is at or above the upper bound.
        BigInteger uLow = (BigInteger)u << (Precision - 64), uHigh = ((BigInteger)u + 1) << (Precision - 64);
        if (uHigh <= ExpBound(low, upper: false)) return true;
        if (uLow >= ExpBound(high, upper: true)) return false;
        return null;
    }

    // The squeezes take L up to 1.5 (6 * 2^62 in 64-bit fixed point), and y within [-1.5, 1.5], where every product below stays inside Int128.
    private static readonly Int128 SqueezeLimit = (Int128)6 << 62;

    // Below -1/4 (2^62), exp(L) = exp(L / 2^j)^(2^j) with L / 2^j in [-1/4, 0], where the polynomials are tight, for j up to
    // this: L >= -128, beyond which exp(L) < 2^-184 and the BigInteger bound decides.
    private static readonly Int128 HalvingLimit = Int128.One << 62;
    private const int MaxHalvings = 9;

    /// <summary>
    /// U &lt; exp(L) surely, for L &gt;= the lower bound: exp(y) &gt;= p3(y) = 1 + y + y^2/2 + y^3/6 for y = floor(L / 2^j) in 62-bit
    /// fixed point (y in [-1/4, 1.5]), as p3 is increasing and below exp everywhere, then squared j times rounding down (the values
    /// are in [0, 1]). p3(y) is computed within 2.5 units of 2^-62 (one rounding per product and quotient, the products' inputs off
    /// by at most 1 and 2 units, |y| &lt;= 1.5), so 8 units cover it.
    /// </summary>
    internal static bool SqueezeAccepts(Int128 low, ulong u)
    {
        if (low > SqueezeLimit || !Halvings(low, out int halvings)) return false;
        Int128 y = low >> (2 + halvings), square = y * y >> 62, cube = square * y >> 62;
        Int128 bound = (Int128.One << 62) + y + (square >> 1) + cube / 6 - 8;
        if (bound <= 0) return false;
        for (int i = 0; i < halvings; i++) bound = bound * bound >> 62;
        return (Int128)u + 1 <= 4 * bound;
    }

    /// <summary>
    /// U &gt;= exp(L) surely, for L &lt;= the upper bound &lt;= 0: exp(L / 2^j) &lt;= exp(y) &lt;= p4(y) = p3(y) + y^4/24 for
    /// y = ceil(L / 2^j) in [-1/4, 0] in 62-bit fixed point (the Taylor remainder of order 5 is negative there), computed within
    /// 4 units, plus 8 units, then squared j times rounding up.
    /// </summary>
    internal static bool SqueezeRejects(Int128 high, ulong u)
    {
        if (high > 0 || !Halvings(high, out int halvings)) return false;
        Int128 y = -(-high >> (2 + halvings)), square = y * y >> 62, cube = square * y >> 62, fourth = cube * y >> 62;
        Int128 bound = (Int128.One << 62) + y + (square >> 1) + cube / 6 + fourth / 24 + 8;
        for (int i = 0; i < halvings; i++) bound = (bound * bound + (Int128.One << 62) - 1) >> 62;
        return (Int128)u >= 4 * bound;
    }

    // The fewest halvings j that bring a bound L (64-bit fixed point) to at least -1/4: none for L >= -1/4; false past MaxHalvings.
    private static bool Halvings(Int128 bound, out int halvings)
    {
        for (halvings = 0; halvings <= MaxHalvings; halvings++)
            if (bound >= -(HalvingLimit << halvings)) return true;
        return false;
    }

    // floor and ceiling of (numerator / denominator) * 2^Precision, denominator > 0.
    private static (BigInteger Low, BigInteger High) FixedBounds(BigInteger numerator, BigInteger denominator)
    {
        var quotient = BigInteger.DivRem(numerator << Precision, denominator, out var remainder);
        if (remainder.IsZero) return (quotient, quotient);
        // Division truncates toward zero: the quotient is the ceiling for a negative numerator and the floor for a positive one.
        return remainder.Sign < 0 ? (quotient - 1, quotient) : (quotient, quotient + 1);
    }

    private static BigInteger CeilingShift(BigInteger value, int bits) => (value + (BigInteger.One << bits) - 1) >> bits;

    private static BigInteger CeilingDivide(BigInteger value, BigInteger divisor) => (value + divisor - 1) / divisor;

    /// <summary>Bounds on atanh(p/r) = sum of (p/r)^(2i+1) / (2i+1), for 0 &lt;= p/r &lt;= 1/4.</summary>
    private static (BigInteger Low, BigInteger High) AtanhBounds(BigInteger p, BigInteger r)
    {
        if (p.IsZero) return (BigInteger.Zero, BigInteger.Zero);
        var (powerLow, powerHigh) = FixedBounds(p, r);
        BigInteger squareLow = (powerLow * powerLow) >> Precision, squareHigh = CeilingShift(powerHigh * powerHigh, Precision);
        BigInteger sumLow = 0, sumHigh = 0;
        for (int i = 0; ; i++)
        {
            sumLow += powerLow / (2 * i + 1);
            sumHigh += CeilingDivide(powerHigh, 2 * i + 1);
            powerLow = (powerLow * squareLow) >> Precision;
            powerHigh = CeilingShift(powerHigh * squareHigh, Precision);
            // The terms left are below power * (1 + w^2 + w^4 + ...) <= power * 16/15 < 2 power.
            if (powerHigh < NegligibleTerm) return (sumLow, sumHigh + 2 * powerHigh);
        }
    }

    /// <summary>A lower (or upper) bound on exp(y) for the fixed-point y, by directed Taylor sums at |y| / 2^s &lt; 1/2 and s squarings.</summary>
    internal static BigInteger ExpBound(BigInteger y, bool upper)
    {
        if (y < ExpFloorArgument) return upper ? (FixedOne >> 86) + 1 : BigInteger.Zero;
        // exp(y) = 1 / exp(-y) for y < 0: a lower bound then needs an upper bound of exp(-y), and the reverse.
        if (y.Sign < 0)
        {
            var positive = ExpOfNonNegative(-y, !upper);
            return upper ? CeilingDivide(FixedOne << Precision, positive) : (FixedOne << Precision) / positive;
        }
        return ExpOfNonNegative(y, upper);
    }

    private static BigInteger ExpOfNonNegative(BigInteger z, bool upper)
    {
        int halvings = Math.Max(0, (int)z.GetBitLength() - (Precision - 1));
        int shift = Precision + halvings;
        BigInteger term = FixedOne, sum = FixedOne;
        for (int i = 1; ; i++)
        {
            term = upper ? CeilingDivide(term * z, (BigInteger)i << shift) : term * z / ((BigInteger)i << shift);
            sum += term;
            // With z / 2^s <= 1/2 every later term is at most half the one before, so the rest is below this term.
            if (term < NegligibleTerm)
            {
                if (upper) sum += term + 1;
                break;
            }
        }
        for (int i = 0; i < halvings; i++) sum = upper ? CeilingShift(sum * sum, Precision) : (sum * sum) >> Precision;
        return sum;
    }
}
