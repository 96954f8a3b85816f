namespace Mpc.Runtime.Tests;

/// <summary>
/// Seeded property runs: each case gets its own seed, and a failure reports it so the case can be
/// replayed with MPC_TEST_SEED=&lt;seed&gt;.
/// </summary>
public static class Property
{
    public static int BaseSeed { get; } = int.TryParse(Environment.GetEnvironmentVariable("MPC_TEST_SEED"), out var s) ? s : 20261123;

    public static async Task CheckAsync(string name, int cases, Func<Random, int, Task> body)
    {
        for (int c = 0; c < cases; c++)
        {
            int seed = unchecked(BaseSeed + c * 7919 + name.GetHashCode(StringComparison.Ordinal) % 1000);
            try
            {
                await body(new Random(seed), seed);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"Property '{name}' failed for seed {seed} (replay with MPC_TEST_SEED={seed} and cases=1): {e.Message}\n{e}");
            }
        }
    }

    public static double[] Uniform(Random random, int count, double low, double high) =>
        Enumerable.Range(0, count).Select(_ => low + (high - low) * random.NextDouble()).ToArray();

    /// <summary>Log-uniform positives in [low, high]: every order of magnitude equally represented.</summary>
    public static double[] LogUniform(Random random, int count, double low, double high) =>
        Enumerable.Range(0, count).Select(_ => Math.Exp(Math.Log(low) + (Math.Log(high) - Math.Log(low)) * random.NextDouble())).ToArray();
}
