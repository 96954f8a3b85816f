using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Boltzmann;
using Mpc.Data;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Scripting;

namespace Mpc.Bench;

/// <summary>
/// The pooled DBM of the DataSHIELD experiment (500 x 50 blocks in noise, hidden 25 and 15, the
/// script's default schedule) as `mpc local` runs protocols/boltzmann-machine.csx without DP, beside
/// the same training and sampling in the clear in the same run, with the 2-way marginal L1 of both.
/// `bm-paper`: the boltzmann-experiment's paper-size pooled DBM alone (hidden 50,25,15, 100 epochs a layer and 50 of
/// fine-tuning at batch 50: 3,500 pooled sums; monitoring every 10 epochs without AIS; 500 rows sampled, no evaluation).
/// </summary>
internal static class BoltzmannBenchmarks
{
    public static async Task RunAsync(int repetitions, IReadOnlyList<int> partyCounts, bool paper = false)
    {
        var script = ScriptCompiler.Load(Path.Combine(AppContext.BaseDirectory, "protocols", "boltzmann-machine.csx"));
        var catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));
        var table = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "blocks-in-noise.csv"));
        var columns = table.ColumnNames.Where(c => c.StartsWith('x')).ToList();
        var real = Enumerable.Range(0, table.RowCount).Select(i => columns.Select(c => table.Column(c)[i]).ToArray()).ToList();
        // The exact mode's schedule spelled out: the script's schedule parameters are empty, each mode taking its own default.
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = string.Join(",", columns), ["reveal"] = BoltzmannApi.ExactIntermediates, ["evaluate"] = "false",
            ["model"] = "dbm", ["hidden"] = "25,15", ["epochs"] = "10", ["batch_size"] = "50",
        };
        // BlocksExperiment.Setup.Paper's schedule, as the experiment passes it to the script.
        if (paper)
            foreach (var (key, value) in new Dictionary<string, string>
            {
                ["hidden"] = "50,25,15", ["epochs"] = "100", ["fine_tuning_epochs"] = "50", ["learning_rate"] = "0.4", ["fine_tuning_learning_rate"] = "0.02",
                ["learning_rate_decay"] = "0.1", ["monitor_every"] = "10", ["ais_runs"] = "0", ["samples"] = "500", ["burn_in"] = "200",
            })
                parameters[key] = value;
        var defaults = script.Parameters.ToDictionary(p => p.Name, p => p.Default ?? "");
        string Setting(string name) => parameters.GetValueOrDefault(name, defaults[name]);
        int Integer(string name) => int.Parse(Setting(name), CultureInfo.InvariantCulture);
        double Number(string name) => double.Parse(Setting(name), CultureInfo.InvariantCulture);

        // The clear-text baseline: the script's settings, with the local pool in place of the secure sums.
        var layers = Setting("hidden").Split(',').Select(h => new LayerSettings(int.Parse(h, CultureInfo.InvariantCulture), Integer("epochs"), Number("learning_rate"), Integer("batch_size"))).ToList();
        var settings = new TrainingSettings
        {
            Seed = Integer("seed"), MonitorEvery = Integer("monitor_every"), AisRuns = Integer("ais_runs"), AisTemperatures = 300,
            FineTuningEpochs = Integer("fine_tuning_epochs"), FineTuningLearningRate = Number("fine_tuning_learning_rate"),
            LearningRateDecay = Number("learning_rate_decay"), FineTuningBatchSize = Integer("batch_size"),
        };
        var clearTimes = new List<double>();
        double clearL1 = 0;
        for (int r = 0; r <= repetitions; r++)
        {
            var watch = Stopwatch.StartNew();
            var model = await PooledTraining.TrainAsync(ModelKind.Dbm, real, VisibleKind.Bernoulli, null, layers, settings, new LocalStatisticsPool());
            var synthetic = GibbsSampling.Sample(model, Integer("samples"), Integer("burn_in"), new Random(settings.Seed));
            if (r == 0) continue;
            clearTimes.Add(watch.Elapsed.TotalSeconds);
            clearL1 = SyntheticDataEvaluation.Marginals(real, synthetic, 2).MeanL1;
        }
        Console.WriteLine($"DBM 500x50 (hidden {Setting("hidden")}, {Setting("epochs")}+{Setting("fine_tuning_epochs")} epochs) in the clear: {BenchData.Median(clearTimes):F2} s, 2-way L1 {clearL1:F4}; load {LoadAverage()}");

        var lines = File.ReadAllLines(table.Source);
        foreach (int parties in partyCounts)
        {
            var files = BenchData.Split(lines[0], lines[1..], "bm", parties);
            var wall = new List<double>();
            var protocol = new List<double>();
            var cpu = new List<(double Bench, double Workers)>();
            double l1 = 0;
            // The paper-size run takes minutes at 20 parties: no warm-up run (every run starts fresh workers anyway).
            for (int r = paper ? 1 : 0; r <= repetitions; r++)
            {
                var watch = Stopwatch.StartNew();
                var before = CpuSeconds();
                var result = await LocalFederation.RunAsync(script, script.Source, files, parameters, catalog, NullLoggerFactory.Instance, null, TimeSpan.FromMinutes(30), default,
                    privacy: DatasetPrivacy.Default with { ExactIntermediates = true });
                if (r == 0) continue;
                wall.Add(watch.Elapsed.TotalSeconds);
                protocol.Add(result.ProtocolSeconds);
                var after = CpuSeconds();
                cpu.Add((after.Self - before.Self, after.Children - before.Children));
                l1 = SyntheticDataEvaluation.Marginals(real, result.Outputs["synthetic"].Values.Chunk(columns.Count).ToList(), 2).MeanL1;
            }
            double median = BenchData.Median(wall);
            Console.WriteLine($"DBM 500x50 pooled over {parties,2} parties (mpc local, TLS, no DP): protocol {BenchData.Median(protocol):F2} s, wall {median:F2} s, "
                + $"{median / BenchData.Median(clearTimes):F1}x the clear fit; 2-way L1 {l1:F4}; CPU bench process {cpu[^1].Bench:F1} s, workers {cpu[^1].Workers:F1} s; load {LoadAverage()}");
            foreach (var file in files) File.Delete(file);
        }
        Console.WriteLine();
    }

    // CPU of this process (the daemons, TLS, transcripts) and of its reaped children (the script workers), from /proc (Linux; zeros elsewhere).
    private static (double Self, double Children) CpuSeconds()
    {
        if (!File.Exists("/proc/self/stat")) return (0, 0);
        var fields = File.ReadAllText("/proc/self/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double Ticks(int field) => double.Parse(fields[field - 3], CultureInfo.InvariantCulture) / 100;
        return (Ticks(14) + Ticks(15), Ticks(16) + Ticks(17));
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
