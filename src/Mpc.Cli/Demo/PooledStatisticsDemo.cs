using System.Text.Json;
using Mpc.Core;
using Mpc.Data;
using Mpc.Reporting;
using Mpc.Runtime;
using Mpc.Runtime.Harness;
using Mpc.Runtime.Protocols;

namespace Mpc.Cli.Demo;

/// <summary>
/// The demo: the lung cancer cohort split across hospitals, pooled statistics computed under MPC
/// (count, mean and standard deviation of age, deaths, mean follow-up by sex, an age histogram),
/// each checked against the clear-text answer, written as JSON and a PNG chart.
/// </summary>
internal static class PooledStatisticsDemo
{
    private static readonly double[] AgeEdges = [40, 50, 60, 70, 80];

    public static async Task<int> RunAsync(string dataFile, int parties, string outputDirectory, TextWriter console, CancellationToken cancellationToken)
    {
        var table = CsvTable.Load(dataFile);
        var sites = Split(table, parties);
        Directory.CreateDirectory(outputDirectory);
        console.WriteLine($"Pooled statistics of {Path.GetFileName(dataFile)} ({table.RowCount} rows) split across {parties} parties; ring Z_2^128, 40 fractional bits.");
        console.WriteLine("Preprocessing: trusted dealer (in-process); dealer-free OT preprocessing arrives with the preprocessing issue.");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var outputs = await LocalHarness.RunAsync<UInt128, Dictionary<string, double[]>>(parties,
            rt => ComputeAsync(rt, sites[rt.PartyIndex]),
            new LocalHarnessOptions { Format = FixedPointFormat.Ring128 }).WaitAsync(cancellationToken).ConfigureAwait(false);
        double seconds = watch.Elapsed.TotalSeconds;
        var secure = outputs[0];
        var clear = Clear(table);

        console.WriteLine();
        console.WriteLine($"{"output",-28} {"secure",16} {"clear text",16} {"abs. error",12}");
        double worst = 0;
        foreach (var (name, values) in secure)
        {
            for (int i = 0; i < values.Length; i++)
            {
                string label = values.Length == 1 ? name : $"{name}[{i}]";
                double error = Math.Abs(values[i] - clear[name][i]);
                worst = Math.Max(worst, error);
                console.WriteLine($"{label,-28} {values[i],16:G10} {clear[name][i],16:G10} {error,12:E2}");
            }
        }
        var labels = new List<string> { "<40" };
        for (int b = 0; b < AgeEdges.Length; b++) labels.Add(b + 1 < AgeEdges.Length ? $"{AgeEdges[b]:0}-{AgeEdges[b + 1] - 1:0}" : $">={AgeEdges[b]:0}");
        string chart = Path.Combine(outputDirectory, "age-histogram.png");
        ComparisonChart.Write(chart, $"Age of {table.RowCount} patients pooled from {parties} parties", labels, secure["age_histogram"], clear["age_histogram"], "patients");
        string json = Path.Combine(outputDirectory, "results.json");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(new
        {
            outputs = secure,
            clear_text = clear,
            session = new { parties, preprocessing = "dealer", ring_bits = 128, fractional_bits = 40, protocol_seconds = seconds },
        }, new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
        console.WriteLine();
        console.WriteLine($"Largest absolute error {worst:E2}; protocol time {seconds:F2} s.");
        console.WriteLine($"Wrote {json} and {chart}.");
        return worst < 1e-6 ? 0 : 1;
    }

    private static async Task<Dictionary<string, double[]>> ComputeAsync(MpcRuntime<UInt128> rt, SiteData site)
    {
        // Local sums, pooled by zero-communication input: [n, sum age, sum age^2, deaths, n male, time male, n female, time female].
        double[] local =
        [
            site.Age.Length, site.Age.Sum(), site.Age.Sum(a => a * a), site.Status.Count(s => s == 1),
            site.Sex.Count(s => s == 1), site.Time.Where((_, i) => site.Sex[i] == 1).Sum(),
            site.Sex.Count(s => s == 2), site.Time.Where((_, i) => site.Sex[i] == 2).Sum(),
        ];
        var sums = await Input.SumAcrossPartiesAsync(rt, local, 1, 0).ConfigureAwait(false);
        var n = sums.Slice(0, 1);
        var mean = await Division.DivideAsync(rt, sums.Slice(1, 1), n).ConfigureAwait(false);
        var meanSquare = await Division.DivideAsync(rt, sums.Slice(2, 1), n).ConfigureAwait(false);
        var variance = meanSquare - await Multiplication.MultiplyAsync(rt, mean, mean).ConfigureAwait(false);
        var sd = await SquareRoot.ComputeAsync(rt, variance).ConfigureAwait(false);
        var meanTime = await Division.DivideAsync(rt, Secret<UInt128>.Concatenate([sums.Slice(5, 1), sums.Slice(7, 1)]),
            Secret<UInt128>.Concatenate([sums.Slice(4, 1), sums.Slice(6, 1)])).ConfigureAwait(false);

        // Every party's ages, secret-shared row by row, then compared with the public bin edges in one batch.
        var ages = new List<Secret<UInt128>>();
        for (int owner = 0; owner < rt.PartyCount; owner++)
            ages.Add(await Input.ShareAsync(rt, owner, rt.PartyIndex == owner ? site.Age : null, 1, 0).ConfigureAwait(false));
        var all = Secret<UInt128>.Concatenate(ages);
        var shifted = Secret<UInt128>.Concatenate(AgeEdges.Select(edge => all - edge).ToList());
        var below = await Comparison.LessThanZeroAsync(rt, shifted).ConfigureAwait(false);
        var histogram = Histogram(below, all.Length);

        return new Dictionary<string, double[]>
        {
            ["patients"] = await Opening.RevealRealAsync(rt, n, "patients").ConfigureAwait(false),
            ["deaths"] = await Opening.RevealRealAsync(rt, sums.Slice(3, 1), "deaths").ConfigureAwait(false),
            ["age_mean"] = await Opening.RevealRealAsync(rt, mean, "age_mean").ConfigureAwait(false),
            ["age_sd"] = await Opening.RevealRealAsync(rt, sd, "age_sd").ConfigureAwait(false),
            ["mean_time_by_sex"] = await Opening.RevealRealAsync(rt, meanTime, "mean_time_by_sex").ConfigureAwait(false),
            ["age_histogram"] = await Opening.RevealRealAsync(rt, histogram, "age_histogram").ConfigureAwait(false),
        };
    }

    // below[b * n + i] = [age_i < edge_b]; bin 0 is below the first edge, bin b+1 is [edge_b, edge_(b+1)).
    private static Secret<UInt128> Histogram(Secret<UInt128> below, int n)
    {
        var counts = new List<Secret<UInt128>>();
        var perEdge = Enumerable.Range(0, AgeEdges.Length).Select(b => below.Slice(b * n, n).Sum()).ToList();
        counts.Add(perEdge[0]);
        for (int b = 1; b < AgeEdges.Length; b++) counts.Add(perEdge[b] - perEdge[b - 1]);
        counts.Add((perEdge[^1] * -1) + n);
        return Secret<UInt128>.Concatenate(counts);
    }

    private static Dictionary<string, double[]> Clear(CsvTable table)
    {
        var age = table.Column("age");
        var time = table.Column("time");
        var sex = table.Column("sex");
        double mean = age.Average();
        double sd = Math.Sqrt(age.Select(a => a * a).Average() - mean * mean);
        var histogram = new double[AgeEdges.Length + 1];
        foreach (var a in age) histogram[AgeEdges.Count(edge => a >= edge)]++;
        return new Dictionary<string, double[]>
        {
            ["patients"] = [age.Length],
            ["deaths"] = [table.Column("status").Count(s => s == 1)],
            ["age_mean"] = [mean],
            ["age_sd"] = [sd],
            ["mean_time_by_sex"] = [time.Where((_, i) => sex[i] == 1).Average(), time.Where((_, i) => sex[i] == 2).Average()],
            ["age_histogram"] = histogram,
        };
    }

    private static SiteData[] Split(CsvTable table, int parties)
    {
        var age = table.Column("age");
        var time = table.Column("time");
        var status = table.Column("status");
        var sex = table.Column("sex");
        return Enumerable.Range(0, parties).Select(p =>
        {
            int start = p * table.RowCount / parties, end = (p + 1) * table.RowCount / parties;
            return new SiteData(age[start..end], time[start..end], status[start..end], sex[start..end]);
        }).ToArray();
    }

    private sealed record SiteData(double[] Age, double[] Time, double[] Status, double[] Sex);
}
