using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

public class ArithmeticProtocolTests
{
    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task SharingThenOpeningReturnsTheInput(int parties) =>
        await Property.CheckAsync(nameof(SharingThenOpeningReturnsTheInput), 3, async (random, _) =>
        {
            var x = Property.Uniform(random, 50, -1e6, 1e6);
            var opened = await Parties.EvaluateAsync<ulong>(parties, x, (rt, s) => Task.FromResult(s));
            Parties.AssertWithin(x, opened, _ => FixedPointFormat.Ring64.Resolution, "open");
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task LocalLinearOperationsMatchClearText(int parties) =>
        await Property.CheckAsync(nameof(LocalLinearOperationsMatchClearText), 3, async (random, _) =>
        {
            var x = Property.Uniform(random, 40, -1e4, 1e4);
            var y = Property.Uniform(random, 40, -1e4, 1e4);
            var results = await LocalHarness.RunAsync<ulong, double[]>(parties, async rt =>
            {
                var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, 40, 1, 16);
                var sy = Input.Share(rt, parties - 1, rt.PartyIndex == parties - 1 ? y : null, 40, 1, 16);
                var combined = (sx + sy) * 3 - sy + 2.5;
                return await Opening.RevealRealAsync(rt, combined, "combined");
            });
            var expected = x.Zip(y, (a, b) => 3 * (a + b) - b + 2.5).ToArray();
            Parties.AssertWithin(expected, results[0], _ => 8 * FixedPointFormat.Ring64.Resolution, "linear");
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task IntegerMultiplicationIsExact(int parties) =>
        await Property.CheckAsync(nameof(IntegerMultiplicationIsExact), 3, async (random, _) =>
        {
            var x = Enumerable.Range(0, 64).Select(_ => (double)random.Next(-1_000_000, 1_000_000)).ToArray();
            var y = Enumerable.Range(0, 64).Select(_ => (double)random.Next(-1_000_000, 1_000_000)).ToArray();
            var results = await LocalHarness.RunAsync<ulong, double[]>(parties, async rt =>
            {
                var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, 64, 1, 0);
                var sy = Input.Share(rt, 1, rt.PartyIndex == 1 ? y : null, 64, 1, 0);
                return await Opening.RevealRealAsync(rt, await Multiplication.MultiplyAsync(rt, sx, sy), "product");
            });
            Assert.Equal(x.Zip(y, (a, b) => a * b).ToArray(), results[0]);
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task FixedPointMultiplicationIsWithinOneUnitPlusRounding(int parties) =>
        await Property.CheckAsync(nameof(FixedPointMultiplicationIsWithinOneUnitPlusRounding), 3, async (random, _) =>
        {
            var x = Property.Uniform(random, 200, -3e4, 3e4);
            var y = Property.Uniform(random, 200, -3e4, 3e4);
            var results = await LocalHarness.RunAsync<ulong, double[]>(parties, async rt =>
            {
                var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, 200, 1, 16);
                var sy = Input.Share(rt, 1, rt.PartyIndex == 1 ? y : null, 200, 1, 16);
                return await Opening.RevealRealAsync(rt, await Multiplication.MultiplyAsync(rt, sx, sy), "product");
            });
            // Encoding rounds x and y to 2^-17 each; the product adds (|x|+|y|) 2^-17 and truncation one unit 2^-16.
            double u = FixedPointFormat.Ring64.Resolution;
            var expected = x.Zip(y, (a, b) => a * b).ToArray();
            for (int i = 0; i < x.Length; i++)
                Assert.True(Math.Abs(expected[i] - results[0][i]) <= u + (Math.Abs(x[i]) + Math.Abs(y[i])) * u / 2 + 1e-9, $"element {i}: {expected[i]} vs {results[0][i]}");
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task MatrixProductMatchesClearText(int parties) =>
        await Property.CheckAsync(nameof(MatrixProductMatchesClearText), 2, async (random, _) =>
        {
            int n = 7, m = 5, p = 3;
            var a = Property.Uniform(random, n * m, -10, 10);
            var b = Property.Uniform(random, m * p, -10, 10);
            var results = await LocalHarness.RunAsync<ulong, double[]>(parties, async rt =>
            {
                var sa = Input.Share(rt, 0, rt.PartyIndex == 0 ? a : null, n, m, 16);
                var sb = Input.Share(rt, 1, rt.PartyIndex == 1 ? b : null, m, p, 16);
                var product = await Multiplication.MatrixMultiplyAsync(rt, sa, sb);
                Assert.Equal((n, p), (product.Rows, product.Columns));
                return await Opening.RevealRealAsync(rt, product, "product");
            });
            var expected = new double[n * p];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < p; j++)
                    for (int l = 0; l < m; l++)
                        expected[i * p + j] += a[i * m + l] * b[l * p + j];
            Parties.AssertWithin(expected, results[0], _ => 1e-3, "matrix product");
        });

    public static IEnumerable<object[]> PrivateProductCases() =>
        from parties in Parties.Counts from mode in new[] { "ot", "dealer" } select new object[] { parties, mode };

    [Theory]
    [MemberData(nameof(PrivateProductCases))]
    public async Task PrivateMatrixProductMatchesClearTextInBothRings(int parties, string mode) =>
        await Property.CheckAsync(nameof(PrivateMatrixProductMatchesClearTextInBothRings), 1, async (random, _) =>
        {
            // The last party owns L (n x m); y (m x p) is a secret input of party 0; one owner has an empty matrix.
            int n = 9, m = 4, p = 2, owner = parties - 1;
            var l = Property.Uniform(random, n * m, -50, 50);
            var y = Property.Uniform(random, m * p, -3, 3);
            var expected = new double[n * p];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < p; j++)
                    for (int k = 0; k < m; k++)
                        expected[i * p + j] += l[i * m + k] * y[k * p + j];
            var options = new LocalHarnessOptions { Preprocessing = PreprocessingEngines.Parse(mode) };
            var small = await LocalHarness.RunAsync<ulong, double[]>(parties, async rt =>
            {
                var secret = Input.Share(rt, 0, rt.PartyIndex == 0 ? y : null, m, p, 16);
                var product = await Multiplication.PrivateMatrixMultiplyAsync(rt, owner, rt.PartyIndex == owner ? l : null, n, secret);
                var empty = await Multiplication.PrivateMatrixMultiplyAsync(rt, 0, rt.PartyIndex == 0 ? [] : null, 0, secret);
                Assert.Equal((n, p, 0), (product.Rows, product.Columns, empty.Length));
                return await Opening.RevealRealAsync(rt, product, "product");
            }, options);
            Parties.AssertWithin(expected, small[0], _ => 1e-2, "Z_2^64 private product");
            var large = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
            {
                var secret = Input.Share(rt, 0, rt.PartyIndex == 0 ? y : null, m, p, 40);
                var product = await Multiplication.PrivateMatrixMultiplyAsync(rt, owner, rt.PartyIndex == owner ? l : null, n, secret);
                return await Opening.RevealRealAsync(rt, product, "product");
            }, options);
            Parties.AssertWithin(expected, large[0], _ => 1e-9, "Z_2^128 private product");
        });

    [Theory]
    [MemberData(nameof(PrivateProductCases))]
    public async Task PrivateMatrixProductOfSmallValuesMatchesClearText(int parties, string mode) =>
        await Property.CheckAsync(nameof(PrivateMatrixProductOfSmallValuesMatchesClearText), 1, async (random, _) =>
        {
            // Weights in [0, 1/4] at 16 fractional bits (below 2^15 as integers), as the regression's Hessian uses them; the
            // negative one shows the product stays right even outside the bound (only the masking's margin shrinks).
            int n = 6, m = 5, owner = parties - 1;
            var l = Property.Uniform(random, n * m, -50, 50);
            var w = Property.Uniform(random, m, 0, 0.25);
            w[2] = -0.001;
            var expected = new double[n];
            for (int i = 0; i < n; i++)
                for (int k = 0; k < m; k++) expected[i] += l[i * m + k] * w[k];
            var results = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
            {
                var secret = await Truncation.RescaleAsync(rt, Input.Share(rt, 0, rt.PartyIndex == 0 ? w : null, m, 1, 40), 16);
                var rows = Enumerable.Range(0, parties).Select(p => p == owner ? n : 0).ToArray();
                var product = await Multiplication.PrivateMatrixMultiplySmallEachAsync(rt, rt.PartyIndex == owner ? l : [], rows, [.. Enumerable.Repeat(secret, parties)], 15);
                return await Opening.RevealRealAsync(rt, product, "product");
            }, new LocalHarnessOptions { Preprocessing = PreprocessingEngines.Parse(mode) });
            Parties.AssertWithin(expected, results[0], _ => 5e-3, "product of small values");
        });

    [Theory]
    [MemberData(nameof(PrivateProductCases))]
    public async Task RowScaledPrivateProductIsAccurateForRowsOfEveryMagnitude(int parties, string mode) =>
        await Property.CheckAsync(nameof(RowScaledPrivateProductIsAccurateForRowsOfEveryMagnitude), 1, async (random, _) =>
        {
            // Every party owns 5 rows of 6 columns, row t of magnitude 10^(4t - 9) to 10^(4t - 7) (outer products of raw features
            // span such ranges); the weights are in [0, 1/4] at 16 fractional bits, exact, so only the method's own error shows.
            int n = 5, m = 6;
            var blocks = Enumerable.Range(0, parties).Select(_ =>
                Enumerable.Range(0, n * m).Select(i => (random.NextDouble() * 2 - 1) * Math.Pow(10, 4 * (i / m) - 9 + 2 * random.NextDouble())).ToArray()).ToArray();
            var weights = Enumerable.Range(0, parties).Select(_ =>
                Enumerable.Range(0, m).Select(_ => random.Next(0, 1 << 14) / 65536.0).ToArray()).ToArray();
            var results = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
            {
                var y = Enumerable.Range(0, parties).Select(p => Input.Share(rt, p, rt.PartyIndex == p ? weights[p] : null, m, 1, 16)).ToArray();
                var product = await Multiplication.PrivateMatrixMultiplyRowScaledEachAsync(rt, blocks[rt.PartyIndex], [.. Enumerable.Repeat(n, parties)], y, 15, 40);
                return await Opening.RevealRealAsync(rt, product, "product");
            }, new LocalHarnessOptions { Preprocessing = PreprocessingEngines.Parse(mode) });
            for (int p = 0; p < parties; p++)
                for (int t = 0; t < n; t++)
                {
                    double expected = 0, largest = 0;
                    for (int k = 0; k < m; k++)
                    {
                        expected += blocks[p][t * m + k] * weights[p][k];
                        largest = Math.Max(largest, Math.Abs(blocks[p][t * m + k]));
                    }
                    // Each scaled entry is rounded to 2^-40 of its row's 2^e (at least 1), times a weight below 1/4; the truncation in
                    // the lift adds up to one unit of 2^-40 per party, scaled back by 2^e.
                    double scale = Math.Max(2 * largest, 1);
                    double tolerance = (m * 0.25 * 0.5 + parties) * scale * Math.Pow(2, -40) + Math.Pow(2, -38);
                    Assert.True(Math.Abs(results[0][p * n + t] - expected) <= tolerance,
                        $"party {p} row {t}: {results[0][p * n + t]} vs {expected} (tolerance {tolerance:E2})");
                }
        });

