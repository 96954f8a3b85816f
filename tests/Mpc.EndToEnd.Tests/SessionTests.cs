using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

public class SessionTests
{
    private static readonly Dictionary<string, string> SumOfTimeAndAge = new() { ["columns"] = "time,age" };

    [Fact]
    public async Task ASecureSumOverTlsMatchesTheClearText()
    {
        await using var federation = TestFederation.Create(3);
        federation.StartAll();
        var result = await federation.Client().RunAsync("secure-sum", SumOfTimeAndAge, null, default);
        var lung = CsvTable.Load(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        Assert.Equal(lung.Column("time").Sum(), result.Outputs["sum"].Values[0], 1e-3);
        Assert.Equal(lung.Column("age").Sum(), result.Outputs["sum"].Values[1], 1e-3);
        Assert.Equal(228, result.Outputs["count"].Values[0]);
        Assert.Equal("ot", result.Preprocessing);
        Assert.Equal(["hospital-a", "hospital-b", "hospital-c"], result.Parties);
        Assert.Contains("\"preprocessing\": \"ot\"", result.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultiplicationsWithOtPreprocessingOverTlsMatchTheDealersResult()
    {
        // Same protocol twice: dealer-free triples made by OT between the daemons, then the test-only dealer.
        await using var federation = TestFederation.Create(3);
        federation.StartAll(allowDealer: _ => true);
        var parameters = new Dictionary<string, string> { ["size"] = "3000", ["rounds"] = "3" };
        var ot = await federation.Client().RunAsync("pooled-statistics", new Dictionary<string, string>(), null, default);
        var dealer = await federation.Client(preprocessing: PreprocessingMode.Dealer).RunAsync("pooled-statistics", new Dictionary<string, string>(), null, default);
        Assert.Equal("ot", ot.Preprocessing);
        Assert.Equal("dealer", dealer.Preprocessing);
        foreach (var (name, output) in ot.Outputs)
            for (int i = 0; i < output.Values.Length; i++) Assert.Equal(dealer.Outputs[name].Values[i], output.Values[i], 1e-6);
        var load = await federation.Client().RunAsync("multiplication-benchmark", parameters, null, default);
        Assert.Equal("ot", load.Preprocessing);
        Assert.True(load.BytesSent > 3 * 3000 * 64 * 16, $"OT preprocessing should dominate the traffic; {load.BytesSent} bytes were sent.");
    }

    [Fact]
    public async Task TheHonestMajorityEngineRunsOnlyWhereEveryPartysPolicyAllowsItAndMatchesTheOtEngine()
    {
        await using var federation = TestFederation.Create(3);
        federation.StartAll(allowHonestMajority: i => i != 1);
        var refused = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client(preprocessing: PreprocessingMode.Replicated).RunAsync("pooled-statistics", new Dictionary<string, string>(), null, default));
        Assert.Contains(Mpc.Core.ErrorMessages.HonestMajorityNotAllowed("hospital-b"), refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hospital-a does not", refused.Message, StringComparison.Ordinal);
        foreach (var daemon in federation.Daemons) await daemon.DisposeAsync();
        federation.Daemons.Clear();
        federation.StartAll(allowHonestMajority: _ => true);
        var ot = await federation.Client().RunAsync("pooled-statistics", new Dictionary<string, string>(), null, default);
        var replicated = await federation.Client(preprocessing: PreprocessingMode.Replicated).RunAsync("pooled-statistics", new Dictionary<string, string>(), null, default);
        Assert.Equal("replicated", replicated.Preprocessing);
        foreach (var (name, output) in ot.Outputs)
            for (int i = 0; i < output.Values.Length; i++) Assert.Equal(output.Values[i], replicated.Outputs[name].Values[i], 1e-6);
        // No oblivious transfer: fewer bytes, though in a session this small both engines' batch sizes dominate (OT makes only what is asked since otlog).
        Assert.True(replicated.BytesSent < ot.BytesSent, $"replicated {replicated.BytesSent} bytes, ot {ot.BytesSent}");
    }

    [Fact]
    public async Task ALinearRegressionOnTheHonestMajorityEngineWithFivePartiesOverTlsMatchesTheClearTextInFewerBytesThanOt()
    {
        await using var federation = TestFederation.Create(5);
        // sex is two-valued, so it is checked as cells; a fifth of lung holds fewer than 3 of some level's events.
        federation.StartAll(allowHonestMajority: _ => true, privacy: DatasetPrivacy.Default with { MinCellCount = 1 });
        var parameters = new Dictionary<string, string> { ["outcome"] = "time", ["features"] = "age,sex" };
        var clear = LinearRegressionProtocol.ComputeInTheClear(federation.DataFiles.Select(f => CsvTable.Load(f)).ToList(), parameters);
        var replicated = await federation.Client(preprocessing: PreprocessingMode.Replicated).RunAsync("linear-regression", parameters, null, default);
        var ot = await federation.Client().RunAsync("linear-regression", parameters, null, default);
        Assert.Equal("replicated", replicated.Preprocessing);
        Assert.Equal(5, replicated.Parties.Count);
        foreach (var (name, values) in clear)
            for (int i = 0; i < values.Length; i++)
                Assert.True(Math.Abs(values[i] - replicated.Outputs[name].Values[i]) <= 1e-6 * Math.Max(1, Math.Abs(values[i])), $"{name}[{i}]: {replicated.Outputs[name].Values[i]} against {values[i]} in the clear");
        Assert.True(replicated.BytesSent < ot.BytesSent, $"replicated {replicated.BytesSent} bytes, ot {ot.BytesSent}");
    }

    [Fact]
    public async Task AnHonestMajoritySessionAmongEightPartiesIsRefusedAtAdmissionStatingTheLimit()
    {
        await using var federation = TestFederation.Create(8);
        federation.StartAll(allowHonestMajority: _ => true);
        var refused = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client(preprocessing: PreprocessingMode.Replicated).RunAsync("secure-sum", SumOfTimeAndAge, null, default));
        Assert.Equal(8, refused.Refusals.Count);
        Assert.All(refused.Refusals, r => Assert.Equal(Mpc.Core.ErrorMessages.HonestMajorityPartyCount(8, 7), r.Reason));
    }

    [Fact]
    public async Task TheShamirEngineAmongEightPartiesRunsOnlyWhereEveryPartysPolicyAllowsItAndMatchesTheDealer()
    {
        await using var federation = TestFederation.Create(8);
        federation.StartAll(allowHonestMajority: i => i != 3, allowDealer: _ => true);
        var refused = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client(preprocessing: PreprocessingMode.Shamir).RunAsync("secure-sum", SumOfTimeAndAge, null, default));
        Assert.Equal("hospital-d", Assert.Single(refused.Refusals).Party);
        Assert.Equal(Mpc.Core.ErrorMessages.HonestMajorityNotAllowed("hospital-d"), refused.Refusals[0].Reason);
        foreach (var daemon in federation.Daemons) await daemon.DisposeAsync();
        federation.Daemons.Clear();
        // An eighth of lung holds fewer than 3 rows of some cells.
        federation.StartAll(allowHonestMajority: _ => true, allowDealer: _ => true, privacy: DatasetPrivacy.Default with { MinCellCount = 1, MinGroupSize = 1 });
        var shamir = await federation.Client(preprocessing: PreprocessingMode.Shamir).RunAsync("pooled-statistics", new Dictionary<string, string>(), null, default);
        var dealer = await federation.Client(preprocessing: PreprocessingMode.Dealer).RunAsync("pooled-statistics", new Dictionary<string, string>(), null, default);
        Assert.Equal("shamir", shamir.Preprocessing);
        Assert.Equal(8, shamir.Parties.Count);
        foreach (var (name, output) in dealer.Outputs)
            for (int i = 0; i < output.Values.Length; i++) Assert.Equal(output.Values[i], shamir.Outputs[name].Values[i], 1e-6);
    }

    [Fact]
    public async Task TheShamirEngineIsRefusedAtAdmissionBelowEightPartiesStatingTheLimit()
    {
        await using var federation = TestFederation.Create(5);
        federation.StartAll(allowHonestMajority: _ => true);
        var refused = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client(preprocessing: PreprocessingMode.Shamir).RunAsync("secure-sum", SumOfTimeAndAge, null, default));
        Assert.Equal(5, refused.Refusals.Count);
        Assert.All(refused.Refusals, r => Assert.Equal(Mpc.Core.ErrorMessages.ShamirPartyCount(5, 8, 63), r.Reason));
    }

