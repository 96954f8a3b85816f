using System.Diagnostics;
using Mpc.Runtime;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;

namespace Mpc.Bench;

/// <summary>
/// Beaver triples in Z_2^64 made by each engine among N parties in one process (in-memory channels, no TLS): seconds
/// for all parties together and bytes sent per triple per party (mean over parties), Shamir and OT in the same run.
/// OT makes a tenth of the triples at 8 or more parties (its cost per triple does not fall with the count); --engines picks engines.
/// </summary>
internal static class TripleGenerationBenchmarks
{
    public static async Task RunAsync(int repetitions, int count, IReadOnlyList<int> parties, IReadOnlyList<string>? engines = null)
    {
        Console.WriteLine("| triples in Z_2^64, in process | engine | triples | s (all parties) | bytes a triple a party |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int n in parties)
        {
            foreach (string engine in new[] { PreprocessingModes.Shamir, PreprocessingModes.Ot })
            {
                if (engines is not null && !engines.Contains(engine)) continue;
                int triples = engine == PreprocessingModes.Ot && n >= 8 ? Math.Max(1, count / 10) : count;
                var times = new List<double>();
                double perTriple = 0;
                for (int r = 0; r <= repetitions; r++)
                {
                    var network = new InMemoryNetwork(n, TimeSpan.FromMinutes(30));
                    var seeds = PairwiseSeeds.CreateForLocalParties(n);
                    var sources = Enumerable.Range(0, n).Select(i => PreprocessingModes.Create<ulong>(engine, network.GetChannel(i), seeds[i], default, default)).ToArray();
                    var watch = Stopwatch.StartNew();
                    await Task.WhenAll(sources.Select(s => Task.Run(async () => await s.GetTriplesAsync(triples, default))));
                    if (r > 0 || repetitions == 0) times.Add(watch.Elapsed.TotalSeconds);
                    perTriple = sources.Average(s => (double)s.BytesSent) / triples;
                    foreach (var s in sources) (s as IDisposable)?.Dispose();
                }
                Console.WriteLine(FormattableString.Invariant($"| {n} parties | {engine} | {triples:N0} | {BenchData.Median(times):F2} | {perTriple:F0} |"));
            }
        }
        Console.WriteLine();
    }
}
