using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mpc.Boltzmann;
using Mpc.Federation;
using Mpc.Reporting;
using Mpc.Scripting;

namespace Mpc.Cli.Commands;

/// <summary>
/// The DataSHIELD Boltzmann machine experiment, reproduced: blocks-in-noise data split over 1, 2, 5
/// and 20 parties; one pooled DBM trained under MPC (protocols/boltzmann-machine.csx over loopback
/// TLS, with and without DP) against the DataSHIELD way (a DBM per party, each sampling as many rows
/// as it has, pooled); marginal and log-odds-ratio utility of each, heatmaps, results.json.
/// </summary>
internal static class BoltzmannExperimentCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for results.json, heatmaps and monitoring plots.", DefaultValueFactory = _ => Path.Combine("results", "boltzmann") };
        var quick = new Option<bool>("--quick") { Description = "A small version (12 variables, few epochs) that runs in under a minute: unless asked, DP only at 2 parties and the secure evaluation up to 5." };
        var parties = new Option<string>("--parties") { Description = "Party counts to compare.", DefaultValueFactory = _ => "1,2,5,20" };
        var dpParties = new Option<string>("--dp-parties") { Description = "Party counts that also train with DP (the Skellam noise of every party dominates the time; about 24 s at 20 parties).", DefaultValueFactory = _ => "2,5,20" };
        var epsilon = new Option<double>("--epsilon") { Description = "Privacy budget of each DP run.", DefaultValueFactory = _ => 5 };
        var evaluateUpTo = new Option<int>("--evaluate-up-to")
        {
            Description = "Largest party count whose pooled run is also scored under MPC (every one by default; the secure evaluation grows with the party pairs, all of them on this one machine: about 2 minutes and 5 GB at 20).",
            DefaultValueFactory = _ => 20,
        };
        var mpcUpTo = new Option<int>("--mpc-up-to")
        {
            Description = "Largest party count whose pooled model is trained under MPC (above it the table compares the per-party models with the clear-text pooled one only).",
            DefaultValueFactory = _ => int.MaxValue,
        };
        var command = new Command("boltzmann-experiment", "Pooled DBM under MPC (with and without DP) against per-party DBMs (DataSHIELD), on blocks-in-noise data over 1, 2, 5 and 20 parties.")
            { output, quick, parties, dpParties, epsilon, evaluateUpTo, mpcUpTo };
        command.SetAction(async (parse, cancellationToken) =>
        {
            bool small = parse.GetValue(quick);
            // The small version keeps to the demo's DP and evaluation settings unless they are given.
            var dp = small && parse.GetResult(dpParties) is not { Implicit: false } ? "2" : parse.GetValue(dpParties)!;
            int upTo = small && parse.GetResult(evaluateUpTo) is not { Implicit: false } ? QuickEvaluationParties : parse.GetValue(evaluateUpTo);
            await RunAsync(parse.GetValue(output)!, small, Counts(parse.GetValue(parties)!), Counts(dp), parse.GetValue(epsilon), Console.Out, cancellationToken,
                upTo, parse.GetValue(mpcUpTo)).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static int[] Counts(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(t => int.TryParse(t, out int n) && n >= 1 ? n : throw new ArgumentException($"'{t}' is not a party count.")).ToArray();

    // Settings of the pooled runs: (pre-)training epochs, learning rate and batch; fine-tuning epochs and learning rate. The DP runs use the
    // script's DP-SGD schedule (Poisson batches of 50, 10 epochs per phase): fewer steps than the exact runs, as each release costs budget.
    private sealed record Setup(int Variables, string Hidden, int Epochs, double LearningRate, int Batch, int FineTuning, double FineTuningRate,
        string DpHidden, int DpEpochs, double DpLearningRate, double DpFineTuningRate, int BurnIn);

    public static async Task RunAsync(string directory, bool quick, int[] partyCounts, int[] dpCounts, double epsilon, TextWriter log, CancellationToken cancellationToken,
        int evaluateUpTo = QuickEvaluationParties, int mpcUpTo = int.MaxValue)
    {
        var setup = quick ? new Setup(12, "8,4", 10, 0.4, 50, 10, 0.02, "8,4", 5, 0.4, 0.05, 50)
            : new Setup(50, "50,25,15", 100, 0.4, 50, 50, 0.02, "25,15", 10, 0.4, 0.05, 200);
        Directory.CreateDirectory(directory);
        var all = ReadCsv(Path.Combine(AppContext.BaseDirectory, "examples", "data", "blocks-in-noise.csv"), setup.Variables);
        var columns = Enumerable.Range(1, setup.Variables).Select(j => $"x{j}").ToList();
        var layers = setup.Hidden.Split(',').Select(h => new LayerSettings(int.Parse(h, CultureInfo.InvariantCulture), setup.Epochs, setup.LearningRate, setup.Batch)).ToList();
        var settings = new TrainingSettings { MonitorEvery = 10, AisRuns = 0, FineTuningEpochs = setup.FineTuning, FineTuningBatchSize = setup.Batch, FineTuningLearningRate = setup.FineTuningRate };
        var results = new JsonArray();
        var heatmaps = new List<(string, IReadOnlyList<double[]>)> { ("original", Order(all)) };

        // Clear-text reference: one DBM on all rows in one place (also the 1-party case), timed for the benchmark.
        var watch = Stopwatch.StartNew();
        var clear = await PooledTraining.TrainAsync(ModelKind.Dbm, all, VisibleKind.Bernoulli, null, layers, settings, new LocalStatisticsPool()).ConfigureAwait(false);
        double clearSeconds = watch.Elapsed.TotalSeconds;
        var clearSynthetic = GibbsSampling.Sample(clear, all.Count, setup.BurnIn, new Random(1));
        results.Add(Metrics(all, clearSynthetic, 1, "pooled (clear text, one place)", null, clearSeconds));
        log.WriteLine($"clear text, one place: {clearSeconds:F1} s");

        foreach (int n in partyCounts.Where(n => n > 1))
        {
            if (n <= mpcUpTo)
            {
                var files = Split(all, columns, n, Path.Combine(directory, "data", $"{n}-parties"));
                var parameters = new Dictionary<string, string>
                {
                    ["columns"] = string.Join(",", columns), ["reveal"] = BoltzmannApi.ExactIntermediates, ["model"] = "dbm", ["hidden"] = setup.Hidden, ["epochs"] = $"{setup.Epochs}", ["fine_tuning_epochs"] = $"{setup.FineTuning}",
                    ["learning_rate"] = Text(setup.LearningRate), ["fine_tuning_learning_rate"] = Text(setup.FineTuningRate),
                    ["batch_size"] = $"{setup.Batch}", ["monitor_every"] = "10", ["ais_runs"] = "0", ["samples"] = $"{all.Count}", ["burn_in"] = $"{setup.BurnIn}",
                    // All parties share this one process here: for 20 x 19 party pairs on 2 cores the secure evaluation takes minutes.
                    ["evaluate"] = n <= evaluateUpTo ? "true" : "false",
                };
                var (synthetic, outputs, seconds) = await RunScriptAsync(files, parameters, Path.Combine(directory, $"pooled-{n}"), cancellationToken).ConfigureAwait(false);
                var entry = Metrics(all, synthetic, n, "pooled (MPC)", null, seconds);
                // What the analyst got from the secure evaluation (equal to the clear-text metrics above, which the simulation can compute).
                if (outputs.TryGetValue("utility", out var utility) && outputs.TryGetValue("privacy", out var privacy))
                {
                    entry["secure_utility"] = new JsonArray(utility.Select(v => (JsonNode)Math.Round(v, 5)).ToArray());
                    entry["secure_privacy_dcr_nndr_q01_q05_q50_copies"] = new JsonArray(privacy.Select(v => (JsonNode)Math.Round(v, 4)).ToArray());
                }
                results.Add(entry);
                log.WriteLine($"{n} parties, pooled under MPC: {seconds:F1} s");
                if (n == partyCounts.Max()) heatmaps.Add(($"pooled MPC, {n} parties", Order(synthetic)));

                if (dpCounts.Contains(n))
                {
                    var dp = new Dictionary<string, string>(parameters)
                    {
                        ["reveal"] = BoltzmannApi.DpIntermediates, ["epsilon"] = epsilon.ToString(CultureInfo.InvariantCulture), ["hidden"] = setup.DpHidden, ["epochs"] = $"{setup.DpEpochs}",
                        ["fine_tuning_epochs"] = $"{setup.DpEpochs}", ["batch_size"] = $"{setup.Batch}", ["learning_rate"] = Text(setup.DpLearningRate),
                        ["fine_tuning_learning_rate"] = Text(setup.DpFineTuningRate),
                    };
                    var (dpSynthetic, _, dpSeconds) = await RunScriptAsync(files, dp, Path.Combine(directory, $"pooled-dp-{n}"), cancellationToken).ConfigureAwait(false);
                    results.Add(Metrics(all, dpSynthetic, n, "pooled (MPC, DP)", epsilon, dpSeconds));
                    log.WriteLine($"{n} parties, pooled under MPC with DP (epsilon {epsilon}): {dpSeconds:F1} s");
                    if (n == dpCounts.Max()) heatmaps.Add(($"pooled MPC + DP, {n} parties", Order(dpSynthetic)));
                }
            }

            // The DataSHIELD way: one DBM per party on its own rows, each sampling as many rows as it has; the samples pooled. Twice: with the
            // pooled model's epochs (at n parties about 1/n of its gradient steps), and with as many gradient steps per phase as the pooled model.
            foreach (bool sameSteps in new[] { false, true })
            {
                watch.Restart();
                var separate = new List<double[]>();
                for (int p = 0; p < n; p++)
                {
                    var part = all[(p * all.Count / n)..((p + 1) * all.Count / n)];
                    int Epochs(int epochs, int batch) => sameSteps ? epochs * StepsPerEpoch(all.Count, batch) / StepsPerEpoch(part.Count, Math.Min(batch, part.Count)) : epochs;
                    var local = layers.Select(l => l with { BatchSize = Math.Min(l.BatchSize, part.Count), Epochs = Epochs(l.Epochs, l.BatchSize) }).ToList();
                    var model = await PooledTraining.TrainAsync(ModelKind.Dbm, part, VisibleKind.Bernoulli, null, local,
                        settings with { Seed = p + 1, FineTuningBatchSize = Math.Min(setup.Batch, part.Count), FineTuningEpochs = Epochs(setup.FineTuning, setup.Batch) },
                        new LocalStatisticsPool()).ConfigureAwait(false);
                    separate.AddRange(GibbsSampling.Sample(model, part.Count, setup.BurnIn, new Random(p + 1)));
                }
                string method = sameSteps ? "per party (DataSHIELD, same steps)" : "per party (DataSHIELD, same epochs)";
                results.Add(Metrics(all, separate, n, method, null, watch.Elapsed.TotalSeconds));
                log.WriteLine($"{n} parties, a DBM per party ({(sameSteps ? "as many gradient steps as the pooled model" : "the pooled model's epochs")}): {watch.Elapsed.TotalSeconds:F1} s");
                if (n == partyCounts.Max() && sameSteps) heatmaps.Add(($"per-party DBMs, same steps, {n} parties", Order(separate)));
            }
        }
        BinaryHeatmap.Write(Path.Combine(directory, "heatmaps.png"), heatmaps);
        var document = new JsonObject
        {
            ["data"] = $"blocksinnoise({all.Count}, {setup.Variables}; noise 0.1, blocklen 5, nblocks 5)", ["hidden"] = setup.Hidden, ["dp_hidden"] = setup.DpHidden,
            ["real_rows_per_block"] = RowsPerBlock(all), ["configurations"] = results,
        };
        await File.WriteAllTextAsync(Path.Combine(directory, "results.json"), document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
        log.WriteLine($"wrote {Path.Combine(directory, "results.json")} and heatmaps.png");
    }

    // Gradient steps per epoch as PooledTraining takes them: the rows over the batch size, rounded, at least one.
    private static int StepsPerEpoch(int rows, int batch) => Math.Max(1, (int)Math.Round((double)rows / batch));

    // The small version's (and the demo's) secure evaluation stops at 5 parties: at 20 it would take most of its time.
    private const int QuickEvaluationParties = 5;

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static async Task<(List<double[]> Synthetic, Dictionary<string, double[]> Outputs, double Seconds)> RunScriptAsync(IReadOnlyList<string> files, Dictionary<string, string> parameters, string directory, CancellationToken cancellationToken)
    {
        var reference = ProtocolReference.Resolve(Path.Combine(AppContext.BaseDirectory, "protocols", "boltzmann-machine.csx"));
        using var loggers = CliOptions.Loggers(false);
        // The experiment owns its run folders: a rerun into the same output replaces the earlier run's transcripts and ledgers.
        LocalFederation.ClearEarlierRun(directory);
        var watch = Stopwatch.StartNew();
        // The experiment's local parties allow exact intermediates: its exact runs are the baseline the DP runs are measured against.
        var result = await LocalFederation.RunAsync(reference.Protocol, reference.ScriptSource, files, parameters, ProtocolReference.Catalog, loggers, null,
            TimeSpan.FromMinutes(10), cancellationToken, directory, privacy: DatasetPrivacy.Default with { ExactIntermediates = true }).ConfigureAwait(false);
        double seconds = watch.Elapsed.TotalSeconds;
        BoltzmannFiles.TryWrite(result, directory);
        int width = parameters["columns"].Split(',').Length;
        var values = result.Outputs["synthetic"].Values;
        return (Enumerable.Range(0, values.Length / width).Select(r => values.Skip(r * width).Take(width).Select(v => Math.Round(v)).ToArray()).ToList(),
            result.Outputs.ToDictionary(o => o.Key, o => o.Value.Values), seconds);
    }

    private static JsonObject Metrics(IReadOnlyList<double[]> real, IReadOnlyList<double[]> synthetic, int parties, string method, double? epsilon, double seconds)
    {
        var entry = new JsonObject { ["parties"] = parties, ["method"] = method, ["dp"] = epsilon is not null, ["epsilon"] = epsilon, ["seconds"] = Math.Round(seconds, 2) };
        for (int k = 1; k <= 4; k++)
        {
            var (l1, max) = SyntheticDataEvaluation.Marginals(real, synthetic, k, maxSets: 200);
            entry[$"l1_{k}way"] = Math.Round(l1, 5);
            entry[$"max_deviation_{k}way"] = Math.Round(max, 5);
        }
        entry["log_odds_ratio_mse"] = Math.Round(SyntheticDataEvaluation.LogOddsRatioError(real, synthetic), 5);
        entry["rows_per_block"] = RowsPerBlock(synthetic);
        // Synthetic rows equal to some real row of any party (the pooled rows): the copies the per-party check hid.
        var rows = real.Select(r => string.Concat(r.Select(v => v == 1 ? '1' : '0'))).ToHashSet(StringComparer.Ordinal);
        entry["exact_copies"] = Math.Round((double)synthetic.Count(r => rows.Contains(string.Concat(r.Select(v => v == 1 ? '1' : '0')))) / synthetic.Count, 4);
        return entry;
    }

    // How many rows carry each complete block of 5 ones (blocksinnoise puts 1/10 of the rows on each block): whether the blocks survive.
    private static JsonArray RowsPerBlock(IReadOnlyList<double[]> rows) =>
        new(Enumerable.Range(0, Math.Min(5, rows[0].Length / 5)).Select(b => (JsonNode)rows.Count(r => r.Skip(5 * b).Take(5).All(v => v == 1))).ToArray());

    // Rows grouped by their dominant block (the block of 5 with most ones, if at least 4), then by how many ones they have: the clusters of the data.
    private static List<double[]> Order(IReadOnlyList<double[]> rows) =>
        rows.OrderBy(r => Enumerable.Range(0, 5).Select(b => (Block: b, Ones: r.Skip(5 * b).Take(5).Sum())).Where(x => x.Ones >= 4).Select(x => x.Block + 1).DefaultIfEmpty(99).Min())
            .ThenByDescending(r => r.Sum()).ToList();

    private static List<double[]> ReadCsv(string path, int variables) =>
        File.ReadAllLines(path).Skip(1).Select(line => line.Split(',').Take(variables).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();

    private static List<string> Split(IReadOnlyList<double[]> rows, IReadOnlyList<string> columns, int parties, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        for (int p = 0; p < parties; p++)
        {
            string path = Path.Combine(directory, $"{Mpc.Runtime.LocalPartyNames.Of(p)}.csv");
            var lines = rows.Skip(p * rows.Count / parties).Take((p + 1) * rows.Count / parties - p * rows.Count / parties)
                .Select(r => string.Join(",", r.Select(v => v.ToString(CultureInfo.InvariantCulture)))).Prepend(string.Join(",", columns));
            File.WriteAllLines(path, lines);
            files.Add(path);
        }
        return files;
    }
}
