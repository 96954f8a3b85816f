using System.Numerics;

namespace Mpc.Privacy;

public sealed partial class ExactNoiseSampler
{
    /// <summary>
    /// The exact test U &lt; alpha = f(k) exp(q), q = |x|/t - c, continuing the U whose first 64 bits are <paramref name="firstBits"/>:
    /// f(k) is an exact ratio of integers, exp(q) lies between rational Taylor bounds, and U gains 64 bits and the bounds eight
    /// terms until U's interval is on one side of alpha's. Cost linear in |x|, paid about once in 10^7 attempts and in far tails.
    /// </summary>
    internal bool ExactAccept(PoissonEnvelope envelope, long x, long k, ulong firstBits)
    {
        var (fNumerator, fDenominator) = TargetWeight(envelope, x, k);
        BigInteger t = envelope.T, magnitude = Math.Abs(x);
        BigInteger qNumerator = magnitude * envelope.C.Denominator - envelope.C.Numerator * t, qDenominator = t * envelope.C.Denominator;
        BigInteger u = firstBits;
        int bits = 64;
        // Enough terms that the Taylor remainder bound below holds (order + 2 >= 2|q|).
        int order = 16 + 2 * (int)BigInteger.Min(BigInteger.Abs(qNumerator) / qDenominator, 1 << 20);
        while (true)
        {
            var (lowN, lowD, highN, highD) = ExpRationalBounds(qNumerator, qDenominator, order);
            // U < alpha surely if (u+1)/2^bits <= f lowN/lowD; surely not if u/2^bits >= f highN/highD.
            if ((u + 1) * fDenominator * lowD <= (fNumerator * lowN) << bits) return true;
            if (u * fDenominator * highD >= (fNumerator * highN) << bits) return false;
            u = (u << 64) | random.NextUInt64();
            bits += 64;
            order += 8;
        }
    }

    // f(k) = lambda^(k-m) m! / k! with lambda = a/b, as a numerator and denominator.
    private static (BigInteger Numerator, BigInteger Denominator) TargetWeight(PoissonEnvelope envelope, long x, long k)
    {
        long m = envelope.M;
        int steps = (int)Math.Abs(x);
        if (x >= 0) return (BigInteger.Pow(envelope.A, steps), BigInteger.Pow(envelope.B, steps) * Product(m + 1, k));
        return (BigInteger.Pow(envelope.B, steps) * Product(k + 1, m), BigInteger.Pow(envelope.A, steps));
    }

    // from * (from + 1) * ... * to, by halves so the multiplications stay balanced.
    private static BigInteger Product(long from, long to)
    {
        if (from > to) return BigInteger.One;
        if (to - from < 16)
        {
            BigInteger product = BigInteger.One;
            for (long j = from; j <= to; j++) product *= j;
            return product;
        }
        long middle = from + (to - from) / 2;
        return Product(from, middle) * Product(middle + 1, to);
    }

    /// <summary>
    /// Rational bounds on exp(n/d), d &gt; 0: the Taylor sum S of |q| to the given order and S + 2 |q|^(order+1) / (order+1)!
    /// (the remainder is below this when order + 2 &gt;= 2|q|); for q &lt; 0 their reciprocals, swapped.
    /// </summary>
    private static (BigInteger LowN, BigInteger LowD, BigInteger HighN, BigInteger HighD) ExpRationalBounds(BigInteger n, BigInteger d, int order)
    {
        BigInteger z = BigInteger.Abs(n);
        // Horner: h = 1 + (z/d)/i * h, for i = order down to 1, kept as hn / hd.
        BigInteger hn = 1, hd = 1;
        for (int i = order; i >= 1; i--)
        {
            BigInteger scale = hd * i * d;
            hn = scale + z * hn;
            hd = scale;
        }
        // Remainder bound 2 z^(order+1) / (d^(order+1) (order+1)!).
        BigInteger remainderN = 2 * BigInteger.Pow(z, order + 1), remainderD = BigInteger.Pow(d, order + 1) * Product(2, order + 1);
        BigInteger upperN = hn * remainderD + remainderN * hd, upperD = hd * remainderD;
        return n.Sign >= 0 ? (hn, hd, upperN, upperD) : (upperD, upperN, hd, hn);
    }
}
