using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>
/// Owners' matrices prepared once and multiplied by several secrets: every product equals the clear product of the stacked
/// matrices, on the resharing engine and on the dealer's, and with resharing the preparation sends each owner's rows once.
/// </summary>
public class PreparedMatrixTests
{
    [Theory]
    [InlineData(PreprocessingMode.Replicated)]
    [InlineData(PreprocessingMode.Dealer)]
    public async Task ProductsOfAPreparedStackOfOwnersMatricesEqualTheClearProducts(PreprocessingMode mode)
    {
        await Property.CheckAsync(nameof(ProductsOfAPreparedStackOfOwnersMatricesEqualTheClearProducts), 3, async (random, seed) =>
        {
            int columns = random.Next(1, 6);
            int[] rows = [random.Next(0, 7), random.Next(1, 7), random.Next(1, 7)];
            int n = rows.Sum();
            var blocks = rows.Select(r => Enumerable.Range(0, r * columns).Select(_ => Math.Round(random.NextDouble() * 200 - 100, 3)).ToArray()).ToArray();
            var stacked = blocks.SelectMany(b => b).ToArray();
            // Two right factors on the stack (n x columns) and one on its transpose, as the regression uses them.
            var right = Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, columns).Select(_ => random.NextDouble() * 4 - 2).ToArray()).ToArray();
            var weights = Enumerable.Range(0, n).Select(_ => random.NextDouble()).ToArray();
            var results = await LocalHarness.RunAsync<UInt128, (double[][] Products, double[] Transposed, long Sent)>(3, async rt =>
            {
                var prepared = await Multiplication.PrepareOwnedAsync(rt, blocks[rt.PartyIndex], rows, columns);
                long sent = rt.Statistics.BytesSent;
                var products = new double[2][];
                for (int k = 0; k < 2; k++)
                    products[k] = await Opening.RevealRealAsync(rt, await Multiplication.MatrixMultiplyPreparedAsync(rt, prepared, Input.Public(rt, right[k], columns, 1, 40)), "product");
                var transposed = await Opening.RevealRealAsync(rt, await Multiplication.MatrixMultiplyPreparedAsync(rt, prepared.Transpose(), Input.Public(rt, weights, n, 1, 40)), "transposed");
                return (products, transposed, sent);
            }, new LocalHarnessOptions { Format = FixedPointFormat.Ring128, Preprocessing = mode });
            for (int k = 0; k < 2; k++)
                for (int i = 0; i < n; i++)
                {
                    double expected = Enumerable.Range(0, columns).Sum(c => stacked[i * columns + c] * right[k][c]);
                    Assert.True(Math.Abs(results[0].Products[k][i] - expected) < 1e-9, $"seed {seed}, product {k}, row {i}: {results[0].Products[k][i]:R} vs {expected:R}");
                }
            for (int c = 0; c < columns; c++)
            {
                double expected = Enumerable.Range(0, n).Sum(i => stacked[i * columns + c] * weights[i]);
                Assert.True(Math.Abs(results[0].Transposed[c] - expected) < 1e-8, $"seed {seed}, transposed product, column {c}: {results[0].Transposed[c]:R} vs {expected:R}");
            }
            // With resharing each owner sends its own block (16 bytes an element) to one party; the dealer's shares are local.
            for (int p = 0; p < 3; p++)
                Assert.True(results[p].Sent == (mode == PreprocessingMode.Replicated ? 16L * rows[p] * columns : 0), $"seed {seed}, party {p} sent {results[p].Sent} bytes preparing");
        });
    }
}
