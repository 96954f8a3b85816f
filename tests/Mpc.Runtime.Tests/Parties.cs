using System.Numerics;
using Mpc.Core;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Runtime.Tests;

/// <summary>Shortcuts for running a secure function of public test inputs under the harness.</summary>
public static class Parties
{
    public static readonly int[] Counts = [2, 3, 5];

    public static IEnumerable<object[]> CountData() => Counts.Select(n => new object[] { n });

    /// <summary>
    /// Party 0 inputs x, the function runs on the secret, the result is revealed; checks every
    /// party got the same answer and returns it.
    /// </summary>
    public static async Task<double[]> EvaluateAsync<T>(int parties, double[] x, Func<MpcRuntime<T>, Secret<T>, Task<Secret<T>>> function, FixedPointFormat? format = null, int? scale = null)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var results = await LocalHarness.RunAsync<T, double[]>(parties, async rt =>
        {
            var secret = Input.Share(rt, 0, rt.PartyIndex == 0 ? x : null, x.Length, 1, scale ?? rt.Format.FractionalBits);
            var result = await function(rt, secret);
            return await Opening.RevealRealAsync(rt, result, "result");
        }, new LocalHarnessOptions { Format = format });
        foreach (var r in results) Assert.Equal(results[0], r);
        return results[0];
    }

    public static void AssertWithin(double[] expected, double[] actual, Func<double, double> tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = tolerance(expected[i]);
            if (!(Math.Abs(expected[i] - actual[i]) <= tol))
                Assert.Fail($"{what}: element {i}: expected {expected[i]:R}, got {actual[i]:R}, error {Math.Abs(expected[i] - actual[i]):E3} above {tol:E3}");
        }
    }
}
