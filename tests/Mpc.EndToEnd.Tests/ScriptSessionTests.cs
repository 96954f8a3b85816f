using System.Globalization;
using System.Text.Json;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>Protocol scripts in real sessions: approval by hash, agreement between parties, the reveal policy, the time limit.</summary>
public class ScriptSessionTests
{
    private static readonly ProtocolCatalog Catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));

    private const string Total = """
        Describe("Total of a column.");
        Parameter("column", ParameterType.Column, "age", "A column.");
        Output("total", "The pooled total.");
        Run(async mpc => await mpc.Output("total", await mpc.SumAcrossParties(new[] { mpc.Column(mpc.Text("column")).Sum() })));
        """;

    private static ScriptProtocol Compile(string source, string name = "total") => ScriptCompiler.Compile(source, name, name + ".csx");

    [Theory]
    [InlineData("sum", "columns=cost,visits")]
    [InlineData("mean-variance", "column=systolic_bp")]
    [InlineData("histogram", "column=age")]
    public async Task EachExampleRunsEndToEndWithMpcLocalAndMatchesTheClearText(string example, string parameter)
    {
        string folder = Path.Combine(TestFederation.RepositoryRoot(), "examples", example);
        string json = Path.Combine(Path.GetTempPath(), $"mpc-{example}-{Guid.NewGuid():N}.json");
        var sites = new[] { "a", "b", "c" }.Select(s => Path.Combine(folder, $"site-{s}.csv")).ToArray();
        using (var run = MpcProcess.Start("local", Path.Combine(folder, example + ".csx"), "-d", sites[0], "-d", sites[1], "-d", sites[2], "-p", parameter, "--json", json))
        {
            Assert.Equal(0, await run.WaitForExitAsync(TimeSpan.FromSeconds(120)));
        }
        using var document = JsonDocument.Parse(File.ReadAllText(json));
        var outputs = document.RootElement.GetProperty("outputs");
        var rows = sites.Select(CsvTable.Load).ToList();
        double[] Column(string name) => rows.SelectMany(t => t.Column(name)).ToArray();
        switch (example)
        {
            case "sum":
                Assert.Equal(Column("cost").Sum(), outputs.GetProperty("totals")[0].GetDouble(), 1e-6);
                Assert.Equal(Column("visits").Sum(), outputs.GetProperty("totals")[1].GetDouble(), 1e-6);
                Assert.Equal(42, outputs.GetProperty("rows").GetDouble());
                break;
            case "mean-variance":
                var bp = Column("systolic_bp");
                double mean = bp.Average();
                double variance = bp.Sum(v => (v - mean) * (v - mean)) / (bp.Length - 1);
                Assert.Equal(mean, outputs.GetProperty("mean").GetDouble(), 1e-6);
                Assert.Equal(variance, outputs.GetProperty("variance").GetDouble(), 1e-6);
                Assert.Equal(Math.Sqrt(variance), outputs.GetProperty("sd").GetDouble(), 1e-6);
                break;
            case "histogram":
                var edges = new[] { 60.0 };
                var counts = new double[2];
                foreach (var age in Column("age")) counts[edges.Count(e => age >= e)]++;
                Assert.Equal(counts, outputs.GetProperty("counts").EnumerateArray().Select(e => e.GetDouble()).ToArray());
                break;
        }
        File.Delete(json);
    }

    [Fact]
    public async Task AScriptRunsWhenEveryPartyApprovedItsHash()
    {
        var script = Compile(Total);
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var result = await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default);
        Assert.Equal(14238, result.Outputs["total"].Values[0], 1e-6);
        Assert.Equal(script.Id, result.ProtocolId);
    }

    [Fact]
    public async Task AnUnapprovedScriptIsRefusedBeforeAnyDataIsTouched()
    {
        var script = Compile(Total);
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: i => i == 2 ? ["builtin:secure-sum"] : [script.Id], catalog: Catalog);
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default));
        Assert.Equal($"Session refused: hospital-c: script total ({script.Id}) is not approved by hospital-c's policy", error.Message);
    }

    [Fact]
    public async Task AnApprovedScriptThatFailsToCompileAtAPartyIsRefusedWithoutThePartysText()
    {
        var script = Compile(Total);
        // The party's side fails (a cache it cannot write): its message names a local path, which stays in its log.
        var broken = ProtocolCatalog.BuiltIn.WithScriptCompiler((_, _) => throw new IOException("cannot write /var/lib/mpc/hospital-b/cache/total.dll"));
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [script.Id], catalog: broken);
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default));
        Assert.Contains("script total does not compile at hospital-", error.Message, StringComparison.Ordinal);
        Assert.Contains("log says why", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/var/lib", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMismatchedScriptBetweenPartiesIsRefused()
    {
        var honest = Compile(Total);
        var other = Compile(Total.Replace("Total of a column.", "Total of a column, variant.", StringComparison.Ordinal));
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [honest.Id, other.Id], catalog: Catalog);
        // A dishonest analyst sends hospital-c another (also approved) script than the others.
        var client = federation.Client(scriptForParty: (party, source) => party == 2 ? other.Source : source);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => client.RunAsync(honest, honest.Source, new Dictionary<string, string>(), null, default));
        Assert.Contains($"hospital-c runs protocol {other.Id}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AScriptsQuantilesRangeAndSecretComparisonsMatchTheClearTextOfThePooledRows()
    {
        var script = Compile("""
            Describe("Quartiles and range of age.");
            Output("quartiles", "Quartiles (R type 7).");
            Output("range", "Minimum and maximum.");
            Output("larger", "Sum of the larger of each pair of rows (first half against second).");
            Run(async mpc =>
            {
                var ages = await mpc.Stack(mpc.Column("age"));
                await mpc.Output("quartiles", await mpc.Quantiles(ages, 0.25, 0.5, 0.75));
                await mpc.Output("range", mpc.Concat(await mpc.Min(ages), await mpc.Max(ages)));
                int half = ages.Length / 2;
                var (a, b) = (ages.Slice(0, half), ages.Slice(half, half));
                await mpc.Output("larger", (await mpc.Select(await (a < b), b, a)).Sum());
            });
            """, "quartiles");
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var result = await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default);
        // R: quantile(survival::lung$age, c(.25, .5, .75)) is 56, 63, 69; range(lung$age) is 39, 82.
        Assert.Equal([56.0, 63, 69], result.Outputs["quartiles"].Values.Select(v => Math.Round(v, 9)));
        Assert.Equal([39.0, 82], result.Outputs["range"].Values.Select(v => Math.Round(v, 9)));
        var ages = federation.DataFiles.SelectMany(f => CsvTable.Load(f).Column("age")).ToArray();
        int half = ages.Length / 2;
        Assert.Equal(Enumerable.Range(0, half).Sum(i => Math.Max(ages[i], ages[half + i])), result.Outputs["larger"].Values[0], 1e-6);
    }

    [Fact]
    public async Task AnUndeclaredOpenAbortsTheSessionOnEveryPartyAndRevealsNothing()
    {
        // A name computed at run time passes the compiler's check of declared names; the parties' reveal policy refuses it.
        var script = Compile(Total.Replace("await mpc.Output(\"total\"", "await mpc.Output(string.Concat(\"ag\", \"es\")", StringComparison.Ordinal), "leaky");
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default));
        Assert.Contains("Opening of 'ages' refused: it is not a declared output (declared: total).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AScriptPastItsTimeLimitAbortsTheSession()
    {
        var script = Compile("""
            Output("total", "Never.");
            Run(async mpc => { double x = 0; while (true) { x += 1; } });
            """, "spin");
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, scriptTimeLimit: TimeSpan.FromSeconds(1));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default));
        Assert.Contains("The protocol script exceeded its time limit of 1 s.", error.Message, StringComparison.Ordinal);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 20);
    }

    [Fact]
    public async Task ScriptParametersAreCheckedBeforeAnyPartyIsContacted()
    {
        var script = Compile(Total);
        await using var federation = TestFederation.Create(2);
        var error = await Assert.ThrowsAsync<ProtocolParameterException>(() =>
            federation.Client().RunAsync(script, script.Source, new Dictionary<string, string> { ["colum"] = "age" }, null, default));
        Assert.Equal("unknown parameter 'colum' (the protocol takes column, dataset)", error.Message);
    }

    [Fact]
    public async Task TheKaplanMeierScriptReproducesSurvdiffOverTls()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "kaplan-meier.csx"));
        await using var federation = TestFederation.Create(3);
        // lung's rows in file order leave one party 2 censored women: these hospitals allow cells of 1 (DisclosureLimitTests keeps the default).
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { MinCellCount = 1 });
        var parameters = new Dictionary<string, string> { ["group"] = "sex", ["levels"] = "1,2", ["horizon"] = "1022", ["reveal_groups"] = "true" };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        Assert.True(Math.Abs(result.Outputs["chi2"].Values[0] - 10.32674) <= 1e-6 * 10.32674, $"chi2 {result.Outputs["chi2"].Values[0]:R}");
        Assert.Equal(0.001311165, result.Outputs["p_value"].Values[0], 1e-9);
        Assert.Equal(1, result.Outputs["df"].Values[0]);
        Assert.Equal([138.0, 90.0], result.Outputs["n"].Values);
        Assert.Equal(0, result.Outputs["dropped"].Values[0]);

        // The curves come only as DP-noised counts, turned into curves by the analyst.
        Assert.Equal(2 * 2 * 36, result.Outputs["curve_counts"].Values.Length);
        // Loose on purpose: the last interval has few people at risk, so the DP noise moves it most (0.34 was seen once).
        Assert.InRange(result.Outputs["survival"].Values[35], 0.0, 0.5);

        // Without reveal_groups and the curve, only the test is revealed.
        parameters.Remove("reveal_groups");
        parameters["curve"] = "false";
        var testOnly = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        Assert.Equal(["chi2", "dropped", "df", "p_value"], testOnly.Outputs.Keys);
    }

    [Fact]
    public async Task TheKaplanMeierScriptTakesTextGroupLevelsAndGivesSurvdiffsAnswer()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "kaplan-meier.csx"));
        await using var federation = TestFederation.Create(3);
        federation.RecodeAsText("sex", new Dictionary<string, string> { ["1"] = "male", ["2"] = "female" });
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { MinCellCount = 1 });
        var parameters = new Dictionary<string, string> { ["group"] = "sex", ["levels"] = "female,male", ["horizon"] = "1022", ["reveal_groups"] = "true", ["curve"] = "false" };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        // survdiff(Surv(time, status) ~ sex, lung): Chisq 10.32674 whichever order the groups are in.
        Assert.True(Math.Abs(result.Outputs["chi2"].Values[0] - 10.32674) <= 1e-6 * 10.32674, $"chi2 {result.Outputs["chi2"].Values[0]:R}");
        Assert.Equal([90.0, 138.0], result.Outputs["n"].Values);
        Assert.Equal([53.0, 112.0], result.Outputs["observed"].Values);
    }

    [Fact]
    public async Task KaplanMeierRefusesBadDataNamingThePartyAndColumnButNotTheValueRowOrFile()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "kaplan-meier.csx"));
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var missing = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string> { ["group"] = "arm", ["levels"] = "1,2", ["horizon"] = "1022" }, null, default));
        Assert.Contains("no column 'arm' (parameter 'group')", missing.Message, StringComparison.Ordinal);
        var wrongLevels = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string> { ["group"] = "sex", ["levels"] = "1,3", ["horizon"] = "1022" }, null, default));
        // Both sites hold rows with sex = 2; whichever stops first is named, with the column only: its log has file, row and value.
        Assert.Contains("failed: column 'sex' holds a value that is not one of the levels given.", wrongLevels.Message, StringComparison.Ordinal);
        Assert.Contains(wrongLevels.PartyName, new[] { "hospital-a", "hospital-b" });
        Assert.Equal(AbortCause.DataRefused, wrongLevels.Cause);
        foreach (var secret in new[] { "row ", "2 is not", federation.DataFiles[0], federation.DataFiles[1] }) Assert.DoesNotContain(secret, wrongLevels.Message, StringComparison.Ordinal);
        Assert.Contains(federation.Logs.SelectMany(l => l.Lines), l => l.Contains("column 'sex': 2 is not one of the levels 1,3.", StringComparison.Ordinal)
            && (l.Contains(federation.DataFiles[0], StringComparison.Ordinal) || l.Contains(federation.DataFiles[1], StringComparison.Ordinal)));
    }

    [Fact]
    public async Task KaplanMeierRefusesAPooledRiskSetAboveTwoToTheNineteenNamingTheLimitButNoCount()
    {
        // Two sites of 300,000 rows, each below the limit alone, pooled 600,000 at risk in one stratum (seed 20261145).
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "kaplan-meier.csx"));
        await using var federation = TestFederation.Create(2);
        var random = new Random(20261145);
        foreach (var file in federation.DataFiles)
            File.WriteAllLines(file, ["\"time\",\"status\",\"sex\",\"age\",\"ph.ecog\"", .. Enumerable.Range(0, 300_000).Select(i =>
                FormattableString.Invariant($"{1 + random.Next(100)},{(random.NextDouble() < 0.05 ? 1 : 0)},{1 + i % 2},60,1"))]);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var refused = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string> { ["group"] = "sex", ["levels"] = "1,2", ["horizon"] = "100", ["curve"] = "false" }, null, default));
        Assert.True(refused.Message.Contains("hospital-", StringComparison.Ordinal) && refused.Message.Contains("failed: " + ErrorMessages.RiskSetAboveMaximum, StringComparison.Ordinal), refused.Message);
        Assert.Equal(AbortCause.DataRefused, refused.Cause);
        foreach (var count in new[] { "600000", "600,000", "300000", "300,000" }) Assert.DoesNotContain(count, refused.Message, StringComparison.Ordinal);
        // Each party opened the declared check bit and logs which stratum is over the limit.
        await federation.Logs[1].WaitForAsync("pooled risk set at or above the logrank maximum in stratum 1 of 1.", TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task LogisticRegressionOverTlsMatchesGlmAndNamesItsCoefficients()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "logistic-regression.csx"));
        await using var federation = TestFederation.Create(3, "mtcars.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var result = await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string> { ["outcome"] = "am", ["features"] = "hp,wt" }, null, default);
        var coefficients = result.Outputs["coefficients"];
        Assert.Equal(["(Intercept)", "hp", "wt"], coefficients.Labels);
        double[] glm = [18.8663, 0.0362556, -8.083475];
        for (int j = 0; j < 3; j++) Assert.True(Math.Abs(coefficients.Values[j] - glm[j]) <= 1e-3, $"{coefficients.Labels![j]}: {coefficients.Values[j]:R} vs glm {glm[j]}");
        Assert.Equal(1, result.Outputs["converged"].Values[0]);
        Assert.False(result.Outputs.ContainsKey("standard_errors"));
        Assert.Contains("\"(Intercept)\": 18.86", result.ToJson(), StringComparison.Ordinal);
        // R 4.x: m <- glm(am ~ hp + wt, family = binomial, data = mtcars); c(m$deviance, m$null.deviance, m$aic, m$df.null, m$df.residual)
        // = 10.0591104723, 43.2297332769, 16.0591104723, 31, 29; nrow(mtcars) = 32, sum(mtcars$am) = 13.
        foreach (var (name, glmValue) in new[] { ("deviance", 10.0591104723), ("null_deviance", 43.2297332769), ("aic", 16.0591104723) })
            Assert.True(Math.Abs(result.Outputs[name].Values[0] - glmValue) <= 1e-4 * glmValue, $"{name}: {result.Outputs[name].Values[0]:R} vs glm {glmValue}");
        Assert.Equal(["n", "events"], result.Outputs["counts"].Labels);
        Assert.Equal([32.0, 13.0], result.Outputs["counts"].Values.Select(v => Math.Round(v, 6)));
        Assert.Equal([31.0, 29.0], result.Outputs["degrees_of_freedom"].Values.Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public async Task LogisticRegressionRefusesItsCountsWhenAPartysEventsFallBelowItsMinimumCellCount()
    {
        // mtcars over three parties: hospital-a holds 3 cars with am = 1 (and 7 without), below a minCellCount of 4.
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "logistic-regression.csx"));
        await using var federation = TestFederation.Create(3, "mtcars.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { MinCellCount = 4 });
        var parameters = new Dictionary<string, string> { ["outcome"] = "am", ["features"] = "hp,wt" };
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source, parameters, null, default));
        Assert.Contains(Mpc.Core.ErrorMessages.DisclosureRefused(4, DatasetPrivacy.DefaultMinGroupSize), error.Message, StringComparison.Ordinal);
        foreach (var secret in new[] { "holds 3", "'am'", federation.DataFiles[0] }) Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
        // The party's own log has the detail; the refusal comes before the fit.
        Assert.Contains(federation.Logs.SelectMany(l => l.Lines), l => l.Contains("output 'counts': cell 0 of column 'am' holds 3 rows, below the minimum cell count of 4.", StringComparison.Ordinal));
        // Without the deviance nothing is counted, and the same parties fit the model.
        parameters["deviance"] = "false";
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        Assert.False(result.Outputs.ContainsKey("counts"));
        Assert.False(result.Outputs.ContainsKey("deviance"));
        Assert.Equal(3, result.Outputs["coefficients"].Values.Length);
    }

    [Fact]
    public async Task LogisticRegressionStopsOnAFeatureThatIsConstantOverAllPartiesNamingIt()
    {
        // mtcars with a column 'cyl_code' that is 4 at every party: no party sees a problem alone.
        var error = await LogisticRegressionRefusalAsync("cyl_code", _ => "4", "hp,cyl_code,wt");
        Assert.Contains("Feature 'cyl_code' takes one value over all parties' rows: a constant feature cannot be estimated; leave it out.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogisticRegressionStopsOnAFeatureBeyondTheStandardisationsRangeNamingItWithoutValues()
    {
        // mtcars with 'hp_ns' = hp times 1e7 (5.2e8 to 3.4e9, like seconds since 1970): its pooled variance is beyond SquareRoot's range.
        var error = await LogisticRegressionRefusalAsync("hp_ns", hp => (double.Parse(hp, CultureInfo.InvariantCulture) * 1e7).ToString("R", CultureInfo.InvariantCulture), "hp_ns,wt");
        Assert.Contains("Feature 'hp_ns' has values too large in magnitude over all parties' rows for the regression's standardisation: rescale or recentre it", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("e+09", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("335", error.Message, StringComparison.Ordinal);
    }

    // logistic-regression.csx on mtcars with one more column (its value from the row's hp) at three parties: the session's refusal.
    private static async Task<ProtocolAbortedException> LogisticRegressionRefusalAsync(string column, Func<string, string> valueOfHp, string features)
    {
        string data = Path.Combine(Path.GetTempPath(), $"mtcars-{column}-{Guid.NewGuid():N}.csv");
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "mtcars.csv"));
        int hp = Array.IndexOf([.. lines[0].Split(',').Select(c => c.Trim('"'))], "hp");
        File.WriteAllLines(data, lines.Select((l, i) => l + "," + (i == 0 ? column : valueOfHp(l.Split(',')[hp]))));
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "logistic-regression.csx"));
        await using var federation = TestFederation.Create(3, data);
        File.Delete(data);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        return await Assert.ThrowsAsync<ProtocolAbortedException>(() =>
            federation.Client().RunAsync(script, script.Source, new Dictionary<string, string> { ["outcome"] = "am", ["features"] = features }, null, default));
    }

    [Fact]
    public async Task LogisticRegressionRefusesANonBinaryOutcomeNamingThePartyAndColumn()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "logistic-regression.csx"));
        await using var federation = TestFederation.Create(2, "mtcars.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string> { ["outcome"] = "hp", ["features"] = "wt" }, null, default));
        Assert.Contains("failed: column 'hp': the outcome must be 0 or 1 in every row.", error.Message, StringComparison.Ordinal);
        var missingColumn = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string> { ["outcome"] = "am", ["features"] = "hp,cyl" }, null, default));
        Assert.Contains("no column 'cyl' (parameter 'features')", missingColumn.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogisticRegressionWithDpIntermediatesOpensOnlyNoisedGradientsAndReportsItsEpsilon()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "logistic-regression.csx"));
        await using var federation = TestFederation.Create(2, "mtcars.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var parameters = new Dictionary<string, string>
        {
            ["outcome"] = "am", ["features"] = "hp,wt", ["reveal"] = "dp-intermediates", ["bounds"] = "hp=50:340,wt=1.5:5.5",
            ["steps"] = "6", ["epsilon"] = "2", ["lambda"] = "1",
        };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        Assert.Equal(["(Intercept)", "hp", "wt"], result.Outputs["coefficients"].Labels);
        Assert.Equal(6 * 3, result.Outputs["gradients"].Values.Length);
        Assert.InRange(result.Outputs["privacy_spent"].Values[0], 1.9, 2.0);
        // One noised row count and six gradient sums, each recorded with its mechanism and sensitivities.
        Assert.Equal(7, result.PrivateReleases.Count);
        Assert.All(result.PrivateReleases, r => Assert.StartsWith("distributed-skellam", r, StringComparison.Ordinal));

        var missing = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["bounds"] = "hp=50:340" }, null, default));
        Assert.True(missing.Message.Contains("needs a public range for every feature, from domain knowledge and not from the data; missing: wt.", StringComparison.Ordinal), missing.Message);
    }

    [Fact]
    public async Task APooledGaussianBoltzmannMachineIsScoredOnQuartileBinsCutAtItsSyntheticRows()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx"));
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true });
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = "age,time", ["reveal"] = "exact-intermediates", ["visible"] = "gaussian", ["model"] = "rbm", ["hidden"] = "4", ["epochs"] = "2", ["batch_size"] = "25",
            ["learning_rate"] = "0.001", ["samples"] = "60", ["burn_in"] = "5",
        };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        var table = Mpc.Data.CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        var real = Enumerable.Range(0, table.RowCount).Select(i => new[] { table.Column("age")[i], table.Column("time")[i] }).ToList();
        var synthetic = result.Outputs["synthetic"].Values.Chunk(2).ToList();
        // The same coding in the clear: quartiles of the synthetic rows cut both sides into 4 levels per column.
        var cuts = Mpc.Boltzmann.SyntheticDataEvaluation.QuantileCuts(synthetic, 4);
        var realCodes = real.Select(r => Mpc.Boltzmann.SyntheticDataEvaluation.BinOneHot(r, cuts)).ToList();
        var syntheticCodes = synthetic.Select(r => Mpc.Boltzmann.SyntheticDataEvaluation.BinOneHot(r, cuts)).ToList();
        AssertUtilityEqualsClear(result.Outputs["utility"].Values, realCodes, syntheticCodes, 2, [4, 4]);
        // The distance quantiles on the continuous grid equal the clear ones of every party's rows pooled (the federation
        // splits lung.csv in row order, as TestFederation does).
        var parts = TestFederation.SplitRows(real, 3);
        var expected = Mpc.Boltzmann.SecureSyntheticEvaluation.ContinuousDistanceQuantiles(parts, synthetic, Mpc.Scripting.BoltzmannApi.PrivacyProbabilities);
        var privacy = result.Outputs["privacy"].Values;
        Assert.Equal(expected.Length, privacy.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], privacy[i], 6);
        Assert.True(expected[2] > 0, "the median DCR of continuous rows is not 0");
    }

    [Fact]
    public async Task APooledBoltzmannMachineRevealsOnlyItsModelMonitoringAndSyntheticRowsToTheAnalyst()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx"));
        await using var federation = TestFederation.Create(3, "blocks-in-noise.csv");
        // Minimum cell count 1: the share of exact copies opens whatever a party's copied rows (the next test checks the limit).
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 1 });
        var columns = string.Join(",", Enumerable.Range(1, 12).Select(j => $"x{j}"));
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = columns, ["reveal"] = "exact-intermediates", ["model"] = "dbm", ["hidden"] = "6,4", ["epochs"] = "2", ["fine_tuning_epochs"] = "2", ["batch_size"] = "100",
            ["monitor_every"] = "1", ["samples"] = "20", ["burn_in"] = "5",
        };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        // The secure scores equal the clear-text scores of the synthetic rows against all parties' rows together.
        var real = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "blocks-in-noise.csv")).Skip(1)
            .Select(line => line.Split(',').Take(12).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();
        var synthetic = result.Outputs["synthetic"].Values.Chunk(12).ToList();
        AssertUtilityEqualsClear(result.Outputs["utility"].Values, real, synthetic, 12);
        // The distance check equals the clear one against the pooled rows (DCR and NNDR quantiles, share of exact copies).
        var parts = TestFederation.SplitRows(real, 3);
        var privacy = result.Outputs["privacy"].Values;
        var expectedPrivacy = Mpc.Boltzmann.SecureSyntheticEvaluation.DistanceQuantiles(parts, synthetic, Mpc.Scripting.BoltzmannApi.PrivacyProbabilities);
        Assert.Equal(7, privacy.Length);
        for (int i = 0; i < privacy.Length; i++) Assert.Equal(expectedPrivacy[i], privacy[i], 6);
        Assert.DoesNotContain("privacy_holdout", result.Outputs.Keys);
        // W1 12x6, W2 6x4, biases 12 + 6 + 4.
        Assert.Equal(12 * 6 + 6 * 4 + 22, result.Outputs["model"].Values.Length);
        Assert.Equal(20 * 12, result.Outputs["synthetic"].Values.Length);
        Assert.All(result.Outputs["synthetic"].Values, v => Assert.True(v is 0 or 1));
        Assert.DoesNotContain("pooled_sums", result.Outputs.Keys);
        var monitoring = result.Outputs["monitoring"].Values;
        Assert.Equal(0, monitoring.Length % 4);
        Assert.Contains(Enumerable.Range(0, monitoring.Length / 4), k => monitoring[4 * k] == 0 && monitoring[4 * k + 2] == 3);
        Assert.Empty(result.PrivateReleases);

        var dp = await federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["reveal"] = "dp-intermediates", ["epsilon"] = "3", ["model"] = "rbm", ["hidden"] = "6" }, null, default);
        Assert.InRange(dp.Outputs["privacy_spent"].Values[0], 2.8, 3.0);
        // A noised row count, then per epoch 5 gradient steps (batch 100 of 500 rows) and one monitoring release.
        // (the noised count may move the number of steps per epoch, round(count / 100), off 5.)
        Assert.InRange(dp.PrivateReleases.Count, 1 + 2 * 4 + 2, 1 + 2 * 6 + 2);
        Assert.Contains(dp.PrivateReleases, r => r.Contains("sampling rate 0.", StringComparison.Ordinal));
        // Exact scores of the real rows would fall outside the DP guarantee: a DP run has none.
        Assert.DoesNotContain("utility", dp.Outputs.Keys);
        Assert.DoesNotContain("privacy", dp.Outputs.Keys);

        var held = await federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["model"] = "rbm", ["hidden"] = "6", ["holdout"] = "0.2" }, null, default);
        Assert.Single(held.Outputs["privacy_holdout"].Values);
        Assert.InRange(held.Outputs["privacy_holdout"].Values[0], 0, 1);

        var bad = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["model"] = "rbm", ["hidden"] = "0" }, null, default));
        Assert.Contains("hidden: '0' is not a positive number of hidden units.", bad.Message, StringComparison.Ordinal);
        var layers = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["epochs"] = "1,2,3" }, null, default));
        Assert.Contains("epochs: give one value, or one per hidden layer (2); 3 were given.", layers.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonitoringRowsEachPartySplitsOffGiveTheFinalModelsPooledLogLikelihoodOnThem()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx"));
        await using var federation = TestFederation.Create(3, "blocks-in-noise.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 1 });
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = string.Join(",", Enumerable.Range(1, 12).Select(j => $"x{j}")), ["reveal"] = "exact-intermediates", ["model"] = "rbm", ["hidden"] = "6",
            ["epochs"] = "4", ["batch_size"] = "50", ["monitor_every"] = "2", ["samples"] = "20", ["burn_in"] = "5", ["evaluate"] = "false", ["monitoring"] = "0.2", ["seed"] = "7",
        };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        var real = BlocksInNoiseRows(12);
        // Each party's split as the script documents it: a shuffle seeded by seed * 1000003 + party index + 1, its first fifth kept for monitoring.
        var parts = TestFederation.SplitRows(real, 3);
        var held = parts.SelectMany((rows, p) =>
        {
            var order = Enumerable.Range(0, rows.Count).ToArray();
            new Random(7 * 1_000_003 + p + 1).Shuffle(order);
            return order[..(int)Math.Round(0.2 * rows.Count)].Select(i => rows[i]);
        }).ToList();
        var values = result.Outputs["model"].Values;
        var rbm = Mpc.Boltzmann.TrainedModel.FromParameters(Mpc.Boltzmann.ModelKind.Rbm, [12, 6], Mpc.Boltzmann.VisibleKind.Bernoulli, null, values).Layers[0];
        var series = result.Outputs["monitoring_heldout"].Values.Chunk(4).ToList();
        // Epochs 2 and 4, reconstruction error (0) and log-likelihood (2) each; log Z stays in monitoring.
        Assert.Equal([2, 2, 4, 4], series.Select(q => q[1]));
        Assert.Equal([0, 2, 0, 2], series.Select(q => q[2]));
        Assert.Equal(rbm.LogLikelihood(held, rbm.ExactLogPartition()), series[3][3], 4);
        Assert.Equal(held.Average(v => rbm.ReconstructionError(v)), series[2][3], 4);
        // The training curve is there too, over the other rows: not the same values.
        var training = result.Outputs["monitoring"].Values.Chunk(4).Last(q => q[2] == 2);
        Assert.NotEqual(series[3][3], training[3]);

        var dp = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["reveal"] = "dp-intermediates" }, null, default));
        Assert.Contains("monitoring rows need reveal=exact-intermediates", dp.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevealedModelGivenBackAsStartModelContinuesUnderDpWithItsEpochsNumberedAfterTheFirstRun()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx"));
        await using var federation = TestFederation.Create(3, "blocks-in-noise.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 1 });
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = string.Join(",", Enumerable.Range(1, 12).Select(j => $"x{j}")), ["reveal"] = "exact-intermediates", ["model"] = "rbm", ["hidden"] = "6",
            ["epochs"] = "2", ["batch_size"] = "50", ["monitor_every"] = "1", ["samples"] = "10", ["burn_in"] = "5", ["evaluate"] = "false",
        };
        var first = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        string model = string.Join(",", first.Outputs["model"].Values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        // Exact sums of a model the analyst chose are chosen queries: continuing needs DP.
        var exact = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(parameters) { ["start_model"] = model, ["epochs_done"] = "2" }, null, default));
        Assert.Contains("start_model needs reveal=dp-intermediates", exact.Message, StringComparison.Ordinal);
        var dp = new Dictionary<string, string>(parameters) { ["reveal"] = "dp-intermediates", ["epsilon"] = "5", ["start_model"] = model };
        // No further epochs: the model comes back as it was given, and nothing is released.
        var same = await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(dp) { ["epochs"] = "0" }, null, default);
        Assert.Equal(first.Outputs["model"].Values, same.Outputs["model"].Values);
        var next = await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(dp) { ["epochs_done"] = "2" }, null, default);
        var series = next.Outputs["monitoring"].Values.Chunk(4).ToList();
        Assert.Equal([3.0, 4.0], series.Select(q => q[1]).Distinct());
        Assert.NotEqual(first.Outputs["model"].Values, next.Outputs["model"].Values);
        Assert.True(next.Outputs["privacy_spent"].Values[0] is > 0 and <= 5, $"epsilon spent {next.Outputs["privacy_spent"].Values[0]}");
        var wrong = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string>(dp) { ["hidden"] = "5" }, null, default));
        // A parameter problem: its text (77 parameters expected, 90 given) stays in the party's log.
        Assert.True(wrong.Message.Contains("the script's parameters do not fit", StringComparison.Ordinal), wrong.Message);
    }

    [Fact]
    public async Task ConditionalSamplesAreScoredAgainstTheRowsThatSatisfyTheCondition()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx"));
        await using var federation = TestFederation.Create(3, "blocks-in-noise.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 1 });
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = string.Join(",", Enumerable.Range(1, 8).Select(j => $"x{j}")), ["reveal"] = "exact-intermediates", ["model"] = "rbm", ["hidden"] = "6",
            ["epochs"] = "5", ["batch_size"] = "50", ["monitor_every"] = "0", ["samples"] = "40", ["burn_in"] = "10", ["condition"] = "x1=1",
        };
        var result = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        var real = BlocksInNoiseRows(8);
        var synthetic = result.Outputs["synthetic"].Values.Chunk(8).ToList();
        Assert.All(synthetic, r => Assert.Equal(1, r[0]));
        // x1 = 1 marks block 1 (x1..x5 all ones) in most rows: its marginals are far from all rows' ones.
        var satisfying = real.Where(r => r[0] == 1).ToList();
        Assert.True(satisfying.Average(r => r[1]) > real.Average(r => r[1]) + 0.3, "the condition changes the marginals");
        AssertUtilityEqualsClear(result.Outputs["utility"].Values, satisfying, synthetic, 8);
        var (allRowsL1, _) = Mpc.Boltzmann.SyntheticDataEvaluation.Marginals(real, synthetic, 1, maxSets: 200);
        Assert.NotEqual(allRowsL1, result.Outputs["utility"].Values[0], 3);
        var parts = TestFederation.SplitRows(real, 3).Select(p => (IReadOnlyList<double[]>)p.Where(r => r[0] == 1).ToList()).ToList();
        var expected = Mpc.Boltzmann.SecureSyntheticEvaluation.DistanceQuantiles(parts, synthetic, Mpc.Scripting.BoltzmannApi.PrivacyProbabilities);
        var privacy = result.Outputs["privacy"].Values;
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], privacy[i], 6);
    }

    [Fact]
    public async Task TheUtilityOfConditionalSamplesIsRefusedWhereAPartysRowsSatisfyingTheConditionAreTooFewAGroup()
    {
        // Only the utility is scored (the privacy check has its own group check), so the utility's own check is what refuses.
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx"));
        var utilityOnly = ScriptCompiler.Compile(script.Source.Replace("await mpc.Output(\"privacy\", await mpc.Boltzmann.Privacy(fit, synthetic, mpc.Text(\"condition\")));", "",
            StringComparison.Ordinal), "utility-only", "utility-only.csx");
        Assert.NotEqual(script.Source, utilityOnly.Source);
        var parts = TestFederation.SplitRows(BlocksInNoiseRows(8), 3);
        int fewest = parts.Min(p => p.Count(r => r[0] == 1));
        Assert.True(fewest + 1 <= parts.Min(p => p.Count), "the limit must admit every party's dataset");
        await using var federation = TestFederation.Create(3, "blocks-in-noise.csv");
        federation.StartAll(approved: _ => [utilityOnly.Id], catalog: Catalog,
            privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 1, MinGroupSize = fewest + 1 });
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = string.Join(",", Enumerable.Range(1, 8).Select(j => $"x{j}")), ["reveal"] = "exact-intermediates", ["model"] = "rbm", ["hidden"] = "6",
            ["epochs"] = "2", ["batch_size"] = "50", ["monitor_every"] = "0", ["samples"] = "40", ["burn_in"] = "10", ["condition"] = "x1=1",
        };
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(utilityOnly, utilityOnly.Source, parameters, null, default));
        Assert.Contains(Mpc.Core.ErrorMessages.DisclosureRefused(1, fewest + 1), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheShareOfExactCopiesOpensOnlyWhereEveryPartysCopiedRowsMeetItsMinimumCellCount()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx"));
        var columns = string.Join(",", Enumerable.Range(1, 12).Select(j => $"x{j}"));
        var parameters = new Dictionary<string, string>
        {
            ["columns"] = columns, ["reveal"] = "exact-intermediates", ["model"] = "rbm", ["hidden"] = "6", ["epochs"] = "2", ["batch_size"] = "100",
            ["monitor_every"] = "0", ["samples"] = "40", ["burn_in"] = "5",
        };
        var real = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "blocks-in-noise.csv")).Skip(1)
            .Select(line => line.Split(',').Take(12).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();
        double[] synthetic;
        await using (var open = TestFederation.Create(3, "blocks-in-noise.csv"))
        {
            open.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 1 });
            synthetic = (await open.Client().RunAsync(script, script.Source, parameters, null, default)).Outputs["synthetic"].Values;
        }
        // The same training and sampling (public seeds) under a minimum cell count above every party's possible copies but 0.
        var copies = TestFederation.SplitRows(real, 3).Select(rows => Mpc.Boltzmann.SecureSyntheticEvaluation.LocalExactCopies(rows, [.. synthetic.Chunk(12)])).ToList();
        Assert.True(copies.Any(c => c > 0), "12 sparse units: some synthetic row copies a real one");
        await using var strict = TestFederation.Create(3, "blocks-in-noise.csv");
        strict.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: DatasetPrivacy.Default with { ExactIntermediates = true, MinCellCount = 41 });
        var refused = await Assert.ThrowsAsync<ProtocolAbortedException>(() => strict.Client().RunAsync(script, script.Source, parameters, null, default));
        Assert.Contains("its cells must hold 0 or at least 41", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheClientPrintsTheRegressionAsACoefficientTableWithGlmsWaldStatistics()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"mpc-coefficients-{Guid.NewGuid():N}");
        var sites = MtcarsSites(folder);
        string script = Path.Combine(TestFederation.RepositoryRoot(), "protocols", "logistic-regression.csx");
        using var run = MpcProcess.Start("local", script, "-d", sites[0], "-d", sites[1], "-p", "outcome=am", "-p", "features=hp,wt", "-p", "standard_errors=true");
        Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, string.Join("\n", run.Output));
        // R 4.2, summary(glm(am ~ hp + wt, family = binomial, data = mtcars)): estimate, std. error, z value, Pr(>|z|).
        // Compared as numbers (the secure fit is within 1e-3 of glm, so a printed last digit may differ).
        (string Term, double[] Values)[] expected =
        [
            ("(Intercept)", [18.86630, 7.44356, 2.535, 0.01126]),
            ("hp", [0.03626, 0.01773, 2.044, 0.04091]),
            ("wt", [-8.08348, 3.06868, -2.634, 0.00843]),
        ];
        var printed = run.Output.ToList();
        string all = string.Join("\n", printed);
        Assert.Contains(printed, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["Estimate", "Std.", "Error", "z", "value", "Pr(>|z|)"]);
        foreach (var (term, values) in expected)
        {
            // A row is the term, four numbers and, as printCoefmat, its significance stars.
            var row = printed.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).SingleOrDefault(t => t.Length is 5 or 6 && t[0] == term);
            Assert.True(row is not null, $"no row for {term} in:\n{all}");
            var numbers = row[1..5].Select(t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            // Estimate and standard error within 1e-3 of R's (relative, the issue's bound for the fit), so z within 0.005 and p within 2%.
            for (int k = 0; k < 2; k++) Assert.True(Math.Abs(numbers[k] - values[k]) <= 1e-3 * Math.Abs(values[k]), $"{term} column {k}: {numbers[k]} vs R {values[k]}\n{all}");
            Assert.True(Math.Abs(numbers[2] - values[2]) <= 0.005, $"{term} z: {numbers[2]} vs R {values[2]}\n{all}");
            Assert.True(Math.Abs(numbers[3] - values[3]) <= 0.02 * values[3], $"{term} p: {numbers[3]} vs R {values[3]}\n{all}");
        }
        // The same summary's last lines (R prints these three, with 3 decimals): the secure deviance is within 1e-4 of glm's.
        Assert.Contains(printed, l => l.Trim() == "Null deviance: 43.230  on 31  degrees of freedom");
        Assert.Contains(printed, l => l.Trim() == "Residual deviance: 10.059  on 29  degrees of freedom");
        Assert.Contains(printed, l => l.Trim() == "AIC: 16.059");
        Assert.Contains(printed, l => l.Trim() == "n = 32 (13 events)");
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task TheClientSaysWhyADpLogisticRegressionRevealsNoDeviance()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"mpc-dp-deviance-{Guid.NewGuid():N}");
        var sites = MtcarsSites(folder);
        string script = Path.Combine(TestFederation.RepositoryRoot(), "protocols", "logistic-regression.csx");
        using var run = MpcProcess.Start("local", script, "-d", sites[0], "-d", sites[1], "-p", "outcome=am", "-p", "features=hp,wt", "-p", "reveal=dp-intermediates",
            "-p", "bounds=hp=50:340,wt=1.5:5.5", "--json", Path.Combine(folder, "result.json"));
        Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(120)) == 0, string.Join("\n", run.Output));
        Assert.Contains(run.Output, l => l.Trim() == "deviance, AIC: not revealed (reveal=dp-intermediates opens only noised gradients; an exact deviance would be an exact aggregate of the rows)");
        Assert.DoesNotContain(run.Output, l => l.Contains("Residual deviance", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json")));
        var outputs = json.RootElement.GetProperty("outputs");
        foreach (var name in new[] { "deviance", "counts", "null_deviance", "aic" }) Assert.False(outputs.TryGetProperty(name, out _), name);
        Directory.Delete(folder, recursive: true);
    }

    // mtcars as two sites' files in a new folder: the first 16 cars and the other 16.
    private static string[] MtcarsSites(string folder)
    {
        Directory.CreateDirectory(folder);
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "mtcars.csv"));
        return [.. new[] { lines[1..17], lines[17..] }.Select((part, i) =>
        {
            string path = Path.Combine(folder, $"site-{i}.csv");
            File.WriteAllLines(path, part.Prepend(lines[0]));
            return path;
        })];
    }

    [Fact]
    public async Task ACategoricalBoltzmannMachineUnderMpcLocalWritesSyntheticRowsInTheirLevelsAndKeepsItsCondition()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"mpc-categorical-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "lung-categorical.csv"));
        int half = lines.Length / 2;
        var sites = new[] { lines[1..half], lines[half..] }.Select((part, i) =>
        {
            string path = Path.Combine(folder, $"site-{i}.csv");
            File.WriteAllLines(path, part.Prepend(lines[0]));
            return path;
        }).ToArray();
        string script = Path.Combine(TestFederation.RepositoryRoot(), "protocols", "boltzmann-machine.csx");
        const string Levels = "sex=female|male; age_group=<60|60-69|70+; ecog=0|1|2|3; one_year=alive|dead|censored";
        string[] Arguments(string levels, string output) =>
        [
            "local", script, "-d", sites[0], "-d", sites[1], "-p", "columns=sex,age_group,ecog,one_year", "-p", "reveal=exact-intermediates", "-p", "visible=categorical", "-p", $"levels={levels}",
            "-p", "hidden=8,4", "-p", "epochs=5,3", "-p", "learning_rate=0.4,0.2", "-p", "fine_tuning_epochs=3", "-p", "samples=40", "-p", "burn_in=10", "-p", "condition=sex=female", "-p", "monitor_every=0",
            "--json", Path.Combine(folder, "result.json"), "--out", output, "--allow-exact-intermediates",
        ];
        using (var run = MpcProcess.Start(Arguments(Levels, Path.Combine(folder, "out"))))
        {
            Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(180)) == 0, string.Join("\n", run.Output));
        }
        var csv = File.ReadAllLines(Path.Combine(folder, "out", "synthetic.csv"));
        Assert.True(new FileInfo(Path.Combine(folder, "out", "latent.png")).Length > 1000, "latent.png, the top-2 latent dimensions, is drawn");
        Assert.Equal("sex,age_group,ecog,one_year", csv[0]);
        Assert.Equal(41, csv.Length);
        var real = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "lung-categorical.csv"));
        foreach (var row in csv[1..].Select(l => l.Split(',')))
        {
            Assert.Equal("female", row[0]);
            Assert.Contains(row[1], new[] { "<60", "60-69", "70+" });
            Assert.Contains(row[2], new[] { "0", "1", "2", "3" });
            Assert.Contains(row[3], new[] { "alive", "dead", "censored" });
        }
        using (var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json"))))
        {
            var outputs = document.RootElement.GetProperty("outputs");
            // The visible layer: 2 + 3 + 4 + 3 one-hot units.
            Assert.Equal(12 * 8 + 8 * 4 + 12 + 8 + 4, outputs.GetProperty("model").GetArrayLength());
            // The secure scores equal the clear-text scores over the levels: marginals of the columns, log odds ratios of their dummies.
            string[][] levels = [["female", "male"], ["<60", "60-69", "70+"], ["0", "1", "2", "3"], ["alive", "dead", "censored"]];
            int[] groups = [2, 3, 4, 3];
            double[] OneHot(IReadOnlyList<int> codes)
            {
                var units = new double[12];
                for (int j = 0, start = 0; j < 4; start += groups[j], j++) units[start + codes[j]] = 1;
                return units;
            }
            var columns = new[] { "sex", "age_group", "ecog", "one_year" }.Select(c => real.Text(c).ToArray()).ToArray();
            // Sampled given sex=female, so scored against the female rows only.
            var realRows = Enumerable.Range(0, real.RowCount).Where(i => columns[0][i] == "female")
                .Select(i => OneHot([.. Enumerable.Range(0, 4).Select(j => Array.IndexOf(levels[j], columns[j][i]))])).ToList();
            var syntheticRows = Values(outputs.GetProperty("synthetic")).Chunk(4).Select(r => OneHot([.. r.Select(v => (int)v)])).ToList();
            AssertUtilityEqualsClear(Values(outputs.GetProperty("utility")), realRows, syntheticRows, 4, groups);
            var privacy = Values(outputs.GetProperty("privacy"));
            Assert.Equal(7, privacy.Length);
            // On one-hot units a distance is sqrt(2) times the root of the number of columns that differ.
            Assert.All(privacy[..3], d => Assert.Contains(Enumerable.Range(0, 5).Select(m => Math.Sqrt(2 * m)), v => Math.Abs(v - d) < 1e-6));
            // Against all female rows in one place (the split does not matter): the same quantiles and share of exact copies.
            var expectedPrivacy = Mpc.Boltzmann.SecureSyntheticEvaluation.DistanceQuantiles([realRows], syntheticRows, Mpc.Scripting.BoltzmannApi.PrivacyProbabilities);
            for (int i = 0; i < privacy.Length; i++) Assert.Equal(expectedPrivacy[i], privacy[i], 6);
        }

        // A level the parameters do not list stops the session naming the column (the party's own log has file, row and value).
        using var bad = MpcProcess.Start(Arguments(Levels.Replace("|3", "", StringComparison.Ordinal), Path.Combine(folder, "bad")));
        Assert.NotEqual(0, await bad.WaitForExitAsync(TimeSpan.FromSeconds(180)));
        int index = Array.FindIndex(real.Text("ecog").ToArray(), e => e == "3");
        string site = index + 1 < half ? sites[0] : sites[1];
        int line = index + 1 < half ? index + 2 : index + 2 - (half - 1);
        Assert.Contains(bad.Output, l => l.StartsWith("error:", StringComparison.Ordinal) && l.Contains("column 'ecog' holds a value that is not one of the levels given.", StringComparison.Ordinal));
        Assert.DoesNotContain(bad.Output, l => l.StartsWith("error:", StringComparison.Ordinal) && l.Contains($"row {line}", StringComparison.Ordinal));
        _ = site;
        Directory.Delete(folder, recursive: true);
    }

    // An output of `mpc local --json`: a number, an array of numbers, or an object from each value's label to it.
    private static double[] Values(JsonElement output) => output.ValueKind switch
    {
        JsonValueKind.Array => [.. output.EnumerateArray().Select(e => e.GetDouble())],
        JsonValueKind.Object => [.. output.EnumerateObject().Select(p => p.Value.GetDouble())],
        _ => [output.GetDouble()],
    };

    private const string CountsScript = """
        Parameter("epsilon", ParameterType.Number, "1", "Budget.");
        Output("counts", OutputKind.DifferentiallyPrivate, "Noised counts.");
        Output("more", OutputKind.DifferentiallyPrivate, "More noised counts.");
        Run(async mpc =>
        {
            var local = new double[] { mpc.Rows, 1 };
            MODE
        });
        """;

    [Theory]
    [InlineData("await mpc.Output(\"counts\", await mpc.SumAcrossParties(local));", "Opening of 'counts' refused: it is declared differentially private and must be released with its noise.")]
    [InlineData("await mpc.ReleaseCounts(\"counts\", local, 0.7, 1e-5, 1); await mpc.ReleaseCounts(\"more\", local, 0.7, 1e-5, 1);", "Opening of 'more' refused: it would bring the session's epsilon to 1.02 (delta 1E-05, composed in RDP) where its budget is 1 and 0.6997 is spent.")]
    [InlineData("await mpc.ReleaseCounts(\"counts\", local, 1, 1e-5, 1, 0, 0);", "Opening of 'counts' refused: a DP release must declare positive L1 and L2 sensitivities.")]
    public async Task DifferentiallyPrivateOutputsNeedTheirNoiseASensitivityAndBudget(string body, string message)
    {
        var script = Compile(CountsScript.Replace("MODE", body, StringComparison.Ordinal), "dp-" + Math.Abs(body.GetHashCode(StringComparison.Ordinal)));
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADpReleaseWithinTheBudgetReachesTheAnalystNoised()
    {
        var script = Compile(CountsScript.Replace("MODE", "await mpc.ReleaseCounts(\"counts\", local, 1, 1e-5, 2);", StringComparison.Ordinal), "dp-ok");
        await using var federation = TestFederation.Create(2);
        // The script sizes noise for 2 honest parties, so the parties must assume as many.
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: new DatasetPrivacy(HonestParties: 2));
        var result = await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default);
        var counts = result.Outputs["counts"].Values;
        // 228 rows and 2 ones, plus Skellam noise of variance about 2 mu (mu ~ 12 at epsilon 1): far within 60.
        Assert.InRange(counts[0], 228 - 60, 228 + 60);
        Assert.InRange(counts[1], 2 - 60, 2 + 60);
        Assert.Equal(Math.Round(counts[0]), counts[0]);
    }

    [Fact]
    public async Task ASessionThatWouldExceedTheDatasetsBudgetIsRefusedSayingWhatIsLeft()
    {
        var script = Compile(CountsScript.Replace("MODE", "await mpc.ReleaseCounts(\"counts\", local, mpc.Number(\"epsilon\"), 1e-5, 1);", StringComparison.Ordinal), "dp-budget");
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, budget: 1.2);
        await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default);
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default));
        Assert.Equal(2, error.Refusals.Count);
        Assert.Matches(@"^the session's epsilon 1 would bring dataset lung to 1\.\d+ of its budget 1\.2 \(delta 1E-05\); 0\.\d+ is left$", error.Refusals[0].Reason);
        // A smaller session still fits.
        var small = await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string> { ["epsilon"] = "0.2" }, null, default);
        Assert.Equal(2, small.Outputs["counts"].Values.Length);
        Assert.Equal(2, new Mpc.Ledger.PrivacyLedger(federation.LedgerOf(0)).Releases().Count);
    }

    // The script's secure utility equals the clear-text metrics of the same rows: mean L1 and maximum deviation of the 1- to
    // min(4, columns)-way marginals over the same 200 variable sets per order, then the log-odds-ratio error.
    // The first columns of the example blocks-in-noise rows, pooled in file order.
    private static List<double[]> BlocksInNoiseRows(int columns) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "blocks-in-noise.csv")).Skip(1)
            .Select(line => line.Split(',').Take(columns).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToList();

    private static void AssertUtilityEqualsClear(double[] utility, IReadOnlyList<double[]> real, IReadOnlyList<double[]> synthetic, int columns, int[]? groups = null)
    {
        int orders = Math.Min(4, columns);
        Assert.Equal(2 * orders + 1, utility.Length);
        for (int k = 1; k <= orders; k++)
        {
            var (l1, max) = Mpc.Boltzmann.SyntheticDataEvaluation.Marginals(real, synthetic, k, maxSets: 200, groups: groups);
            Assert.Equal(l1, utility[2 * k - 2], 6);
            Assert.Equal(max, utility[2 * k - 1], 6);
        }
        Assert.Equal(Mpc.Boltzmann.SyntheticDataEvaluation.LogOddsRatioError(real, synthetic, groups), utility[2 * orders], 6);
    }
}