    [Fact]
    public async Task APartyRefusesTheTrustedDealerUnlessItsConfigurationAllowsIt()
    {
        await using var federation = TestFederation.Create(3);
        federation.StartAll(allowDealer: i => i != 2);
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client(preprocessing: PreprocessingMode.Dealer).RunAsync("secure-sum", SumOfTimeAndAge, null, default));
        Assert.Single(error.Refusals);
        Assert.Equal("hospital-c", error.Refusals[0].Party);
        Assert.Contains("does not accept trusted-dealer preprocessing", error.Refusals[0].Reason, StringComparison.Ordinal);
        var unknown = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client(preprocessingName: "magic").RunAsync("secure-sum", SumOfTimeAndAge, null, default));
        Assert.Contains("preprocessing 'magic' is not available", unknown.Refusals[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PooledStatisticsOverTlsMatchTheClearText()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        var result = await federation.Client().RunAsync("pooled-statistics", new Dictionary<string, string>(), null, default);
        var clear = PooledStatisticsProtocol.ComputeInTheClear(federation.DataFiles.Select(CsvTable.Load).ToList());
        foreach (var (name, expected) in clear)
            for (int i = 0; i < expected.Length; i++)
                Assert.Equal(expected[i], result.Outputs[name].Values[i], 1e-6);
    }

    [Fact]
    public async Task AProtocolAPartyHasNotApprovedIsRefusedNamingTheParty()
    {
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: i => i == 1 ? ["builtin:pooled-statistics"] : ProtocolCatalog.BuiltIn.All.Select(p => p.Id).ToList());
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync("secure-sum", SumOfTimeAndAge, null, default));
        Assert.Equal("Session refused: hospital-b: protocol builtin:secure-sum is not approved by hospital-b's policy", error.Message);
        // Nothing was started: the next session runs.
        var next = await federation.Client().RunAsync("pooled-statistics", new Dictionary<string, string>(), null, default);
        Assert.Equal(228, next.Outputs["patients"].Values[0]);
    }

    [Fact]
    public async Task AMissingColumnIsRefusedBeforeAnythingIsComputed()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "weight" }, null, default));
        Assert.Equal(2, error.Refusals.Count);
        Assert.Equal(("hospital-a", "dataset 'lung' has no column 'weight' (parameter 'columns')."), error.Refusals[0]);
    }

    [Fact]
    public async Task MissingValuesInAColumnAreRefusedNamingTheColumn()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "ph.ecog" }, null, default));
        Assert.Contains("column 'ph.ecog' has missing values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownMissingOrIllTypedParametersFailBeforeAnyPartyIsContacted()
    {
        await using var federation = TestFederation.Create(2);
        var client = federation.Client();
        // No daemon runs: these must fail on the analyst's side.
        Assert.Equal("unknown parameter 'colums' (the protocol takes columns, dataset); missing parameter 'columns' (Comma-separated numeric columns to total.)",
            (await Assert.ThrowsAsync<ProtocolParameterException>(() => client.RunAsync("secure-sum", new Dictionary<string, string> { ["colums"] = "age" }, null, default))).Message);
        Assert.Equal("parameter 'size': 'many' is not an integer",
            (await Assert.ThrowsAsync<ProtocolParameterException>(() => client.RunAsync("multiplication-benchmark", new Dictionary<string, string> { ["size"] = "many" }, null, default))).Message);
        Assert.StartsWith("unknown protocol 'kaplan'", (await Assert.ThrowsAsync<ProtocolParameterException>(() => client.RunAsync("kaplan", new Dictionary<string, string>(), null, default))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAnalystOutsideTheRosterIsRefusedByEveryParty()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        using var intruder = PartyCredentials.Generate("analyst");
        // The intruder's own roster lists its key, so the client-side check passes; the parties' roster does not.
        var forged = Roster.Create("test", federation.Roster.Parties.Select(p => (p.Name, p.Endpoint, p.PublicKey)), [("analyst", intruder.Fingerprint)]);
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client(forged, intruder).RunAsync("secure-sum", SumOfTimeAndAge, null, default));
        Assert.Equal(["hospital-a", "hospital-b"], error.Refusals.Select(r => r.Party));
        // And the client refuses to even try with a key that is not in its roster.
        var own = await Assert.ThrowsAsync<PeerAuthenticationException>(() => federation.Client(federation.Roster, intruder).RunAsync("secure-sum", SumOfTimeAndAge, null, default));
        Assert.StartsWith($"The analyst key {intruder.Fingerprint} is not in", own.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APartyWhoseKeyDiffersFromTheRosterIsRefusedByItsPeers()
    {
        await using var federation = TestFederation.Create(3);
        federation.StartAll();
        // The analyst and hospital-c believe hospital-b has another key: hospital-b fails their pinning.
        var impostorKey = "sha256:" + new string('f', 64);
        var skewed = Roster.Create("test", federation.Roster.Parties.Select(p => (p.Name, p.Endpoint, p.Name == "hospital-b" ? impostorKey : p.PublicKey)), [("analyst", federation.Analyst.Fingerprint)]);
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client(skewed).RunAsync("secure-sum", SumOfTimeAndAge, null, default));
        Assert.Contains(error.Refusals, r => r.Party == "hospital-b" && r.Reason.Contains($"presented key {federation.Credentials[1].Fingerprint}, but the roster lists {impostorKey}", StringComparison.Ordinal));
        // The other parties refuse a roster that differs from theirs.
        Assert.Contains(error.Refusals, r => r.Party == "hospital-a" && r.Reason.Contains("the analyst's roster differs from hospital-a's", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADaemonStartedWithAnotherPartysKeyRefusesToStart()
    {
        await using var federation = TestFederation.Create(2);
        var configuration = new PartyConfiguration("hospital-a", new Dictionary<string, string> { ["lung"] = federation.DataFiles[0] }, ["builtin:secure-sum"], TimeSpan.FromSeconds(5));
        var error = Assert.Throws<PeerAuthenticationException>(() =>
            new PartyDaemon(federation.Roster, federation.Credentials[1], configuration, ProtocolCatalog.BuiltIn, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        Assert.StartsWith($"This party's key has fingerprint {federation.Credentials[1].Fingerprint}, but (in-memory roster) lists {federation.Credentials[0].Fingerprint} for hospital-a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUndeclaredOutputAbortsTheSessionOnEveryParty()
    {
        var leaky = new LeakyProtocol();
        await using var federation = TestFederation.Create(2);
        var catalog = new ProtocolCatalog([leaky]);
        for (int i = 0; i < 2; i++)
        {
            var configuration = new PartyConfiguration(federation.Names[i], new Dictionary<string, string> { ["lung"] = federation.DataFiles[i] }, [leaky.Id], TimeSpan.FromSeconds(5));
            var daemon = new PartyDaemon(federation.Roster, federation.Credentials[i], configuration, catalog, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            daemon.Start();
            federation.Daemons.Add(daemon);
        }
        var client = new AnalystClient(federation.Roster, federation.Analyst, catalog, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => client.RunAsync("leaky", new Dictionary<string, string>(), null, default));
        Assert.Contains("Opening of 'ages' refused: it is not a declared output (declared: total).", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A protocol that tries to reveal an output it did not declare.</summary>
    private sealed class LeakyProtocol : BuiltInProtocol<ulong>
    {
        public override string Name => "leaky";

        public override string Description => "Tries to open every row's age.";

        public override IReadOnlyList<ParameterDefinition> Parameters { get; } = [DatasetParameter];

        public override IReadOnlyList<OutputDefinition> Outputs { get; } = [new("total", OutputKind.Exact, "A total.")];

        public override Mpc.Core.FixedPointFormat Format => Mpc.Core.FixedPointFormat.Ring64;

        protected override async Task RunAsync(MpcRuntime<ulong> runtime, ProtocolContext context)
        {
            var ages = await Mpc.Runtime.Protocols.Input.SumAcrossPartiesAsync(runtime, [1.0, 2.0], 1, 0);
            await Mpc.Runtime.Protocols.Opening.OutputAsync(runtime, ages, "ages");
        }
    }
}
