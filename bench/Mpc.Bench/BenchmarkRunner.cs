using System.Diagnostics;

namespace Mpc.Bench;

/// <summary>
/// A small runner: each case runs a warm-up and then R timed repetitions, and is reported as the
/// median with its clear-text baseline run in the same process, and their ratio.
/// </summary>
public sealed class BenchmarkRunner(int repetitions)
{
    private readonly List<(string Name, double Secure, double Baseline, string Note)> _rows = [];

    public async Task RunAsync(string name, Func<Task<string>> secure, Action baseline)
    {
        await secure();
        baseline();
        var secureTimes = new List<double>();
        var baselineTimes = new List<double>();
        string note = "";
        for (int r = 0; r < repetitions; r++)
        {
            var watch = Stopwatch.StartNew();
            note = await secure();
            secureTimes.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            baseline();
            baselineTimes.Add(watch.Elapsed.TotalMilliseconds);
        }
        var row = (name, BenchData.Median(secureTimes), BenchData.Median(baselineTimes), note);
        _rows.Add(row);
        Console.WriteLine($"{row.name,-52} {row.Item2,10:F1} ms   clear {row.Item3,9:F3} ms   ratio {row.Item2 / Math.Max(row.Item3, 1e-6),10:F0}x   {note}");
    }

    public void PrintHeader()
    {
        Console.WriteLine($"Mpc benchmarks: median of {repetitions} runs after one warm-up; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine(new string('-', 120));
    }

}
