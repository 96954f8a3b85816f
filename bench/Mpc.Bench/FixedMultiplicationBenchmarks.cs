using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using System.Numerics;
using Mpc.Core;
using Mpc.Runtime;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Preprocessing;
using Mpc.Runtime.Protocols;

namespace Mpc.Bench;

/// <summary>
/// Fixed-point multiplications (product and truncation by 16 bits, Z_2^64) among 3 parties in process, the workload of
/// MP-SPDZ's replicated-ring benchmark: the honest-majority engine with resharing products and assisted truncation pairs,
/// the same engine with Beaver products and truncation pairs from daBits (neither offered), and the OT engine, in the
/// same run; then the same count as integer
/// products, so the truncation's share of the time is the difference. Bytes are party 0's, online and preprocessing.
/// </summary>
internal static class FixedMultiplicationBenchmarks
{
    // The engines that make k daBits a truncation run at a tenth of the count: at 10^6 they need minutes and gigabytes.
    public static async Task RunAsync(int repetitions, int count)
    {
        int small = Math.Max(1, count / 10);
        var configurations = new (string Label, string Mode, bool HideAssisted, int Count)[]
        {
            ("replicated (resharing, assisted pairs)", PreprocessingModes.Replicated, false, count),
            ("replicated (resharing, assisted pairs)", PreprocessingModes.Replicated, false, small),
            ("replicated, Beaver and dealt pairs", PreprocessingModes.Replicated, true, small),
            ("ot", PreprocessingModes.Ot, false, small),
        };
        var random = new Random(5);
        var xs = Enumerable.Range(0, count).Select(_ => random.NextDouble() * 200 - 100).ToArray();
        var ys = Enumerable.Range(0, count).Select(_ => random.NextDouble() * 200 - 100).ToArray();
        Console.WriteLine($"| multiplications, 3 parties, in process | count | scale | s (median of {repetitions}) | vs replicated, same count | rounds | MB sent by party 0 (online + preprocessing) | largest error |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var assisted = new Dictionary<int, double>();
        foreach (var (label, mode, hideAssisted, n) in configurations)
        {
            foreach (int scale in new[] { 16, 0 })
            {
                var times = new List<double>();
                Run last = default;
                for (int r = 0; r <= repetitions; r++)
                {
                    last = await RunOnceAsync(mode, hideAssisted, xs[..n], ys[..n], scale);
                    if (r > 0) times.Add(last.Seconds);
                }
                double seconds = BenchData.Median(times);
                if (scale == 16 && !hideAssisted && mode == PreprocessingModes.Replicated) assisted[n] = seconds;
                double error = 0;
                for (int i = 0; i < n; i++) error = Math.Max(error, Math.Abs(last.Products[i] - (scale == 0 ? Math.Round(xs[i]) * Math.Round(ys[i]) : xs[i] * ys[i])));
                Console.WriteLine($"| {label} | {n:N0} | {(scale == 0 ? "integer" : "fixed, f = 16")} | {seconds:F3} | {seconds / assisted[n]:F2}x | {last.Rounds} | {last.Bytes / 1e6:F1} | {error:G3} |");
            }
        }
        Console.WriteLine();
        await OverTlsAsync(repetitions, count, small);
    }

    // The built-in multiplication-benchmark among three party daemons over loopback TLS (`mpc local`): protocol time
    // includes sharing the inputs, every preprocessing message and the output.
    private static async Task OverTlsAsync(int repetitions, int count, int small)
    {
        string directory = Directory.CreateTempSubdirectory("mpc-bench-fixed-").FullName;
        using var loggers = new NullLoggerFactory();
        // The load protocol reads no data; each party still names a (placeholder) dataset.
        var files = Enumerable.Range(0, 3).Select(p =>
        {
            string path = Path.Combine(directory, $"party{p}.csv");
            File.WriteAllText(path, "x\n1\n");
            return path;
        }).ToList();
        Console.WriteLine($"| multiplications, 3 daemons, loopback TLS | count | scale | protocol s (median of {repetitions}) | rounds | bytes sent (all parties, MB) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (mode, n) in new[] { (PreprocessingModes.Replicated, count), (PreprocessingModes.Replicated, small), (PreprocessingModes.Ot, small) })
        {
            foreach (int scale in new[] { 16, 0 })
            {
                var parameters = new Dictionary<string, string> { ["size"] = n.ToString(CultureInfo.InvariantCulture), ["scale"] = scale.ToString(CultureInfo.InvariantCulture) };
                var times = new List<double>();
                SessionResult? last = null;
                for (int r = 0; r <= repetitions; r++)
                {
                    last = await LocalFederation.RunAsync(ProtocolCatalog.BuiltIn.Get("multiplication-benchmark"), null, files, parameters, ProtocolCatalog.BuiltIn, loggers, null,
                        TimeSpan.FromSeconds(300), default, null, PreprocessingEngines.Parse(mode));
                    if (r > 0) times.Add(last.ProtocolSeconds);
                }
                Console.WriteLine($"| {mode} | {n:N0} | {(scale == 0 ? "integer" : "fixed, f = 16")} | {BenchData.Median(times):F3} | {last!.Rounds} | {last.BytesSent / 1e6:F1} |");
            }
        }
        Console.WriteLine();
        Directory.Delete(directory, true);
    }

    internal readonly record struct Run(double Seconds, long Rounds, long Bytes, double[] Products);

    // Party 0's wall time of the product alone (inputs shared before the clock starts), its rounds and bytes.
    internal static async Task<Run> RunOnceAsync(string mode, bool hideAssisted, double[] xs, double[] ys, int scale, int Parties = 3)
    {
        int count = xs.Length;
        var network = new InMemoryNetwork(Parties, TimeSpan.FromMinutes(10));
        var seeds = PairwiseSeeds.CreateForLocalParties(Parties);
        var secret = AesCtrRandom.NewSeed();
        var runtimes = Enumerable.Range(0, Parties).Select(i =>
        {
            var engine = PreprocessingModes.Create<ulong>(mode, network.GetChannel(i), seeds[i], i == 0 ? secret : DealerPreprocessing<ulong>.PartySeed(secret, i), default);
            return new MpcRuntime<ulong>(network.GetChannel(i), hideAssisted ? new WithoutAssistedTruncation<ulong>(engine) : engine, FixedPointFormat.Ring64, seeds[i], OpenRevealPolicy.Instance);
        }).ToArray();
        try
        {
            var runs = await Task.WhenAll(runtimes.Select(rt => Task.Run(async () =>
            {
                var a = Input.Share(rt, 0, rt.PartyIndex == 0 ? xs : null, count, 1, scale);
                var b = Input.Share(rt, 1, rt.PartyIndex == 1 ? ys : null, count, 1, scale);
                long rounds = rt.Statistics.Rounds, bytes = rt.Statistics.BytesSent + rt.Preprocessing.BytesSent;
                var watch = Stopwatch.StartNew();
                var product = await Multiplication.MultiplyAsync(rt, a, b);
                double seconds = watch.Elapsed.TotalSeconds;
                long used = rt.Statistics.BytesSent + rt.Preprocessing.BytesSent - bytes;
                rounds = rt.Statistics.Rounds - rounds;
                return new Run(seconds, rounds, used, await Opening.RevealRealAsync(rt, product, "product"));
            })));
            return runs[0];
        }
        finally
        {
            foreach (var rt in runtimes) rt.Dispose();
        }
    }

    // The engine without its assisted truncation and resharing, so the runtime uses Beaver products and dealt pairs.
    private sealed class WithoutAssistedTruncation<T>(IPreprocessing<T> inner) : IPreprocessing<T>, IDisposable
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        public string Mode => inner.Mode;

        public long BytesSent => inner.BytesSent;

        public ValueTask<BeaverTriples<T>> GetTriplesAsync(int count, CancellationToken cancellationToken) => inner.GetTriplesAsync(count, cancellationToken);

        public ValueTask<MatrixTriple<T>> GetMatrixTripleAsync(int rows, int inner1, int columns, CancellationToken cancellationToken) => inner.GetMatrixTripleAsync(rows, inner1, columns, cancellationToken);

        public ValueTask<BinaryTriples> GetBinaryTriplesAsync(int words, CancellationToken cancellationToken) => inner.GetBinaryTriplesAsync(words, cancellationToken);

        public ValueTask<TruncationPairs<T>> GetTruncationPairsAsync(int count, int shift, CancellationToken cancellationToken) => inner.GetTruncationPairsAsync(count, shift, cancellationToken);

        public ValueTask<MaskedBits<T>> GetMaskedBitsAsync(int count, CancellationToken cancellationToken) => inner.GetMaskedBitsAsync(count, cancellationToken);

        public ValueTask<DaBits<T>> GetDaBitsAsync(int count, CancellationToken cancellationToken) => inner.GetDaBitsAsync(count, cancellationToken);

        public void Dispose() => (inner as IDisposable)?.Dispose();
    }
}
