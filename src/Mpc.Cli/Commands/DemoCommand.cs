using System.CommandLine;
using System.Text.Json;
using Mpc.Data;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Reporting;
using Mpc.Scripting;

namespace Mpc.Cli.Commands;

/// <summary>
/// The README's main job: the example lung cohort split across local parties (loopback, fresh
/// keys, real TLS), every protocol that exists run on it, each output checked against the clear
/// text, and results and plots written to a folder.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Folder for results and plots.", DefaultValueFactory = _ => "demo-output" };
        var parties = new Option<int>("--parties") { Description = "Number of parties the example data is split across (2 to 20).", DefaultValueFactory = _ => 3 };
        var data = new Option<string>("--data")
        {
            Description = "CSV with columns time, status, sex, age (the example lung cohort by default).",
            DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "examples", "data", "lung.csv"),
        };
        var command = new Command("demo", "Run every protocol on the example data with local parties over TLS; write results and plots.") { output, parties, data };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int count = parse.GetValue(parties);
            if (count is < 2 or > 20) throw new CliException($"--parties must be between 2 and 20, got {count}.");
            using var interrupted = new Interruption(cancellationToken);
            return await RunAsync(parse.GetValue(data)!, count, parse.GetValue(output)!, parse.GetValue(CliOptions.Verbose), interrupted.Token).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(string dataFile, int parties, string outputDirectory, bool verbose, CancellationToken cancellationToken)
    {
        var table = CsvTable.Load(dataFile);
        Directory.CreateDirectory(outputDirectory);
        var siteFiles = Split(dataFile, parties, Path.Combine(outputDirectory, "sites"));
        var sites = siteFiles.Select(CsvTable.Load).ToList();
        Console.WriteLine($"{Path.GetFileName(dataFile)}: {table.RowCount} patients split across {parties} local parties (loopback TLS, fresh keys); site files in {Path.Combine(outputDirectory, "sites")}.");
        using var loggers = CliOptions.Loggers(verbose);
        var progress = CliOptions.Progress(Console.Error);
        var summary = new Dictionary<string, object>();
        double worst = 0;

        string sessions = Path.Combine(outputDirectory, "sessions");
        // A rerun into the same --out replaces each session's transcripts, roster and ledgers: the older ones were signed with an
        // earlier run's keys, and its ledgers would keep charging the privacy budget. The audit covers this run's sessions.
        var sessionFolders = new List<string>();
        string FreshSessionFolder(string root, string name)
        {
            string folder = Path.Combine(root, name);
            LocalFederation.ClearEarlierRun(folder);
            sessionFolders.Add(folder);
            return folder;
        }
        var statistics = await LocalFederation.RunAsync(ProtocolCatalog.BuiltIn.Get("pooled-statistics"), null, siteFiles, new Dictionary<string, string>(), ProtocolCatalog.BuiltIn, loggers, progress, TimeSpan.FromSeconds(30), cancellationToken, FreshSessionFolder(sessions, "pooled-statistics")).ConfigureAwait(false);
        var clear = PooledStatisticsProtocol.ComputeInTheClear(sites);
        worst = Math.Max(worst, Compare(statistics, clear));
        summary["pooled-statistics"] = Summarise(statistics, clear);

        var sum = await LocalFederation.RunAsync(ProtocolCatalog.BuiltIn.Get("secure-sum"), null, siteFiles, new Dictionary<string, string> { ["columns"] = "time,age" }, ProtocolCatalog.BuiltIn, loggers, progress, TimeSpan.FromSeconds(30), cancellationToken, FreshSessionFolder(sessions, "secure-sum")).ConfigureAwait(false);
        var clearSum = new Dictionary<string, double[]> { ["sum"] = [table.Column("time").Sum(), table.Column("age").Sum()], ["count"] = [table.RowCount] };
        worst = Math.Max(worst, Compare(sum, clearSum));
        summary["secure-sum"] = Summarise(sum, clearSum);

        // The example protocol scripts, compiled and sandboxed, on the same sites.
        string scripts = Path.Combine(AppContext.BaseDirectory, "examples");
        var age = table.Column("age");
        double ageMean = age.Average();
        double ageVariance = age.Sum(v => (v - ageMean) * (v - ageMean)) / (age.Length - 1);
        // Bins every party holds 0 or at least 3 rows of, as its default minimum cell count asks.
        double[] ageEdges = [50, 60, 70];
        var ageCounts = new double[ageEdges.Length + 1];
        foreach (var a in age) ageCounts[ageEdges.Count(e => a >= e)]++;
        var scriptRuns = new (string Script, Dictionary<string, string> Parameters, Dictionary<string, double[]> Clear)[]
        {
            ("sum.csx", new() { ["columns"] = "time,age" }, new() { ["totals"] = [table.Column("time").Sum(), age.Sum()], ["rows"] = [table.RowCount] }),
            ("mean-variance.csx", new() { ["column"] = "age" }, new() { ["n"] = [age.Length], ["mean"] = [ageMean], ["variance"] = [ageVariance], ["sd"] = [Math.Sqrt(ageVariance)] }),
            ("histogram.csx", new() { ["column"] = "age", ["edges"] = string.Join(",", ageEdges) }, new() { ["counts"] = ageCounts }),
        };
        foreach (var (script, scriptParameters, scriptClear) in scriptRuns)
        {
            var reference = ProtocolReference.Resolve(Path.Combine(scripts, Path.GetFileNameWithoutExtension(script), script));
            var scriptResult = await LocalFederation.RunAsync(reference.Protocol, reference.ScriptSource, siteFiles, scriptParameters, ProtocolReference.Catalog, loggers, progress, TimeSpan.FromSeconds(30), cancellationToken,
                FreshSessionFolder(sessions, reference.Protocol.Name)).ConfigureAwait(false);
            worst = Math.Max(worst, Compare(scriptResult, scriptClear));
            summary[script] = Summarise(scriptResult, scriptClear);
        }

        // Kaplan-Meier: the logrank test of survival by sex, as R's survdiff, with survdiff's table.
        var kaplanMeier = ProtocolReference.Resolve(Path.Combine(AppContext.BaseDirectory, "protocols", "kaplan-meier.csx"));
        double horizon = table.Column("time").Max();
        var kmParameters = new Dictionary<string, string> { ["group"] = "sex", ["levels"] = "1,2", ["horizon"] = horizon.ToString(System.Globalization.CultureInfo.InvariantCulture), ["reveal_groups"] = "true" };
        var logrank = await LocalFederation.RunAsync(kaplanMeier.Protocol, kaplanMeier.ScriptSource, siteFiles, kmParameters, ProtocolReference.Catalog, loggers, progress, TimeSpan.FromSeconds(60), cancellationToken,
            FreshSessionFolder(sessions, "kaplan-meier")).ConfigureAwait(false);
        var design = new Mpc.Statistics.SurvivalDesign([1, 2], [], 1, horizon);
        var survdiff = Mpc.Statistics.LogrankReference.Compute(Mpc.Statistics.SurvivalCounts.Pool(sites.Select(t =>
            Mpc.Statistics.SurvivalCounts.Compute(design, t.Source, t.Column("time"), t.Column("status"), t.Column("sex"), null, ("time", "status", "sex", null))).ToList()));
        var kmClear = new Dictionary<string, double[]>
        {
            ["chi2"] = [survdiff.ChiSquare], ["df"] = [survdiff.DegreesOfFreedom], ["p_value"] = [survdiff.PValue],
            ["n"] = survdiff.N, ["observed"] = survdiff.Observed, ["expected"] = survdiff.Expected, ["dropped"] = [0],
        };
        worst = Math.Max(worst, Compare(logrank, kmClear));
        summary["kaplan-meier"] = Summarise(logrank, kmClear);
        Console.WriteLine("  (R's survdiff on lung by sex: chi-square 10.32674 on 1 df, p = 0.001311165)");
        string curveCsv = Path.Combine(outputDirectory, "km-curve.csv");
        string curvePng = Path.Combine(outputDirectory, "km-curve.png");
        CurveFiles.TryWrite(logrank, outputDirectory, ["male (sex = 1)", "female (sex = 2)"]);
        Console.WriteLine($"  survival curves released with distributed Skellam noise (epsilon 1, delta 1e-5): {curveCsv}, {curvePng}");

        var edges = new[] { 50, 60, 70 };
        var labels = new List<string> { "<50" };
        for (int b = 0; b < edges.Length; b++) labels.Add(b + 1 < edges.Length ? $"{edges[b]}-{edges[b + 1] - 1}" : $">={edges[b]}");
        string chart = Path.Combine(outputDirectory, "age-histogram.png");
        ComparisonChart.Write(chart, $"Age of {table.RowCount} patients pooled from {parties} parties", labels, statistics.Outputs["histogram"].Values, clear["histogram"], "patients");
        // Boltzmann machines: a small version of the DataSHIELD experiment (pooled DBM under MPC, with and without DP, against a DBM per party).
        Console.WriteLine();
        Console.WriteLine("Boltzmann machines, a small DataSHIELD experiment (12 variables of blocks-in-noise; rows per block: synthetic rows holding a whole block of five ones):");
        await BlocksExperiment.RunAsync(Path.Combine(outputDirectory, "boltzmann"), BlocksExperiment.Setup.Small, [1, 2, 5], [2], 5, Console.Out, cancellationToken).ConfigureAwait(false);
        // Synthetic patients with categorical columns: one DBM pooled over the parties, sampled conditionally on sex.
        var categorical = ProtocolReference.Resolve(Path.Combine(AppContext.BaseDirectory, "protocols", "boltzmann-machine.csx"));
        string patients = Path.Combine(outputDirectory, "synthetic-patients");
        var patientFiles = Split(Path.Combine(AppContext.BaseDirectory, "examples", "data", "lung-categorical.csv"), parties, Path.Combine(patients, "sites"));
        // This example trains with exact pooled intermediates, which a party opens only where its policy allows them.
        var synthetic = await LocalFederation.RunAsync(categorical.Protocol, categorical.ScriptSource, patientFiles, SyntheticPatientParameters, ProtocolReference.Catalog, loggers, progress, TimeSpan.FromSeconds(120), cancellationToken,
            FreshSessionFolder(sessions, "boltzmann-categorical"), privacy: DatasetPrivacy.Default with { ExactIntermediates = true }).ConfigureAwait(false);
        BoltzmannFiles.TryWrite(synthetic, patients);
        Console.WriteLine();
        Console.WriteLine($"Synthetic patients (categorical DBM pooled over {parties} parties, sampled given sex=female): {synthetic.Seconds:F1} s; {Path.Combine(patients, "synthetic.csv")}, monitoring.png");
        string json = Path.Combine(outputDirectory, "results.json");
        await File.WriteAllTextAsync(json, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
        // Every session left signed transcripts; audit each one against the roster it ran with.
        int audited = 0;
        foreach (var folder in sessionFolders)
        {
            var report = Mpc.Audit.TranscriptAuditor.Audit(folder, Mpc.Net.Roster.Load(Path.Combine(folder, "parties.json")));
            if (!report.Passed)
            {
                Console.Write(report.ToText());
                return 1;
            }
            audited += report.Sessions.Count;
        }
        Console.WriteLine();
        Console.WriteLine($"Audit: the signed transcripts of all {audited} sessions verify (chains, signatures, frames, declared outputs); see {sessions}.");
        Console.WriteLine($"Largest absolute error against the clear text: {worst:E2}. Preprocessing: {ResultPrinter.Describe(statistics.Preprocessing)}.");
        Console.WriteLine($"Wrote {json} and {chart}.");
        return worst < 1e-6 ? 0 : 1;
    }

    /// <summary>
    /// The synthetic patients' DBM. A constant learning rate of 0.8: with the default decay to a tenth, its 360 steps per layer on 228
    /// rows leave the weights near their small start and the model at the independence model (issue 29); so P(dead | ecog) rises as the data's.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> SyntheticPatientParameters { get; } = new Dictionary<string, string>
    {
        ["columns"] = "sex,age_group,ecog,one_year", ["reveal"] = BoltzmannApi.ExactIntermediates, ["visible"] = "categorical", ["levels"] = "sex=female|male; age_group=<60|60-69|70+; ecog=0|1|2|3; one_year=alive|dead|censored",
        ["model"] = "dbm", ["hidden"] = "12,6", ["epochs"] = "40", ["learning_rate"] = "0.8", ["learning_rate_decay"] = "1", ["fine_tuning_epochs"] = "20", ["batch_size"] = "25",
        ["samples"] = "500", ["burn_in"] = "50", ["condition"] = "sex=female",
    };

    private static double Compare(SessionResult result, Dictionary<string, double[]> clear)
    {
        Console.WriteLine();
        Console.WriteLine($"{result.Protocol}: {result.Seconds:F2} s ({result.ProtocolSeconds:F2} s protocol), {result.Rounds} rounds");
        Console.WriteLine($"  {"output",-24} {"secure",16} {"clear text",16} {"abs. error",11}");
        double worst = 0;
        // DP-noised outputs and what is derived from them have no exact clear-text counterpart.
        foreach (var (name, output) in result.Outputs.Where(o => clear.ContainsKey(o.Key)))
        {
            for (int i = 0; i < output.Values.Length; i++)
            {
                double error = Math.Abs(output.Values[i] - clear[name][i]);
                worst = Math.Max(worst, error);
                string label = output.Values.Length == 1 ? name : $"{name}[{i}]";
                Console.WriteLine($"  {label,-24} {output.Values[i],16:G10} {clear[name][i],16:G10} {error,11:E2}");
            }
        }
        return worst;
    }

    private static object Summarise(SessionResult result, Dictionary<string, double[]> clear) => new
    {
        outputs = result.Outputs.ToDictionary(o => o.Key, o => o.Value.ToJsonValue()),
        clear_text = clear,
        session = new { id = result.SessionId, parties = result.Parties, preprocessing = result.Preprocessing, seconds = result.Seconds, rounds = result.Rounds, bytes_sent = result.BytesSent },
    };

    // Rows dealt round-robin, one file per party, header kept: lung's rows are ordered by institution, and contiguous
    // blocks would give one party only 2 censored women, below the parties' default minimum cell count.
    internal static List<string> Split(string dataFile, int parties, string directory)
    {
        Directory.CreateDirectory(directory);
        var lines = File.ReadAllLines(dataFile);
        var rows = lines.Skip(1).Where(l => l.Length > 0).ToList();
        var files = new List<string>();
        for (int p = 0; p < parties; p++)
        {
            string path = Path.Combine(directory, $"{Mpc.Runtime.LocalPartyNames.Of(p)}.csv");
            File.WriteAllLines(path, rows.Where((_, i) => i % parties == p).Prepend(lines[0]));
            files.Add(path);
        }
        return files;
    }
}
