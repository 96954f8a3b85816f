using System.Collections.Concurrent;
using System.Numerics;

namespace Mpc.Privacy;

public sealed partial class ExactNoiseSampler
{
    // What one Poisson parameter a/b needs for every draw: the mode, the envelope's scale, the bound c and the bounds of the
    // parts of ln f(k) that depend on lambda only. Cached because callers draw many values at a few parameters.
    internal sealed class PoissonEnvelope
    {
        private static readonly ConcurrentDictionary<(ulong A, ulong B), PoissonEnvelope> Cache = new();

        private PoissonEnvelope(ulong a, ulong b)
        {
            A = a;
            B = b;
            M = (long)(a / b);
            T = (ulong)IntegerSqrt(M) + 1;
            C = Max(Max(LargestOnIntegers(RightBound, RightSeed(), long.MaxValue), LargestOnIntegers(LeftBound, (double)M / T + 0.5, M)), (0, 1));
            (CLow, CHigh) = FixedBounds(C.Numerator, C.Denominator);
            // ln(lambda / m) = 2 atanh((a - b m) / (a + b m)), and the argument is below 1/(2m+1).
            var bm = (BigInteger)b * M;
            (LogRatioLow, LogRatioHigh) = AtanhBounds(a - bm, a + bm);
            (StirlingMLow64, StirlingMHigh64) = StirlingRemainderQ64(M);
            // The same bounds in 64-bit fixed point for the 128-bit bounds of each draw: floor of the lower, ceiling of the upper.
            LogRatioLow64 = (Int128)(LogRatioLow >> (Precision - 64));
            LogRatioHigh64 = (Int128)CeilingShift(LogRatioHigh, Precision - 64);
            CLow64 = (Int128)(CLow >> (Precision - 64));
            CHigh64 = (Int128)CeilingShift(CHigh, Precision - 64);
        }

        public ulong A { get; }

        public ulong B { get; }

        /// <summary>The mode floor(lambda), where f = 1.</summary>
        public long M { get; }

        /// <summary>The discrete Laplace scale, floor(sqrt m) + 1 as Canonne-Kamath-Steinke take for the Gaussian.</summary>
        public ulong T { get; }

        /// <summary>An exact rational upper bound on ln f(m+x) + |x|/t over all integers x.</summary>
        public (BigInteger Numerator, BigInteger Denominator) C { get; }

        public BigInteger CLow { get; }

        public BigInteger CHigh { get; }

        /// <summary>Bounds on atanh((lambda - m)/(lambda + m)) = ln(lambda/m) / 2, fixed point.</summary>
        public BigInteger LogRatioLow { get; }

        public BigInteger LogRatioHigh { get; }

        /// <summary>Bounds on Stirling's remainder S(m) = ln m! - ((m + 1/2) ln m - m + ln(2 pi)/2), 64-bit fixed point.</summary>
        public Int128 StirlingMLow64 { get; }

        public Int128 StirlingMHigh64 { get; }

        public Int128 LogRatioLow64 { get; }

        public Int128 LogRatioHigh64 { get; }

        public Int128 CLow64 { get; }

        public Int128 CHigh64 { get; }

        public static PoissonEnvelope For(ulong a, ulong b)
        {
            // A bounded cache: a caller cycling through many parameters only pays the setup again.
            if (Cache.Count > 4096) Cache.Clear();
            return Cache.GetOrAdd((a, b), key => new PoissonEnvelope(key.A, key.B));
        }

        // x/t - x(x-1) / (2(m+x)) for x >= 0: the bound on ln f(m+x) + x/t, concave in x.
        private (BigInteger, BigInteger) RightBound(long x)
        {
            BigInteger bx = x, mx = M + bx;
            return (2 * bx * mx - T * bx * (bx - 1), 2 * (BigInteger)T * mx);
        }

        // y/t - y(y-1) / (2m) for 0 <= y <= m: the bound on ln f(m-y) + y/t, concave in y.
        private (BigInteger, BigInteger) LeftBound(long y)
        {
            BigInteger by = y;
            return (2 * by * M - T * by * (by - 1), 2 * (BigInteger)T * M);
        }

        // Where x/t - x(x-1)/(2(m+x)) peaks on the reals: (m+x)^2 = m(m+1) t / (t-2). Only a starting point for the exact walk.
        private double RightSeed() => Math.Sqrt((double)M * (M + 1) * T / (T - 2.0)) - M;

        // The largest value of a concave rational function on the integers 0..limit, walking from near its peak with exact comparisons.
        private static (BigInteger, BigInteger) LargestOnIntegers(Func<long, (BigInteger, BigInteger)> bound, double seed, long limit)
        {
            long x = Math.Clamp((long)Math.Round(seed), 0, limit);
            while (x < limit && Less(bound(x), bound(x + 1))) x++;
            while (x > 0 && Less(bound(x), bound(x - 1))) x--;
            return bound(x);
        }
    }

    private static bool Less((BigInteger Numerator, BigInteger Denominator) p, (BigInteger Numerator, BigInteger Denominator) q) =>
        p.Numerator * q.Denominator < q.Numerator * p.Denominator;

    private static (BigInteger, BigInteger) Max((BigInteger, BigInteger) p, (BigInteger, BigInteger) q) => Less(p, q) ? q : p;

    private static long IntegerSqrt(long n)
    {
        long r = (long)Math.Sqrt(n);
        while (r * r > n) r--;
        while ((r + 1) * (r + 1) <= n) r++;
        return r;
    }
}
