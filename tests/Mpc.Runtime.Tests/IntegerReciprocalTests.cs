using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>Reciprocals of bounded integer counts (the logrank's 1/(n(n - 1))) against the exact value.</summary>
public class IntegerReciprocalTests
{
    private static readonly FixedPointFormat F128 = FixedPointFormat.Ring128;

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task CountsBelowTwoToTheTwentyFourHaveTheirExactReciprocalWithinTheStatedError(int parties) =>
        await Property.CheckAsync(nameof(CountsBelowTwoToTheTwentyFourHaveTheirExactReciprocalWithinTheStatedError), 2, async (random, seed) =>
        {
            const int bits = 25;
            // Log-uniform counts, every power of two and its neighbours (where the normalisation switches), the ends, 0 and -1.
            var counts = Enumerable.Range(0, 60).Select(_ => Math.Floor(Math.Exp(random.NextDouble() * Math.Log(1 << 24))))
                .Concat(Enumerable.Range(0, 24).SelectMany(j => new[] { Math.Pow(2, j), Math.Pow(2, j) + 1, Math.Pow(2, j + 1) - 1 }))
                .Concat([0.0, 1.0, 2.0, 3.0, 228.0, (1 << 24) - 1, -1.0]).ToArray();
            var r = await Parties.EvaluateAsync<UInt128>(parties, counts, (rt, x) => Reciprocal.ComputeIntegerAsync(rt, x, bits, 1e-8), F128, scale: 0);
            // Stated: relative 1e-8 plus (steps + 1) N/2 units of 2^-40 relative to 1/y (y in [0.5, 1)), absolute N/2 units.
            double units = Math.Pow(2, -40) * (parties / 2 + 1);
            for (int i = 0; i < counts.Length; i++)
            {
                double exact = counts[i] switch { 0 => 0, -1 => 1 / (Math.Pow(2, bits) - 1), var n => 1 / n };
                double bound = exact * (1e-8 + 2 * (Reciprocal.GoldschmidtSteps(1e-8) + 1) * units) + units;
                Assert.True(Math.Abs(r[i] - exact) <= bound, $"seed {seed}, 1/{counts[i]} = {exact:R}, got {r[i]:R}, error {Math.Abs(r[i] - exact):E3} above {bound:E3}");
            }
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task TheWideReciprocalOfIntegersBelowTwoToTheThirtyEightKeepsItsRelativeErrorAndMarksThePositiveOnes(int parties) =>
        await Property.CheckAsync(nameof(TheWideReciprocalOfIntegersBelowTwoToTheThirtyEightKeepsItsRelativeErrorAndMarksThePositiveOnes), 2, async (random, seed) =>
        {
            const int bits = 39;
            // Log-uniform values up to 2^38 (n(n - 1) of at-risk counts below 2^19), powers of two and their neighbours, 0 and 1.
            var values = Enumerable.Range(0, 60).Select(_ => Math.Floor(Math.Exp(random.NextDouble() * Math.Log(Math.Pow(2, 38)))))
                .Concat(Enumerable.Range(0, 38).SelectMany(j => new[] { Math.Pow(2, j), Math.Pow(2, j) + 1, Math.Pow(2, j + 1) - 1 }))
                .Concat([0.0, 1.0, 2.0, 228.0 * 227.0, 524287.0 * 524286.0]).ToArray();
            var opened = await Parties.EvaluateAsync<UInt128>(parties, values, async (rt, x) =>
            {
                var (r, positive) = await Reciprocal.ComputeIntegerWideAsync(rt, x, bits, 1e-8);
                Assert.Equal(2 * rt.Format.FractionalBits, r.Scale);
                return Secret<UInt128>.Concatenate([r, positive]);
            }, F128, scale: 0);
            // Relative 1e-8 plus (steps + 1) N/2 units of 2^-40 relative to 1/y; no truncation after the last product (2^-80 units).
            double units = Math.Pow(2, -40) * (parties / 2 + 1);
            for (int i = 0; i < values.Length; i++)
            {
                double exact = values[i] == 0 ? 0 : 1 / values[i];
                double bound = exact * (1e-8 + 2 * (Reciprocal.GoldschmidtSteps(1e-8) + 1) * units) + Math.Pow(2, -78);
                Assert.True(Math.Abs(opened[i] - exact) <= bound, $"seed {seed}, 1/{values[i]} = {exact:R}, got {opened[i]:R}, error {Math.Abs(opened[i] - exact):E3} above {bound:E3}");
                Assert.Equal(values[i] >= 1 ? 1.0 : 0.0, opened[values.Length + i]);
            }
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task BoundedFixedPointValuesFromTwoToTheMinusTwentyToTheBoundHaveTheirReciprocalWithinTheStatedError(int parties) =>
        await Property.CheckAsync(nameof(BoundedFixedPointValuesFromTwoToTheMinusTwentyToTheBoundHaveTheirReciprocalWithinTheStatedError), 2, async (random, seed) =>
        {
            const double maximum = 1 << 17;
            // Log-uniform in [2^-20, 2^17) (a variance: the logrank's pivots), powers of two, values just below the bound, and 0.
            var values = Enumerable.Range(0, 40).Select(_ => Math.Exp(Math.Log(Math.Pow(2, -20)) + random.NextDouble() * Math.Log(Math.Pow(2, 37))))
                .Concat(Enumerable.Range(-20, 37).Select(j => Math.Pow(2, j))).Concat([maximum - 1e-3, 3.0, 0.0]).ToArray();
            var r = await Parties.EvaluateAsync<UInt128>(parties, values, (rt, x) => Reciprocal.ComputeBoundedAsync(rt, x, maximum, 1e-8), F128);
            // The input is rounded to 2^-40; then relative 1e-8 plus (steps + 1) N/2 units of 2^-40 relative to 1/y, and the last truncation's unit.
            double units = Math.Pow(2, -40) * (parties / 2 + 1);
            for (int i = 0; i < values.Length; i++)
            {
                double encoded = Math.Round(values[i] * Math.Pow(2, 40)) / Math.Pow(2, 40);
                double exact = encoded == 0 ? 0 : 1 / encoded;
                double bound = exact * (1e-8 + 2 * (Reciprocal.GoldschmidtSteps(1e-8) + 1) * units) + Math.Pow(2, -39);
                Assert.True(Math.Abs(r[i] - exact) <= bound, $"seed {seed}, 1/{values[i]:R} = {exact:R}, got {r[i]:R}, error {Math.Abs(r[i] - exact):E3} above {bound:E3}");
            }
        });

    [Fact]
    public async Task TheBoundedReciprocalForecastsExactlyThePreprocessingItTakesOnTheOtEngine()
    {
        const double maximum = 1 << 17;
        var values = Enumerable.Range(1, 50).Select(i => i * 0.37).ToArray();
        var usage = await LocalHarness.RunAsync<UInt128, IReadOnlyList<PreprocessingUsage>>(3, async rt =>
        {
            var x = Input.Share(rt, 0, rt.PartyIndex == 0 ? values : null, values.Length, 1, rt.Format.FractionalBits);
            var r = await Reciprocal.ComputeBoundedAsync(rt, x, maximum, 1e-8);
            await Opening.RevealRealAsync(rt, r, "result");
            return ((OtPreprocessing<UInt128>)rt.Preprocessing).Usage;
        }, new LocalHarnessOptions { Format = F128, Preprocessing = PreprocessingMode.Ot });
        var items = usage[0].ToDictionary(u => u.Item);
        int bits = Reciprocal.BoundedBits(40, maximum);
        Assert.Equal(Reciprocal.IntegerTriples(values.Length, 1e-8), items["triples, Z_2^128"].Taken);
        Assert.Equal(Reciprocal.IntegerBinaryWords(values.Length, bits), items["AND triples (64-bit words)"].Taken);
        Assert.Equal(Reciprocal.IntegerDaBits(values.Length, bits) + 128 * Reciprocal.BoundedTruncationPairs(values.Length), items["daBits, Z_2^128"].Taken);
        // Nothing made in vain beyond the pools' granularity (triples and AND words come in 2s, daBits in 128s).
        Assert.InRange(items["triples, Z_2^128"].Produced - items["triples, Z_2^128"].Taken, 0, 1);
        Assert.InRange(items["AND triples (64-bit words)"].Produced - items["AND triples (64-bit words)"].Taken, 0, 1);
        Assert.InRange(items["daBits, Z_2^128"].Produced - items["daBits, Z_2^128"].Taken, 0, 127);
    }

    [Theory]
    [InlineData(3, 100)]
    [InlineData(3, 2046)]
    [InlineData(2, 128)]
    public async Task TheReciprocalForecastsExactlyThePreprocessingItTakesOnTheOtEngine(int parties, int count)
    {
        const int bits = 25;
        var counts = Enumerable.Range(0, count).Select(i => (double)(i * 7919 % 300)).ToArray();
        var usage = await LocalHarness.RunAsync<UInt128, IReadOnlyList<PreprocessingUsage>>(parties, async rt =>
        {
            var x = Input.Share(rt, 0, rt.PartyIndex == 0 ? counts : null, count, 1, 0);
            var r = await Reciprocal.ComputeIntegerAsync(rt, x, bits, 1e-8);
            await Opening.RevealRealAsync(rt, r, "result");
            return ((OtPreprocessing<UInt128>)rt.Preprocessing).Usage;
        }, new LocalHarnessOptions { Format = F128, Preprocessing = PreprocessingMode.Ot });
        var items = usage[0].ToDictionary(u => u.Item);
        Assert.Equal(Reciprocal.IntegerTriples(count, 1e-8), items["triples, Z_2^128"].Taken);
        Assert.Equal(Reciprocal.IntegerBinaryWords(count, bits), items["AND triples (64-bit words)"].Taken);
        Assert.Equal(Reciprocal.IntegerDaBits(count, bits), items["daBits, Z_2^128"].Taken);
        // What was forecast is what was taken: nothing made in vain (daBits come in 128s).
        Assert.Equal(items["triples, Z_2^128"].Taken, items["triples, Z_2^128"].Produced);
        Assert.Equal(items["AND triples (64-bit words)"].Taken, items["AND triples (64-bit words)"].Produced);
        Assert.InRange(items["daBits, Z_2^128"].Produced - items["daBits, Z_2^128"].Taken, 0, 127);
    }

    [Fact]
    public void ThreeGoldschmidtStepsReachOnePartInTenToTheEight()
    {
        Assert.Equal(3, Reciprocal.GoldschmidtSteps(1e-8));
        Assert.Equal(4, Reciprocal.GoldschmidtSteps(1e-12));
        Assert.Equal(1, Reciprocal.GoldschmidtSteps(0.008));
    }
}