    [Fact]
    public async Task RowScaledPrivateProductSendsShorterCorrectionsThanTheSmallProduct()
    {
        // The regression's Hessian shape at 3 parties: 496 rows (upper triangle of 31 columns) over 150 data rows each.
        int parties = 3, n = 496, m = 150;
        var random = new Random(Property.BaseSeed);
        var matrix = Property.Uniform(random, n * m, -1000, 1000);
        var weights = Property.Uniform(random, m, 0, 0.25);
        async Task<long> BytesAsync(bool rowScaled) => (await LocalHarness.RunAsync<UInt128, long>(parties, async rt =>
        {
            var y = Enumerable.Range(0, parties).Select(p => Input.Share(rt, p, rt.PartyIndex == p ? weights : null, m, 1, 16)).ToArray();
            var rows = Enumerable.Repeat(n, parties).ToArray();
            _ = rowScaled
                ? await Multiplication.PrivateMatrixMultiplyRowScaledEachAsync(rt, matrix, rows, y, 15, 40)
                : await Multiplication.PrivateMatrixMultiplySmallEachAsync(rt, matrix, rows, y, 15);
            return ((Mpc.Runtime.Preprocessing.OtPreprocessing<UInt128>)rt.Preprocessing).BytesSent;
        }, new LocalHarnessOptions { Preprocessing = Mpc.Runtime.PreprocessingMode.Ot }))[0];
        long small = await BytesAsync(false), scaled = await BytesAsync(true);
        // Corrections of 107 - l instead of 128 - l bits for l < 55 choice bits: about 0.79 of the bytes, plus the base OTs.
        Assert.True(scaled < 0.85 * small, $"row-scaled product sent {scaled:N0} bytes, the small product {small:N0}");
    }

