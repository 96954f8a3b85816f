using Mpc.Core;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

public class NonLinearTests
{
    private static readonly FixedPointFormat F64 = FixedPointFormat.Ring64;
    private static readonly FixedPointFormat F128 = FixedPointFormat.Ring128;

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task ReciprocalIsAccurateForDenominatorsFromOneToAMillion(int parties) =>
        await Property.CheckAsync(nameof(ReciprocalIsAccurateForDenominatorsFromOneToAMillion), 2, async (random, _) =>
        {
            var x = Property.LogUniform(random, 60, 1, 1e6).Concat([1.0, 2.0, 3.0, 1e6, 999_999, 0.5]).ToArray();
            var r = await Parties.EvaluateAsync<ulong>(parties, x, Reciprocal.ComputeAsync);
            // Documented: relative 2^-(f-3) plus absolute 2^-f.
            Parties.AssertWithin(x.Select(v => 1 / v).ToArray(), r, e => e * Math.Pow(2, -13) + Math.Pow(2, -16), "reciprocal Z_2^64");
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task ReciprocalInRing128HasRelativeErrorBelowOneInAMillionUpToAMillion(int parties)
    {
        var x = Property.LogUniform(new Random(Property.BaseSeed), 40, 1, 1e6).Concat([1.0, 7.0, 1e6]).ToArray();
        var r = await Parties.EvaluateAsync<UInt128>(parties, x, Reciprocal.ComputeAsync, F128);
        Parties.AssertWithin(x.Select(v => 1 / v).ToArray(), r, e => e * Math.Pow(2, -37) + Math.Pow(2, -40), "reciprocal Z_2^128");
        Parties.AssertWithin(x.Select(v => 1 / v).ToArray(), r, e => e * 1e-6, "reciprocal relative 1e-6");
    }

    [Fact]
    public async Task ReciprocalWorksAtTheEndsOfItsRange()
    {
        double max = Reciprocal.MaximumInput(F64);
        var x = new[] { F64.Resolution, 2 * F64.Resolution, max * 0.999, max / 2 };
        var r = await Parties.EvaluateAsync<ulong>(3, x, Reciprocal.ComputeAsync);
        Parties.AssertWithin(x.Select(v => 1 / v).ToArray(), r, e => e * Math.Pow(2, -13) + Math.Pow(2, -16), "reciprocal range ends");
    }

    [Fact]
    public async Task ReciprocalOfIntegerCountsUpscalesThem()
    {
        var counts = new double[] { 1, 10, 228, 1_000_000 };
        var r = await Parties.EvaluateAsync<UInt128>(3, counts, Reciprocal.ComputeAsync, F128, scale: 0);
        Parties.AssertWithin(counts.Select(v => 1 / v).ToArray(), r, e => e * Math.Pow(2, -37) + Math.Pow(2, -40), "reciprocal of integers");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task DivisionIsAccurateToItsStatedErrorAtBothEndsOfItsRange(int parties)
    {
        // Z_2^128, f = 40: b in [2^-40, 2^45), |a| < 2^45, |a/b| < 2^40. The ends, a 2x2 chi-square's last division (over about
        // 10^8, where the reciprocal at scale f kept four digits: 13.51061 for 13.51117), and log-uniform cases between.
        double bMax = Reciprocal.MaximumInput(F128) * 0.999, bMin = 1.5 * F128.Resolution;
        var ends = new (double A, double B)[] { (1.0, bMin), (-1e-3, bMin), (3e13, bMax), (-2.5e-6, bMax), (13.51117 * 98_765_432.0, 98_765_432.0), (1e12, 1.0), (3e13, 70.0) };
        await Property.CheckAsync("division-range", 1, async (random, seed) =>
        {
            var between = Enumerable.Range(0, 40).Select(_ =>
            {
                double b = Property.LogUniform(random, 1, bMin, bMax)[0];
                double q = Math.Min(Math.Pow(2, 39), 3e13 / b) * (2 * random.NextDouble() - 1);
                return (A: q * b, B: b);
            });
            var cases = ends.Concat(between).ToArray();
            var a = cases.Select(c => c.A).ToArray();
            var b = cases.Select(c => c.B).ToArray();
            var results = await Harness.LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
            {
                var sa = Input.Share(rt, 0, rt.PartyIndex == 0 ? a : null, a.Length, 1, 40);
                var sb = Input.Share(rt, 1, rt.PartyIndex == 1 ? b : null, b.Length, 1, 40);
                return await Opening.RevealRealAsync(rt, await Division.DivideAsync(rt, sa, sb), "quotient");
            }, new Harness.LocalHarnessOptions { Format = F128 });
            // Documented: |a/b| 2^-(f-3) + 2^-f (1 + 1/b), with statistically masked truncations' N/2 units each; the inputs' own
            // encoding (a and b rounded to 2^-40) adds |a/b| 2^-40 / b relative.
            for (int i = 0; i < a.Length; i++)
            {
                double q = a[i] / b[i];
                double bound = Math.Abs(q) * (Math.Pow(2, -37) + Math.Pow(2, -40) / b[i]) + (parties / 2 + 1) * Math.Pow(2, -40) * (1 + 1 / b[i]);
                Assert.True(Math.Abs(results[0][i] - q) <= bound, $"seed {seed}, element {i}: {a[i]:R}/{b[i]:R} = {q:R}, got {results[0][i]:R}, bound {bound:E3}");
            }
        });
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task DivisionMatchesClearText(int parties)
    {
        var random = new Random(Property.BaseSeed + parties);
        var a = Property.Uniform(random, 30, -100, 100);
        var b = Property.LogUniform(random, 30, 1, 1e4);
        var results = await Harness.LocalHarness.RunAsync<ulong, double[]>(parties, async rt =>
        {
            var sa = Input.Share(rt, 0, rt.PartyIndex == 0 ? a : null, 30, 1, 16);
            var sb = Input.Share(rt, 1, rt.PartyIndex == 1 ? b : null, 30, 1, 16);
            return await Opening.RevealRealAsync(rt, await Division.DivideAsync(rt, sa, sb), "quotient");
        });
        // Documented: |a/b| 2^-(f-3) + 2^-f (1 + 1/b).
        for (int i = 0; i < a.Length; i++)
        {
            double q = a[i] / b[i];
            double bound = Math.Abs(q) * Math.Pow(2, -13) + Math.Pow(2, -16) * (1 + 1 / b[i]);
            Assert.True(Math.Abs(results[0][i] - q) <= bound, $"division element {i}: {a[i]}/{b[i]} = {q}, got {results[0][i]}, bound {bound:E3}");
        }
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task ExponentialIsAccurateOverItsRange(int parties)
    {
        var (low, high) = Exponential.InputRange(F64);
        var random = new Random(Property.BaseSeed + parties);
        var x = Property.Uniform(random, 60, low, high).Concat([low, low + 1e-3, 0, 1, -1, high - 1e-3, 10.5]).ToArray();
        var r = await Parties.EvaluateAsync<ulong>(parties, x, Exponential.ComputeAsync);
        Parties.AssertWithin(x.Select(Math.Exp).ToArray(), r, e => e >= 1 ? e * Math.Pow(2, -12) : Math.Pow(2, -13), "exp Z_2^64");
    }

    [Fact]
    public async Task ExponentialInRing128IsAccurateOverItsRange()
    {
        var (low, high) = Exponential.InputRange(F128);
        var x = Property.Uniform(new Random(Property.BaseSeed), 30, low, high).Concat([low, 0, high - 1e-6, -5]).ToArray();
        var r = await Parties.EvaluateAsync<UInt128>(3, x, Exponential.ComputeAsync, F128);
        Parties.AssertWithin(x.Select(Math.Exp).ToArray(), r, e => e >= 1 ? e * Math.Pow(2, -36) : Math.Pow(2, -37), "exp Z_2^128");
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task LogarithmIsAccurateOverItsRange(int parties)
    {
        double high = Reciprocal.MaximumInput(F64);
        var random = new Random(Property.BaseSeed + parties);
        // Log-uniform over the whole range, and the ends and powers of two (where the normalisation switches).
        var x = Enumerable.Range(0, 60).Select(_ => Math.Pow(2, -16 + random.NextDouble() * (Math.Log2(high) + 16))).Concat([Math.Pow(2, -16), 0.5, 1, 2, 3, 1024, high * 0.999]).ToArray();
        var r = await Parties.EvaluateAsync<ulong>(parties, x, Logarithm.ComputeAsync);
        // Documented: (degree + 2) 2^-f with degree 6 for f = 16, for the input as encoded (small inputs keep few bits).
        Parties.AssertWithin(x.Select(v => Math.Log(Math.Round(v * 65536) / 65536)).ToArray(), r, _ => 8 * Math.Pow(2, -16), "ln Z_2^64");
    }

    [Fact]
    public async Task LogarithmInRing128OfCountsInAKnownRangeIsAccurateToTenDigits()
    {
        // Cell counts plus 0.5, as log odds ratios take them, compared only against the powers of two up to 2^20.
        var random = new Random(Property.BaseSeed);
        var x = Enumerable.Range(0, 40).Select(_ => random.Next(0, 1_000_000) + 0.5).Concat([0.5, 1.5, 2, 1_000_000.5]).ToArray();
        var r = await Parties.EvaluateAsync<UInt128>(3, x, (rt, s) => Logarithm.ComputeAsync(rt, s, 0.5, 1_000_000.5), F128);
        Parties.AssertWithin(x.Select(v => Math.Log(v)).ToArray(), r, _ => 1e-10, "ln Z_2^128");
        Assert.Equal((15, 6), (Logarithm.MantissaPolynomial(40).Length - 1, Logarithm.MantissaPolynomial(16).Length - 1));
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task LogarithmOfIntegersWithinAStatedBoundDecomposesOnlyTheirBitsAndIsAccurate(int parties)
    {
        // Products of odd cell counts (2n + 1)(2m + 1) at scale 0, as the log odds ratios take them: up to 1001^2 here, so 20 bits
        // are decomposed; the ends, powers of two and their neighbours (where the leading bit moves), and log-uniform values between.
        const double maximum = 1001.0 * 1001.0;
        int seed = Property.BaseSeed + parties;
        var random = new Random(seed);
        var x = Enumerable.Range(0, 40).Select(_ => Math.Floor(Math.Pow(maximum, random.NextDouble())))
            .Concat([1, 2, 3, 1023, 1024, 1025, (1 << 19) - 1, 1 << 19, maximum - 1, maximum]).ToArray();
        var r = await Parties.EvaluateAsync<UInt128>(parties, x, (rt, s) => Logarithm.ComputeAsync(rt, s, 1, maximum), F128, scale: 0);
        Parties.AssertWithin(x.Select(v => Math.Log(v)).ToArray(), r, _ => 1e-10, $"ln of integers at scale 0, seed {seed}");
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task SigmoidIsAccurateEverywhere(int parties)
    {
        var random = new Random(Property.BaseSeed + parties);
        var x = Property.Uniform(random, 60, -30, 30).Concat([0, 1e-4, -1e-4, 50, -50, 1000, -1000, 1e5, -1e5]).ToArray();
        var r = await Parties.EvaluateAsync<ulong>(parties, x, Sigmoid.ComputeAsync);
        Parties.AssertWithin(x.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), r, _ => Math.Pow(2, -12), "sigmoid");
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task ThePiecewiseSigmoidStaysWithinItsStatedBoundOfTheExactOneEverywhere(int parties) =>
        await Property.CheckAsync(nameof(ThePiecewiseSigmoidStaysWithinItsStatedBoundOfTheExactOneEverywhere) + parties, 2, async (random, _) =>
        {
            // Uniform inside and around the range, every piece's two ends (and just inside them), and far outside it.
            var ends = Enumerable.Range(0, PiecewiseSigmoid.Pieces + 1).Select(q => -15.0 + 2 * q).SelectMany(b => new[] { b, b - 1e-9, b + 1e-9 });
            var x = Property.Uniform(random, 80, -20, 20).Concat(ends).Concat([0, 40, -40, 1e6, -1e6, 1e12, -1e12]).ToArray();
            var r = await Parties.EvaluateAsync<UInt128>(parties, x, PiecewiseSigmoid.ComputeAsync, F128);
            Parties.AssertWithin(x.Select(v => 1 / (1 + Math.Exp(-v))).ToArray(), r, _ => PiecewiseSigmoid.ErrorBound, "piecewise sigmoid");
        });

    [Fact]
    public void ThePiecewiseSigmoidsInterpolantsMeetTheirTargetBetweenTheNodes()
    {
        var (table, bound) = PiecewiseSigmoid.Table(40);
        Assert.Equal(PiecewiseSigmoid.Pieces + 2, table.Length);
        Assert.True(bound < 2, $"bound {bound}");
        for (int q = 1; q <= PiecewiseSigmoid.Pieces; q++)
            for (int g = 0; g <= 1000; g++)
            {
                double u = -1 + g / 500.0, centre = -14 + 2 * (q - 1), value = 0;
                for (int j = table[q].Length - 1; j >= 0; j--) value = value * u + table[q][j];
                Assert.True(Math.Abs(value - 1 / (1 + Math.Exp(-(centre + u)))) < Math.Pow(2, -26), $"piece {q} at u = {u}");
            }
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task SquareRootIsAccurateOverItsRange(int parties)
    {
        double max = Reciprocal.MaximumInput(F64);
        var random = new Random(Property.BaseSeed + parties);
        var x = Property.LogUniform(random, 60, 1e-4, 1e8).Concat([0, F64.Resolution, 0.25, 1, 2, 1e6, max * 0.999]).ToArray();
        var r = await Parties.EvaluateAsync<ulong>(parties, x, SquareRoot.ComputeAsync);
        // Compare with the root of the encoded input: below 1e-3 the input's own rounding (2^-17) dominates.
        var encoded = FixedPointFormat.Decode<ulong>(F64.Encode<ulong>(x), 16);
        Parties.AssertWithin(encoded.Select(Math.Sqrt).ToArray(), r, e => e * Math.Pow(2, -12) + Math.Pow(2, -15), "sqrt");
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task ReciprocalOfCountsInAKnownRangeIsAsAccurateWithFewerComparisons(int parties)
    {
        var counts = new double[] { 0, 1, 2, 3, 227, 228, 1000, 65535, 65536, 999_999, 1_000_000 };
        var ranged = await Parties.EvaluateAsync<UInt128>(parties, counts, (rt, x) => Reciprocal.ComputeAsync(rt, x, 1, 1e6), F128, scale: 0);
        var expected = counts.Select(c => c == 0 ? 0 : 1 / c).ToArray();
        Parties.AssertWithin(expected, ranged, e => e * Math.Pow(2, -37) + Math.Pow(2, -40), "reciprocal of counts in [1, 1e6]");
    }
}
