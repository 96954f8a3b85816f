using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>The party's privacy settings against a hostile analyst with approved scripts, and the per-party signed ledgers.</summary>
public class PrivacyLedgerSessionTests
{
    private static readonly ProtocolCatalog Catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));

    private const string Parameterised = """
        Parameter("epsilon", ParameterType.Number, "1", "Budget.");
        Parameter("delta", ParameterType.Number, "1e-5", "Delta.");
        Parameter("honest_parties", ParameterType.Integer, "1", "Honest parties.");
        Output("counts", OutputKind.DifferentiallyPrivate, "Noised counts.");
        Run(async mpc => await mpc.ReleaseCounts("counts", new double[] { mpc.Rows }, mpc.Number("epsilon"), mpc.Number("delta"), mpc.Integer("honest_parties")));
        """;

    private static ScriptProtocol Compile(string source, string name) => ScriptCompiler.Compile(source, name, name + ".csx");

    [Theory]
    [InlineData("delta", "0.5", "delta 0.5 is larger than the delta 1E-05 hospital-a allows for this dataset")]
    [InlineData("delta", "-1", "delta '-1' must be a positive number")]
    [InlineData("honest_parties", "2", "honest_parties 2 is above the 1 honest party hospital-a assumes")]
    [InlineData("honest_parties", "0", "honest_parties '0' must be a whole number of at least 1")]
    [InlineData("epsilon", "3", "the session's epsilon 3 is above the per-session cap 2 hospital-a sets for this dataset")]
    [InlineData("epsilon", "-1", "the session's epsilon '-1' must be a positive finite number")]
    [InlineData("epsilon", "NaN", "parameter 'epsilon': 'NaN' is not a number")]
    [InlineData("epsilon", "1e400", "parameter 'epsilon': '1e400' is not a number")]
    public async Task AnAnalystAskingForMoreThanThePartyAllowsIsRefusedAtAdmission(string parameter, string value, string message)
    {
        var script = Compile(Parameterised, "dp-parameterised");
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, privacy: new DatasetPrivacy(Budget: 5, SessionEpsilonCap: 2));
        // A value that is not a number at all is refused by the analyst's own client, before any party is contacted.
        var error = await Record.ExceptionAsync(() => federation.Client().RunAsync(script, script.Source, new Dictionary<string, string> { [parameter] = value }, null, default));
        Assert.True(error is SessionRefusedException or ProtocolParameterException, $"{error?.GetType().Name}: {error?.Message}");
        Assert.Contains(message, error!.Message, StringComparison.Ordinal);
        Assert.Empty(new Mpc.Ledger.PrivacyLedger(federation.LedgerOf(0)).Releases());
    }

    [Theory]
    [InlineData("0.5, 1", "delta 0.5 is larger than the delta 1E-05 this party allows")]
    [InlineData("1e-5, 2", "honest_parties 2 is above the 1 honest party this party assumes")]
    public async Task AScriptThatHardCodesMoreIsRefusedByTheDaemonsRevealPolicyBeforeAnyNoise(string deltaAndHonest, string message)
    {
        // Hard-coded values never pass admission's parameter check, so the reveal policy must catch them.
        var script = Compile($$"""
            Parameter("epsilon", ParameterType.Number, "1", "Budget.");
            Output("counts", OutputKind.DifferentiallyPrivate, "Noised counts.");
            Run(async mpc => await mpc.ReleaseCounts("counts", new double[] { mpc.Rows }, 1, {{deltaAndHonest}}));
            """, "dp-hardcoded-" + deltaAndHonest.Length);
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, budget: 5);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        for (int i = 0; i < 2; i++)
        {
            var ledger = new Mpc.Ledger.PrivacyLedger(federation.LedgerOf(i));
            Assert.Empty(ledger.Releases());
            // The aborted session's reservation is returned once the party has closed the session (after the analyst hears of the abort).
            await WaitUntilAsync(() => !ledger.OpenReservations("lung").Any(), TimeSpan.FromSeconds(180));
        }
    }

    [Fact]
    public async Task ATinyDeltaIsChargedAtTheDatasetsDeltaAndTheLedgerStaysWithinTheBudget()
    {
        var script = Compile(Parameterised, "dp-tiny-delta");
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, budget: 5);
        for (int session = 0; session < 6; session++)
        {
            try
            {
                await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string> { ["epsilon"] = "1.5", ["delta"] = "1e-8" }, null, default);
            }
            catch (SessionRefusedException)
            {
            }
        }
        for (int i = 0; i < 2; i++)
        {
            var ledger = new Mpc.Ledger.PrivacyLedger(federation.LedgerOf(i));
            Assert.NotEmpty(ledger.Releases());
            Assert.All(ledger.Releases(), r => Assert.Equal(1e-5, r.Delta));
            Assert.True(ledger.SpentEpsilon("lung", 1e-5) <= 5 + 1e-9);
        }
    }

    [Fact]
    public async Task TwoConcurrentSessionsOverABudgetThatFitsOneNeverBothRun()
    {
        var script = Compile(Parameterised, "dp-concurrent");
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog, budget: 5);
        var parameters = new Dictionary<string, string> { ["epsilon"] = "4" };
        var sessions = new[] { federation.Client(), federation.Client() }.Select(c => c.RunAsync(script, script.Source, parameters, null, default)).ToList();
        int completed = 0;
        foreach (var session in sessions)
        {
            try
            {
                await session;
                completed++;
            }
            catch (SessionRefusedException)
            {
            }
        }
        // Each party admits one; if the two parties admitted different ones, both sessions are refused and nothing is spent.
        Assert.InRange(completed, 0, 1);
        for (int i = 0; i < 2; i++)
        {
            var ledger = new Mpc.Ledger.PrivacyLedger(federation.LedgerOf(i));
            Assert.Equal(completed, ledger.Releases().Count);
            await WaitUntilAsync(() => !ledger.OpenReservations("lung").Any(), TimeSpan.FromSeconds(180));
            Assert.True(ledger.SpentEpsilon("lung", 1e-5) <= 5 + 1e-9);
        }
    }

    [Fact]
    public async Task TheThreePartiesOfALocalFederationWriteThreeDifferentSignedLedgers()
    {
        var script = Compile(Parameterised, "dp-local");
        string output = Path.Combine(Path.GetTempPath(), $"mpc-local-ledgers-{Guid.NewGuid():N}");
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        Directory.CreateDirectory(output);
        var files = Enumerable.Range(0, 3).Select(p =>
        {
            string path = Path.Combine(output, $"site-{p}.csv");
            File.WriteAllLines(path, lines[(1 + p * 70)..(1 + (p + 1) * 70)].Prepend(lines[0]));
            return path;
        }).ToList();
        using var loggers = Microsoft.Extensions.Logging.LoggerFactory.Create(_ => { });
        await LocalFederation.RunAsync(script, script.Source, files, new Dictionary<string, string>(), Catalog, loggers, null, TimeSpan.FromSeconds(30), default, output);
        var ledgers = Directory.GetFiles(output, "*.privacy-ledger.db");
        Assert.Equal(3, ledgers.Length);
        Assert.Equal(["party1", "party2", "party3"], ledgers.Select(l => new Mpc.Ledger.PrivacyLedger(l).Party).Order(StringComparer.Ordinal));
        foreach (var ledger in ledgers)
        {
            Assert.Single(new Mpc.Ledger.PrivacyLedger(ledger).Releases());
            Assert.True(new Mpc.Ledger.PrivacyLedger(ledger).Verify().Passed);
        }
        // The example federation's parties, sharing one folder, no longer share a ledger file.
        string examples = Path.Combine(TestFederation.RepositoryRoot(), "examples", "federation");
        var paths = new[] { "a", "b", "c" }.Select(s => PartyConfiguration.Load(Path.Combine(examples, $"hospital-{s}.party.json")).LedgerPath).ToList();
        Assert.Equal(3, paths.Distinct().Count());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(output, recursive: true);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold in time.");
            await Task.Delay(50);
        }
    }
}
