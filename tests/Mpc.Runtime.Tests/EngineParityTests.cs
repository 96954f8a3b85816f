using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>
/// Every runtime protocol on both engines that run three parties (OT, any number of colluders; replicated, an honest majority)
/// against the clear text in Z_2^128 with f = 40: seeded property runs, a few elements each, so that both engines stay cheap.
/// </summary>
public class EngineParityTests
{
    [Theory]
    [InlineData(PreprocessingModes.Ot)]
    [InlineData(PreprocessingModes.Replicated)]
    public async Task EveryProtocolMatchesTheClearTextOnBothEnginesWithThreeParties(string engine)
    {
        var options = new LocalHarnessOptions { Preprocessing = PreprocessingEngines.Parse(engine) };
        await Property.CheckAsync("engine-parity-" + engine, 2, async (random, seed) =>
        {
            var x = Property.Uniform(random, 12, -50, 50);
            var y = Property.LogUniform(random, 12, 0.5, 40);
            var e = Property.Uniform(random, 12, -12, 12);
            var results = await LocalHarness.RunAsync<UInt128, double[][]>(3, async rt =>
            {
                int f = rt.Format.FractionalBits;
                var sx = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, x.Length, 1, f);
                var sy = Input.Share(rt, 1, rt.PartyIndex == 1 ? y : null, y.Length, 1, f);
                var se = Input.Share(rt, 2, rt.PartyIndex == 2 ? e : null, e.Length, 1, f);
                var outputs = new[]
                {
                    await Multiplication.MultiplyAsync(rt, sx, sy),
                    await Truncation.RescaleAsync(rt, sx, 20),
                    await Comparison.LessThanZeroAsync(rt, sx),
                    await Division.DivideAsync(rt, sx, sy),
                    await Sigmoid.ComputeAsync(rt, se),
                    await Exponential.ComputeAsync(rt, se),
                    await Logarithm.ComputeAsync(rt, sy),
                    await SquareRoot.ComputeAsync(rt, sy),
                    await PiecewiseSigmoid.ComputeAsync(rt, se),
                };
                var opened = new double[outputs.Length][];
                for (int o = 0; o < outputs.Length; o++) opened[o] = await Opening.RevealRealAsync(rt, outputs[o], "output");
                return opened;
            }, options);
            var r = results[0];
            for (int i = 0; i < x.Length; i++)
            {
                Check("product", x[i] * y[i], r[0][i], 1e-9);
                Check("truncation to 20 bits", x[i], r[1][i], Math.Pow(2, -19));
                Assert.True((x[i] < 0 ? 1.0 : 0.0) == r[2][i], $"seed {seed}: [{x[i]:R} < 0] = {r[2][i]}");
                Check("quotient", x[i] / y[i], r[3][i], 1e-9);
                Check("sigmoid", 1 / (1 + Math.Exp(-e[i])), r[4][i], 1e-9);
                Check("exp", Math.Exp(e[i]), r[5][i], 1e-9);
                Check("log", Math.Log(y[i]), r[6][i], 1e-9);
                Check("sqrt", Math.Sqrt(y[i]), r[7][i], 1e-9);
                Check("piecewise sigmoid", 1 / (1 + Math.Exp(-e[i])), r[8][i], PiecewiseSigmoid.ErrorBound);
            }

            void Check(string what, double expected, double actual, double relative) =>
                Assert.True(Math.Abs(actual - expected) <= relative * Math.Max(1, Math.Abs(expected)), $"seed {seed}, {engine}: {what} {actual:R}, expected {expected:R}");
        });
    }
}
