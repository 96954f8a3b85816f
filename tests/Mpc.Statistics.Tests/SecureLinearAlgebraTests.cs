using MathNet.Numerics.LinearAlgebra;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Statistics.Tests;

public class SecureLinearAlgebraTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task TheFactorsRebuildTheMatrixAndTheSolveEqualsTheClearSolution(int parties)
    {
        // A random SPD matrix with a wide spread of pivots, and two right-hand sides.
        var random = new Random(20261123);
        int d = 7;
        var g = Matrix<double>.Build.Dense(d, d, (_, _) => random.NextDouble() - 0.5);
        var h = g * g.Transpose() + Matrix<double>.Build.DenseDiagonal(d, d, i => Math.Pow(10, i % 4 - 1));
        var b = Matrix<double>.Build.Dense(d, 2, (_, _) => 10 * random.NextDouble() - 5);
        var hValues = Enumerable.Range(0, d * d).Select(c => h[c / d, c % d]).ToArray();
        var bValues = Enumerable.Range(0, d * 2).Select(c => b[c / 2, c % 2]).ToArray();
        var results = await LocalHarness.RunAsync<UInt128, (double[] L, double[] InverseBlocks, double[] X, double[] Z)>(parties, async rt =>
        {
            var secretH = Input.Share(rt, 0, rt.PartyIndex == 0 ? hValues : null, d, d, 40);
            var secretB = Input.Share(rt, 1, rt.PartyIndex == 1 ? bValues : null, d, 2, 40);
            var (lower, inverseBlocks) = await SecureLinearAlgebra.FactorAsync(rt, secretH);
            var x = await SecureLinearAlgebra.SolveAsync(rt, lower, inverseBlocks, secretB);
            // Row by row, as for any unit lower triangular matrix.
            var z = await SecureLinearAlgebra.SolveLowerAsync(rt, lower, secretB);
            return (await Opening.RevealRealAsync(rt, lower, "l"), await Opening.RevealRealAsync(rt, inverseBlocks, "d"), await Opening.RevealRealAsync(rt, x, "x"), await Opening.RevealRealAsync(rt, z, "z"));
        });
        var (l, inverseBlocks, solution, forward) = results[0];
        var lMatrix = Matrix<double>.Build.Dense(d, d, (i, k) => l[i * d + k]);
        var dMatrix = Matrix<double>.Build.Dense(d, d, (i, k) => inverseBlocks[i * d + k]).Inverse();
        // L is unit lower triangular with identity 2 x 2 blocks on its diagonal; D is block diagonal (2 x 2, then 1 x 1 as d is odd).
        for (int i = 0; i < d; i++)
            for (int k = 0; k < d; k++)
            {
                if (k > i || (k == i - 1 && i % 2 == 1)) Assert.Equal(0.0, l[i * d + k]);
                if (i / 2 != k / 2) Assert.Equal(0.0, inverseBlocks[i * d + k]);
            }
        var rebuilt = lMatrix * dMatrix * lMatrix.Transpose();
        // D comes back through its revealed inverse, so the check is relative to H's largest entry (about 100 here).
        double largest = h.Enumerate().Max(Math.Abs);
        Assert.True((rebuilt - h).Enumerate().Max(Math.Abs) < 1e-9 * largest, $"L D L' differs from H by {(rebuilt - h).Enumerate().Max(Math.Abs):E2} (largest entry {largest:G4})");
        var expected = h.Solve(b);
        for (int c = 0; c < d * 2; c++) Assert.True(Math.Abs(expected[c / 2, c % 2] - solution[c]) < 1e-7, $"x[{c / 2},{c % 2}] = {solution[c]:R}, expected {expected[c / 2, c % 2]:R}");
            var expectedForward = lMatrix.Solve(b);
        for (int c = 0; c < d * 2; c++) Assert.True(Math.Abs(expectedForward[c / 2, c % 2] - forward[c]) < 1e-7, $"z[{c / 2},{c % 2}] = {forward[c]:R}, expected {expectedForward[c / 2, c % 2]:R}");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task TheNewtonSchulzInverseEqualsTheClearInverseAndFallsBackOnlyWhenTheRefinementDiverges(int parties)
    {
        // A random SPD matrix whose diagonal spans four orders of magnitude (as a penalised Hessian's does).
        var random = new Random(20261206);
        int d = 6;
        var g = Matrix<double>.Build.Dense(d, d, (_, _) => random.NextDouble() - 0.5);
        var h = g * g.Transpose() + Matrix<double>.Build.DenseDiagonal(d, d, i => Math.Pow(10, i % 4 - 1));
        var inverse = h.Inverse();
        var hValues = Enumerable.Range(0, d * d).Select(c => h[c / d, c % d]).ToArray();
        // Starts for the refinement: 0.9 H^-1 (every eigenvalue of H X is 0.9: converges) and 2.5 H^-1 (1.5 away from 1: diverges).
        var near = Enumerable.Range(0, d * d).Select(c => 0.9 * inverse[c / d, c % d]).ToArray();
        var far = Enumerable.Range(0, d * d).Select(c => 2.5 * inverse[c / d, c % d]).ToArray();
        var fallback = Enumerable.Range(0, d * d).Select(c => c / d == c % d ? 1.0 / h[c / d, c / d] : 0.0).ToArray();
        var results = await LocalHarness.RunAsync<UInt128, (double[] Fresh, double[] Refined, double[] Diverged)>(parties, async rt =>
        {
            var secretH = Input.Share(rt, 0, rt.PartyIndex == 0 ? hValues : null, d, d, 40);
            var fresh = await SecureLinearAlgebra.InverseAsync(rt, secretH, 16);
            var fallbackSecret = Input.Public(rt, fallback, d, d, 40);
            var refined = await SecureLinearAlgebra.RefineOrFallBackAsync(rt, secretH, Input.Share(rt, 1, rt.PartyIndex == 1 ? near : null, d, d, 40), fallbackSecret, 4);
            var diverged = await SecureLinearAlgebra.RefineOrFallBackAsync(rt, secretH, Input.Share(rt, 1, rt.PartyIndex == 1 ? far : null, d, d, 40), fallbackSecret, 4);
            return (await Opening.RevealRealAsync(rt, fresh, "fresh"), await Opening.RevealRealAsync(rt, refined, "refined"), await Opening.RevealRealAsync(rt, diverged, "diverged"));
        });
        var (freshValues, refinedValues, divergedValues) = results[0];
        double largest = inverse.Enumerate().Max(Math.Abs);
        for (int c = 0; c < d * d; c++)
        {
            Assert.True(Math.Abs(freshValues[c] - inverse[c / d, c % d]) < 1e-6 * largest, $"fresh X[{c / d},{c % d}] = {freshValues[c]:R}, expected {inverse[c / d, c % d]:R}");
            Assert.True(Math.Abs(refinedValues[c] - inverse[c / d, c % d]) < 1e-9 * largest, $"refined X[{c / d},{c % d}] = {refinedValues[c]:R}, expected {inverse[c / d, c % d]:R}");
            Assert.Equal(fallback[c], divergedValues[c], 1e-9);
        }
    }
}
