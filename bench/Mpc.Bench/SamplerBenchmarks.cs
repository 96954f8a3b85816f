using System.Diagnostics;
using Mpc.Core;
using Mpc.Privacy;

namespace Mpc.Bench;

/// <summary>
/// Exact Skellam(mu) and Poisson(lambda) draws per second at 10^2, 10^4 and 10^6: the constant-cost rejection sampler
/// (<see cref="ExactNoiseSampler"/>) against the linear-cost chain sampler it replaced, interleaved in the same process.
/// </summary>
internal static class SamplerBenchmarks
{
    // Each measurement draws for about this long (at least one draw), so the slow sampler at 10^6 still gives a rate.
    private static readonly TimeSpan Slice = TimeSpan.FromSeconds(1);

    public static void Run(int repetitions)
    {
        double[] parameters = [1e2, 1e4, 1e6];
        using var random = new AesCtrRandom(new byte[AesCtrRandom.SeedLength]);
        var current = new ExactNoiseSampler(random);
        var linear = new LinearCostNoiseSampler(random);
        Console.WriteLine($"exact noise samplers, draws per second (median of {repetitions} slices of {Slice.TotalSeconds:F0} s, old and new interleaved)");
        Console.WriteLine("| draw | parameter | linear-cost (old) /s | rejection (new) /s | new / old |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, drawNew, drawOld) in new (string, Func<double, long>, Func<double, long>)[]
        {
            ("Skellam(mu)", mu => current.Skellam(mu), mu => linear.Skellam(mu)),
            ("Poisson(lambda)", l => current.Poisson((ulong)l, 1), l => linear.Poisson((ulong)l, 1)),
        })
        {
            foreach (double parameter in parameters)
            {
                var oldRates = new List<double>();
                var newRates = new List<double>();
                // A first slice each warms the JIT and the envelope's cache.
                for (int r = 0; r <= repetitions; r++)
                {
                    double oldRate = Rate(() => drawOld(parameter)), newRate = Rate(() => drawNew(parameter));
                    if (r == 0) continue;
                    oldRates.Add(oldRate);
                    newRates.Add(newRate);
                }
                double oldMedian = BenchData.Median(oldRates), newMedian = BenchData.Median(newRates);
                Console.WriteLine($"| {name} | {parameter:G3} | {oldMedian:F0} | {newMedian:F0} | {newMedian / oldMedian:F1}x |");
            }
        }
        Console.WriteLine();
    }

    private static double Rate(Func<long> draw)
    {
        long draws = 0, sink = 0;
        var watch = Stopwatch.StartNew();
        do
        {
            sink ^= draw();
            draws++;
        }
        while (watch.Elapsed < Slice);
        GC.KeepAlive(sink);
        return draws / watch.Elapsed.TotalSeconds;
    }
}
