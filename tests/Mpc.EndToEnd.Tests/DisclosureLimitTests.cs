using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// The party's disclosure limits on exact outputs (DataSHIELD's nfilter.tab and nfilter.subset), over
/// real TLS with scripts in their confined workers: a cell or group that holds between 1 and the
/// party's minimum of its own rows stops the session before the party contributes, the analyst and
/// the peers learn the output, the column and the limit but never which cell or its size, and the
/// refusal counts against the analyst's data refusals.
/// </summary>
public class DisclosureLimitTests
{
    private static readonly ProtocolCatalog Catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));

    // A histogram script as an analyst would write one: each party counts its own rows per public bin.
    private const string Histogram = """
        Parameter("column", ParameterType.Column, null, "The numeric column.");
        Parameter("edges", ParameterType.NumberList, "60", "Increasing bin edges.");
        Output("counts", OutputKind.Counts, "Rows per bin over all parties.");
        Run(async mpc =>
        {
            var edges = mpc.Numbers("edges");
            var counts = new double[edges.Length + 1];
            foreach (var value in mpc.Column(mpc.Text("column"))) counts[edges.Count(edge => value >= edge)]++;
            await mpc.OutputCounts("counts", await mpc.SumAcrossParties(counts, integer: true), counts, mpc.Text("column"));
        });
        """;

    private static Dictionary<string, string> Parameters(params (string Name, string Value)[] values) => values.ToDictionary(v => v.Name, v => v.Value);

    // The lung rows each of two parties holds, as TestFederation splits them.
    private static IReadOnlyList<IReadOnlyList<double>> AgesByParty()
    {
        var table = Mpc.Data.CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        return TestFederation.SplitRows(table.Column("age"), 2);
    }

    [Fact]
    public async Task AHistogramBinHoldingFewerRowsThanThePartysMinimumIsRefusedWithoutItsSizeAndOnlyThePartyLogNamesIt()
    {
        // The oldest patients: each party holds one or two aged 80 or more.
        var ages = AgesByParty();
        Assert.All(ages, party => Assert.InRange(party.Count(a => a >= 80), 1, 2));
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() =>
            federation.Client().RunAsync("pooled-statistics", Parameters(("edges", "50,60,70,80")), null, default));
        // The same words for every refusal: which output, column or limit stays in the party's log.
        Assert.Contains(Mpc.Core.ErrorMessages.DisclosureRefused(3, 3), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("histogram", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" 1 ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(" 2 ", error.Message, StringComparison.Ordinal);
        // Only the parties' own logs say which bin and how many rows.
        var detail = await federation.Logs[0].WaitForAsync("output 'histogram': cell 4 of column 'age' holds", TimeSpan.FromSeconds(30));
        Assert.Contains($"holds {ages[0].Count(a => a >= 80)} rows, below the minimum cell count of 3", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WideEnoughBinsPassAndMatchTheClearTextWhileAPartyThatAllowsCellsOfOneReleasesTheNarrowOnes()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll(privacy: DatasetPrivacy.Default with { MinCellCount = 1 });
        var narrow = await federation.Client().RunAsync("pooled-statistics", Parameters(("edges", "50,60,70,80")), null, default);
        var all = AgesByParty().SelectMany(a => a).ToArray();
        double[] edges = [50, 60, 70, 80];
        var expected = new double[edges.Length + 1];
        foreach (var age in all) expected[edges.Count(e => age >= e)]++;
        Assert.Equal(expected, narrow.Outputs["histogram"].Values);
    }

    [Fact]
    public async Task AMeanOverAGroupSmallerThanThePartysMinimumGroupSizeIsRefused()
    {
        // The group 'age = 81' holds one patient, at one party; the other holds none (0 is allowed).
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() =>
            federation.Client().RunAsync("pooled-statistics", Parameters(("group", "age"), ("levels", "81")), null, default));
        Assert.Contains("hospital-a failed: " + Mpc.Core.ErrorMessages.DisclosureRefused(3, 3), error.Message, StringComparison.Ordinal);
        await federation.Logs[0].WaitForAsync("output 'mean_time_by_group': group 0 of column 'age' holds 1 rows, below the minimum group size of 3.", TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("hospital-b failed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VectorSumIsRefusedWhereverGroupsOfOneRowAreNotAllowed()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() =>
            federation.Client().RunAsync("vector-sum", Parameters(("column", "age")), null, default));
        Assert.Contains(Mpc.Core.ErrorMessages.DisclosureRefused(3, 3), error.Message, StringComparison.Ordinal);
        await federation.Logs[0].WaitForAsync("output 'sum': group 0 of column 'age' holds 1 rows, below the minimum group size of 3.", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ADatasetSmallerThanThePartysMinimumGroupSizeIsRefusedAtAdmission()
    {
        await using var federation = TestFederation.Create(2);
        File.WriteAllLines(federation.DataFiles[1], File.ReadAllLines(federation.DataFiles[1]).Take(3));
        federation.StartAll();
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() =>
            federation.Client().RunAsync("secure-sum", Parameters(("columns", "age")), null, default));
        Assert.Contains("dataset 'lung' holds fewer rows than the party's minimum group size of 3.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("holds 2 rows", error.Message, StringComparison.Ordinal);
        await federation.Logs[1].WaitForAsync("dataset 'lung' holds 2 rows, below the minimum group size of 3.", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AScriptsCountsAreCheckedByTheDaemonAndEachRefusalCountsAgainstTheAnalystsDataRefusals()
    {
        var script = ScriptCompiler.Compile(Histogram, "histogram", "histogram.csx");
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, dataRefusalsPerDay: 2);
        // Wide bins pass, through the worker's relay to the daemon's policy, and equal the clear text.
        var wide = await federation.Client().RunAsync(script, script.Source, Parameters(("column", "age"), ("edges", "60")), null, default);
        var all = AgesByParty().SelectMany(a => a).ToArray();
        Assert.Equal([all.Count(a => a < 60), all.Count(a => a >= 60)], wide.Outputs["counts"].Values);
        // An analyst probing one patient's age bin by bin is refused, and then refused altogether for the day.
        for (int probe = 0; probe < 2; probe++)
        {
            var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() =>
                federation.Client().RunAsync(script, script.Source, Parameters(("column", "age"), ("edges", (81 + probe).ToString(System.Globalization.CultureInfo.InvariantCulture))), null, default));
            Assert.Contains(Mpc.Core.ErrorMessages.DisclosureRefused(3, 3), error.Message, StringComparison.Ordinal);
        }
        var used = await Assert.ThrowsAsync<SessionRefusedException>(() =>
            federation.Client().RunAsync(script, script.Source, Parameters(("column", "age"), ("edges", "60")), null, default));
        Assert.Contains("requests on dataset 'lung' for problems in the data within 24 hours", used.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACountOutputOpensOnlyAfterThePartyCheckedItsCells()
    {
        // The script reveals its counts with Output, not OutputCounts: the daemon's policy refuses them unchecked.
        var script = ScriptCompiler.Compile(Histogram.Replace("await mpc.OutputCounts(\"counts\", await mpc.SumAcrossParties(counts, integer: true), counts, mpc.Text(\"column\"));",
            "await mpc.Output(\"counts\", await mpc.SumAcrossParties(counts, integer: true));", StringComparison.Ordinal), "unchecked-histogram", "unchecked-histogram.csx");
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() =>
            federation.Client().RunAsync(script, script.Source, Parameters(("column", "age")), null, default));
        Assert.Contains(Mpc.Core.ErrorMessages.CountsNotChecked("counts"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLogrankGroupCountsAreRefusedAtTheDefaultLimitsWhereAPartyHoldsTwoCensoredWomen()
    {
        // lung's rows in file order leave the first of three parties 2 censored women: revealing n and observed would tell it.
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "kaplan-meier.csx"));
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var parameters = Parameters(("group", "sex"), ("levels", "1,2"), ("horizon", "1022"), ("reveal_groups", "true"), ("curve", "false"));
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source, parameters, null, default));
        Assert.Contains("hospital-a failed: " + Mpc.Core.ErrorMessages.DisclosureRefused(3, 3), error.Message, StringComparison.Ordinal);
        await federation.Logs[0].WaitForAsync("output 'observed': cell 3 of column 'status' holds 2 rows, below the minimum cell count of 3.", TimeSpan.FromSeconds(30));
        // The test alone describes groups of 48 and 28 rows at that party: it passes.
        parameters.Remove("reveal_groups");
        var test = await federation.Client().RunAsync(script, script.Source, parameters, null, default);
        Assert.True(Math.Abs(test.Outputs["chi2"].Values[0] - 10.32674) <= 1e-6 * 10.32674);
    }

    [Fact]
    public void AnExactIntermediateNeedsThePartysPermissionWhileADataCheckDoesNot()
    {
        OutputDefinition[] outputs = [new("pooled_sums", OutputKind.ExactIntermediate, ""), new("constant_features", OutputKind.DataCheck, "")];
        var strict = new DeclaredOutputsPolicy(outputs, limits: DatasetPrivacy.Default.LimitsFor("lung"));
        var error = Assert.Throws<RevealRefusedException>(() => strict.CheckReveal("pooled_sums", 4, RevealRecipient.Everyone));
        Assert.Contains("privacy.lung.exactIntermediates", error.Message, StringComparison.Ordinal);
        strict.CheckReveal("constant_features", 2, RevealRecipient.Everyone);
        Assert.Throws<RevealRefusedException>(() => strict.CheckReveal("constant_features", 2, RevealRecipient.Analyst));
        var allowing = new DeclaredOutputsPolicy(outputs, limits: (DatasetPrivacy.Default with { ExactIntermediates = true }).LimitsFor("lung"));
        allowing.CheckReveal("pooled_sums", 4, RevealRecipient.Everyone);
    }

    [Theory]
    [InlineData("0", "1", true)]
    [InlineData("2", "1", true)]
    [InlineData("3", "1", false)]
    [InlineData("NaN", "1", true)]
    [InlineData("-1", "1", true)]
    public void ACellPassesOnlyWhenItIsZeroOrAtLeastTheMinimum(string first, string minimum, bool refusedAtThree)
    {
        double size = double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        var policy = new DeclaredOutputsPolicy([new OutputDefinition("counts", OutputKind.Counts, "")], limits: new DisclosureLimits("lung", 3, int.Parse(minimum, System.Globalization.CultureInfo.InvariantCulture), false));
        var check = () => policy.CheckDisclosure("counts", DisclosureKind.CellCounts, "age", [size, 0, 7]);
        if (refusedAtThree && size != 0)
        {
            var error = Assert.Throws<DisclosureRefusedException>(check);
            Assert.DoesNotContain(first, error.PublicMessage, StringComparison.Ordinal);
            Assert.Contains($"holds {first} rows", error.Detail, StringComparison.Ordinal);
            Assert.Throws<RevealRefusedException>(() => policy.CheckReveal("counts", 3, RevealRecipient.Analyst));
        }
        else
        {
            check();
            policy.CheckReveal("counts", 3, RevealRecipient.Analyst);
        }
        // A check under a name the protocol did not declare is refused: its name would go into public text.
        Assert.Throws<RevealRefusedException>(() => policy.CheckDisclosure("undeclared", DisclosureKind.CellCounts, "age", [5]));
    }

    [Fact]
    public void ThePartyConfigurationReadsTheLimitsAndRefusesNonsense()
    {
        string directory = Directory.CreateTempSubdirectory("mpc-limits-").FullName;
        File.WriteAllText(Path.Combine(directory, "lung.csv"), "age\n70\n");
        string Write(string privacy) => WriteConfiguration(directory, privacy);
        var configuration = PartyConfiguration.Load(Write("""{ "minCellCount": 5, "minGroupSize": 10, "exactIntermediates": true }"""));
        Assert.Equal(DatasetPrivacy.Default with { MinCellCount = 5, MinGroupSize = 10, ExactIntermediates = true }, configuration.PrivacyOf("lung"));
        Assert.Equal(DatasetPrivacy.Default, PartyConfiguration.Load(Write("{}")).PrivacyOf("lung"));
        var error = Assert.ThrowsAny<Exception>(() => PartyConfiguration.Load(Write("""{ "minCellCount": 0, "minGroupSize": 2.5, "exactIntermediates": "yes" }""")));
        Assert.Contains("privacy.lung.minCellCount: must be at least 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("privacy.lung.minGroupSize: must be a whole number", error.Message, StringComparison.Ordinal);
        Assert.Contains("privacy.lung.exactIntermediates: must be true or false.", error.Message, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void ThePartyConfigurationReadsColumnBoundsAndRefusesEmptyOrMalformedOnes()
    {
        string directory = Directory.CreateTempSubdirectory("mpc-bounds-").FullName;
        File.WriteAllText(Path.Combine(directory, "lung.csv"), "age\n70\n");
        string Write(string privacy) => WriteConfiguration(directory, privacy);
        var privacy = PartyConfiguration.Load(Write("""{ "bounds": { "age": [18, 100] } }""")).PrivacyOf("lung");
        Assert.Equal(new ColumnRange(18, 100), privacy.Bounds!["age"]);
        Assert.Equal(new ColumnRange(18, 100), privacy.LimitsFor("lung").Bounds!["age"]);
        Assert.Null(PartyConfiguration.Load(Write("{}")).PrivacyOf("lung").Bounds);
        var error = Assert.ThrowsAny<Exception>(() => PartyConfiguration.Load(Write("""{ "bounds": { "age": [100, 18], "time": [5] } }""")));
        Assert.Contains("privacy.lung.bounds.age: must be [lower, upper]", error.Message, StringComparison.Ordinal);
        Assert.Contains("privacy.lung.bounds.time: must be [lower, upper]", error.Message, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    // A party configuration over a one-row lung.csv in the directory, with the given privacy settings for it.
    private static string WriteConfiguration(string directory, string privacy)
    {
        string path = Path.Combine(directory, "party.json");
        File.WriteAllText(path, $$"""{ "name": "hospital-a", "datasets": { "lung": "lung.csv" }, "protocols": [], "privacy": { "lung": {{privacy}} } }""");
        return path;
    }

    // Fills party 0's one missing ph.ecog, so the column has four levels, one of which (3) holds a single patient at that party.
    private static void FillMissingEcog(TestFederation federation)
    {
        var lines = File.ReadAllLines(federation.DataFiles[0]);
        File.WriteAllLines(federation.DataFiles[0], lines.Select((l, i) => i > 0 && l.EndsWith(',') ? l + "1" : l));
    }

    [Fact]
    public async Task ATotalOfACategoricalColumnIsCheckedAsTheCountsOfItsCategories()
    {
        // The total of ph.ecog with its histogram tells how many patients have ecog 3 (attack A of the review).
        await using var federation = TestFederation.Create(2);
        FillMissingEcog(federation);
        federation.StartAll();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync("secure-sum", Parameters(("columns", "ph.ecog")), null, default));
        Assert.Contains("hospital-a failed: " + Mpc.Core.ErrorMessages.DisclosureRefused(3, 3), error.Message, StringComparison.Ordinal);
        await federation.Logs[0].WaitForAsync("output 'sum': cell", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task TheRowsOutsideTheChosenLevelsAreAGroupToo()
    {
        // Levels 0,1,2 leave the one ecog-3 patient as the complement, which the dataset's mean would reveal by difference.
        await using var federation = TestFederation.Create(2);
        FillMissingEcog(federation);
        federation.StartAll();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() =>
            federation.Client().RunAsync("pooled-statistics", Parameters(("group", "ph.ecog"), ("levels", "0,1,2")), null, default));
        Assert.Contains("hospital-a failed: " + Mpc.Core.ErrorMessages.DisclosureRefused(3, 3), error.Message, StringComparison.Ordinal);
        await federation.Logs[0].WaitForAsync("output 'mean_time_by_group': group 3 of column 'ph.ecog' holds 1 rows", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task AScriptCannotReplaceALibraryResultsCellsWithItsOwn()
    {
        // OutputCounts on the logrank's observed counts checks the library's cells as well as the script's (attack C).
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "kaplan-meier.csx"));
        var forged = ScriptCompiler.Compile(script.Source.Replace("await mpc.Output(\"observed\", test.Observed);",
            "await mpc.OutputCounts(\"observed\", test.Observed, new double[] { mpc.Rows }, mpc.Text(\"event\"));", StringComparison.Ordinal), "forged-km", "forged-km.csx");
        Assert.NotEqual(script.Source, forged.Source);
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [forged.Id], catalog: Catalog);
        var parameters = Parameters(("group", "sex"), ("levels", "1,2"), ("horizon", "1022"), ("reveal_groups", "true"), ("curve", "false"));
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(forged, forged.Source, parameters, null, default));
        Assert.Contains("hospital-a failed: " + Mpc.Core.ErrorMessages.DisclosureRefused(3, 3), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALibraryOpensExactIntermediatesOnlyUnderANameDeclaredAsOne()
    {
        // A data check's name does not let the Boltzmann library open every step's exact sums (attack D).
        var script = ScriptCompiler.Compile("""
            Parameter("c", ParameterType.ColumnList, "status", "Columns.");
            Output("constant_features", OutputKind.DataCheck, "One bit per feature.");
            Output("model", "The model.");
            Run(async mpc =>
            {
                var fit = await mpc.Boltzmann.Train("rbm", mpc.List("c"), "bernoulli", "2", 1, 0.1, 1, "exact-intermediates", new TrainingSettings(), exactOutput: "constant_features");
                await mpc.Output("model", mpc.Public(fit.Model.Parameters()));
            });
            """, "datacheck-boltzmann", "datacheck-boltzmann.csx");
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source, Parameters(), null, default));
        Assert.Contains("the script threw an exception", error.Message, StringComparison.Ordinal);
        await federation.Logs[0].WaitForAsync("OutputKind.ExactIntermediate", TimeSpan.FromSeconds(180));
    }
}
