using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// Errors that read a cell or an aggregate reach the analyst and the peers as the kind of problem and
/// the column at most (no value, row number or file path); the party's own log has the detail.
/// </summary>
public class DataErrorTests
{
    private static readonly ProtocolCatalog Catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));

    // Sets one cell of party 0's file (row counts the header as row 1) and returns the row.
    private static int SetCell(TestFederation federation, int row, string column, string value)
    {
        var lines = File.ReadAllLines(federation.DataFiles[0]);
        int index = Array.IndexOf(lines[0].Split(',').Select(c => c.Trim('"')).ToArray(), column);
        var cells = lines[row - 1].Split(',');
        cells[index] = value;
        lines[row - 1] = string.Join(',', cells);
        File.WriteAllLines(federation.DataFiles[0], lines);
        return row;
    }

    // What left hospital-a must not quote the value, the row or the path; hospital-a's log must.
    private static async Task AssertOnlyThePartyLogHasTheDetailAsync(TestFederation federation, string toAnalyst, string value, int row)
    {
        string[] secrets = [value, $"row {row}", federation.DataFiles[0], Path.GetFileName(federation.DataFiles[0])];
        foreach (var secret in secrets) Assert.DoesNotContain(secret, toAnalyst, StringComparison.Ordinal);
        var peerAbort = await federation.Logs[1].WaitForAsync("aborted", TimeSpan.FromSeconds(10));
        foreach (var secret in secrets) Assert.DoesNotContain(secret, peerAbort, StringComparison.Ordinal);
        foreach (var line in federation.Logs[1].Lines) Assert.DoesNotContain(federation.DataFiles[0], line, StringComparison.Ordinal);
        var detail = await federation.Logs[0].WaitForAsync($"{federation.DataFiles[0]}, row {row}", TimeSpan.FromSeconds(10));
        Assert.Contains(value, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANonNumericCellReachesTheAnalystAndPeersAsItsColumnWhileThePartyLogHasFileRowAndValue()
    {
        await using var federation = TestFederation.Create(2);
        int row = SetCell(federation, 5, "age", "Jane Doe");
        federation.StartAll();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "age" }, null, default));
        Assert.Contains("hospital-a failed: column 'age' has a cell that is not a number.", error.Message, StringComparison.Ordinal);
        await AssertOnlyThePartyLogHasTheDetailAsync(federation, error.Message, "Jane Doe", row);
    }

    [Fact]
    public async Task ALocalTotalBeyondThePartysShareOfTheRingStopsTheSumNamingTheColumnButNotTheTotal()
    {
        await using var federation = TestFederation.Create(2);
        SetCell(federation, 5, "age", "3e15");
        federation.StartAll();
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "age" }, null, default));
        Assert.Contains("hospital-a failed: a local total (total of column 'age') is outside the range one of 2 parties may contribute", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("E+15", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("3000000000", error.Message, StringComparison.Ordinal);
        var peerAbort = await federation.Logs[1].WaitForAsync("aborted", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("3000000000", peerAbort, StringComparison.Ordinal);
        var detail = await federation.Logs[0].WaitForAsync("local total total of column 'age' = ", TimeSpan.FromSeconds(10));
        Assert.Contains("= 3000000000", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingValueIsRefusedNamingTheColumnWhileThePartyLogHasFileAndRow()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "ph.ecog" }, null, default));
        Assert.Contains(error.Refusals, r => r.Reason == "column 'ph.ecog' has missing values, which this protocol does not accept.");
        foreach (var (_, reason) in error.Refusals)
        {
            Assert.DoesNotContain("row", reason, StringComparison.Ordinal);
            Assert.DoesNotContain(federation.Directory, reason, StringComparison.Ordinal);
        }
        Assert.Contains(federation.Logs.SelectMany(l => l.Lines), l => l.Contains(federation.Directory, StringComparison.Ordinal) && l.Contains("column 'ph.ecog': missing value", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingColumnIsRefusedByDatasetNameWithoutThePathOrTheOtherColumns()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll();
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "weight" }, null, default));
        Assert.Equal(("hospital-a", "dataset 'lung' has no column 'weight' (parameter 'columns')."), error.Refusals[0]);
        await federation.Logs[0].WaitForAsync($"{federation.DataFiles[0]}: no column 'weight'; the columns are 'time', 'status', 'sex', 'age', 'ph.ecog'.", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AnOutcomeThatIsNotZeroOrOneIsNamedByColumnWithoutItsValue()
    {
        var script = ScriptCompiler.Load(Path.Combine(TestFederation.RepositoryRoot(), "protocols", "logistic-regression.csx"));
        await using var federation = TestFederation.Create(2, "mtcars.csv");
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source,
            new Dictionary<string, string> { ["outcome"] = "hp", ["features"] = "wt" }, null, default));
        Assert.Contains("column 'hp': the outcome must be 0 or 1 in every row.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("110", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("row 2", error.Message, StringComparison.Ordinal);
        Assert.Contains(federation.Logs.SelectMany(l => l.Lines), l => l.Contains("row 2, column 'hp': the outcome must be 0 or 1, got", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnExceptionOfProtocolCodeReachesOthersAsACategoryOnlyAndItsMessageStaysInThePartysLog()
    {
        var script = ScriptCompiler.Compile("""
            Output("total", "Never.");
            Run(async mpc => { throw new InvalidOperationException("first age is " + mpc.Column("age")[0]); });
            """, "leak", "leak.csx");
        await using var federation = TestFederation.Create(2);
        federation.StartAll(approved: _ => [script.Id], catalog: Catalog);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), null, default));
        // The analyst learns where in the script it threw, never the message with the value.
        Assert.Contains("failed: the script threw an exception at line 2 (its type and message are in the party's log", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("first age", error.Message, StringComparison.Ordinal);
        await federation.Logs[0].WaitForAsync("first age is 74", TimeSpan.FromSeconds(10));
        await federation.Logs[0].WaitForAsync("line 2, InvalidOperationException", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AfterItsDailyDataRefusalsAnAnalystIsRefusedOnTheDatasetWithoutTheDataBeingRead()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll(dataRefusalsPerDay: 2);
        var probe = new Dictionary<string, string> { ["columns"] = "ph.ecog" };
        for (int i = 0; i < 2; i++)
        {
            var refused = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync("secure-sum", probe, null, default));
            Assert.Contains(refused.Refusals, r => r.Reason.Contains("missing values", StringComparison.Ordinal));
        }
        // Even a request the data would satisfy is now refused before the data is read.
        File.Delete(federation.DataFiles[0]);
        var limited = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "age" }, null, default));
        Assert.All(limited.Refusals, r => Assert.StartsWith($"{r.Party} has refused 2 requests on dataset 'lung' for problems in the data within 24 hours", r.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARestartedDaemonRemembersTheDaysDataRefusalsFromItsLedger()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll(dataRefusalsPerDay: 1);
        var probe = new Dictionary<string, string> { ["columns"] = "ph.ecog" };
        await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync("secure-sum", probe, null, default));
        // The refusal is a signed entry of the party's ledger, so restarting the daemons does not reset the count.
        var ledger = new Mpc.Ledger.PrivacyLedger(federation.LedgerOf(0));
        await WaitUntilAsync(() => ledger.DataRefusalsSince(DateTimeOffset.UtcNow.AddHours(-1)).Count == 1);
        Assert.Equal(("analyst", "lung"), (ledger.DataRefusalsSince(DateTimeOffset.UtcNow.AddHours(-1))[0].Analyst, ledger.DataRefusalsSince(DateTimeOffset.UtcNow.AddHours(-1))[0].Dataset));
        Assert.True(ledger.Verify().Passed, string.Join("; ", ledger.Verify().Problems));
        foreach (var daemon in federation.Daemons) await daemon.DisposeAsync();
        federation.Daemons.Clear();
        federation.Logs.Clear();
        federation.StartAll(dataRefusalsPerDay: 1);
        var limited = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "age" }, null, default));
        Assert.Contains(limited.Refusals, r => r.Reason.StartsWith("hospital-a has refused 1 requests on dataset 'lung' for problems in the data within 24 hours", StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 60 s");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task SchemaRefusalsDoNotCountAgainstTheDataRefusalLimit()
    {
        await using var federation = TestFederation.Create(2);
        federation.StartAll(dataRefusalsPerDay: 1);
        for (int i = 0; i < 3; i++)
            await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "weight" }, null, default));
        var result = await federation.Client().RunAsync("secure-sum", new Dictionary<string, string> { ["columns"] = "age" }, null, default);
        Assert.Equal(228, result.Outputs["count"].Values[0]);
    }
}