    [Fact]
    public async Task PrivateMatrixProductRefusesAMatrixFromAPartyThatDoesNotOwnIt()
    {
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => LocalHarness.RunAsync<ulong, int>(2, async rt =>
        {
            var secret = Input.Share(rt, 0, rt.PartyIndex == 0 ? new[] { 1.0 } : null, 1, 1, 16);
            await Multiplication.PrivateMatrixMultiplyAsync(rt, 0, new[] { 2.0 }, 1, secret);
            return 0;
        }));
        Assert.Contains("Only the owner (party 0)", error.Message);
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task DotProductOfLongVectorsMatchesClearText(int parties)
    {
        var random = new Random(Property.BaseSeed);
        var x = Property.Uniform(random, 1000, -1, 1);
        var y = Property.Uniform(random, 1000, -1, 1);
        var results = await LocalHarness.RunAsync<ulong, double[]>(parties, async rt =>
        {
            var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, 1000, 1, 16);
            var sy = Input.Share(rt, 1, rt.PartyIndex == 1 ? y : null, 1000, 1, 16);
            return await Opening.RevealRealAsync(rt, await Multiplication.DotAsync(rt, sx, sy), "dot");
        });
        Assert.Equal(x.Zip(y, (a, b) => a * b).Sum(), results[0][0], 2e-3);
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task Ring128MultiplicationKeepsFortyFractionalBits(int parties) =>
        await Property.CheckAsync(nameof(Ring128MultiplicationKeepsFortyFractionalBits), 2, async (random, _) =>
        {
            var x = Property.Uniform(random, 100, -1e6, 1e6);
            var y = Property.LogUniform(random, 100, 1e-6, 1);
            var results = await LocalHarness.RunAsync<UInt128, double[]>(parties, async rt =>
            {
                var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, 100, 1, 40);
                var sy = Input.Share(rt, 1, rt.PartyIndex == 1 ? y : null, 100, 1, 40);
                return await Opening.RevealRealAsync(rt, await Multiplication.MultiplyAsync(rt, sx, sy), "product");
            });
            Parties.AssertWithin(x.Zip(y, (a, b) => a * b).ToArray(), results[0], e => 1e-6 * Math.Max(1, Math.Abs(e)), "Z_2^128 product");
        });

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task TruncationErrorIsAtMostOneUnitAndUnbiased(int parties)
    {
        // x = 0.3 + 2^-18 at 32 fractional bits, truncated to 16: the exact value lies between two units.
        int count = 4000;
        var x = Enumerable.Repeat(0.3 + Math.Pow(2, -18), count).ToArray();
        var results = await LocalHarness.RunAsync<ulong, double[]>(parties, async rt =>
        {
            var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, count, 1, 32);
            return await Opening.RevealRealAsync(rt, await Truncation.RescaleAsync(rt, sx, 16), "truncated");
        });
        double unit = Math.Pow(2, -16);
        double floor = Math.Floor(x[0] / unit) * unit;
        Assert.All(results[0], r => Assert.True(r == floor || r == floor + unit, $"{r} is neither {floor} nor {floor + unit}"));
        // Stochastic rounding: the mean approaches the exact value (fraction of a unit = 0.66 here).
        double mean = results[0].Average();
        Assert.InRange(mean, x[0] - 0.05 * unit, x[0] + 0.05 * unit);
    }

    [Fact]
    public async Task TruncationIsCorrectAtTheEndsOfItsRange()
    {
        // |x| just below 2^(k-2) at scale 32 and 0, -1 unit: the documented range of the masked truncation.
        double edge = Math.Pow(2, 62 - 32) - 1;
        var x = new[] { edge, -edge, 0, -Math.Pow(2, -32), Math.Pow(2, -32) };
        var results = await LocalHarness.RunAsync<ulong, double[]>(3, async rt =>
        {
            var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, x.Length, 1, 32);
            return await Opening.RevealRealAsync(rt, await Truncation.RescaleAsync(rt, sx, 16), "truncated");
        });
        Parties.AssertWithin(x, results[0], _ => Math.Pow(2, -16), "truncation at range ends");
    }

    [Fact]
    public async Task EmptyVectorsFlowThroughEveryOperation()
    {
        var results = await LocalHarness.RunAsync<ulong, int>(3, async rt =>
        {
            var empty = Input.Share(rt, 0, rt.PartyIndex == 0 ? [] : null, 0, 1, 16);
            var product = await Multiplication.MultiplyAsync(rt, empty, empty);
            var less = await Comparison.LessThanZeroAsync(rt, product);
            var equal = await Comparison.EqualsZeroAsync(rt, less);
            var opened = await Opening.RevealAsync(rt, equal, "empty");
            return opened.Length;
        });
        Assert.All(results, r => Assert.Equal(0, r));
    }

    [Theory]
    [MemberData(nameof(Parties.CountData), MemberType = typeof(Parties))]
    public async Task SumAcrossPartiesAddsEveryPartysVector(int parties)
    {
        var results = await LocalHarness.RunAsync<ulong, double[]>(parties, async rt =>
        {
            var local = Enumerable.Range(0, 10).Select(i => (double)(rt.PartyIndex * 100 + i)).ToArray();
            var sum = await Input.SumAcrossPartiesAsync(rt, local, 1, 0);
            return await Opening.RevealRealAsync(rt, sum, "sum");
        });
        var expected = Enumerable.Range(0, 10).Select(i => (double)Enumerable.Range(0, parties).Sum(p => p * 100 + i)).ToArray();
        Assert.Equal(expected, results[0]);
    }

    [Fact]
    public async Task RevealToOnePartyLeavesOthersWithNothing()
    {
        var results = await LocalHarness.RunAsync<ulong, double[]?>(3, async rt =>
        {
            var secret = Input.Share(rt, 0, rt.PartyIndex == 0 ? [42.0] : null, 1, 1, 0);
            var opened = await Opening.RevealToAsync(rt, secret, 2, "answer");
            return opened is null ? null : FixedPointFormat.Decode<ulong>(opened, 0);
        });
        Assert.Null(results[0]);
        Assert.Null(results[1]);
        Assert.Equal(new[] { 42.0 }, results[2]!);
    }
}
