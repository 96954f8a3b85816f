using System.Net;
using System.Net.Sockets;

namespace Mpc.EndToEnd.Tests;

/// <summary>'mpc party check' and the policy checks of a start, as real processes.</summary>
public class PartyCheckProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(180);

    private const string Script = """
        Parameter("column", ParameterType.Column, null, "A column.");
        Output("total", "Pooled total.");
        Run(async mpc => await mpc.Output("total", (await mpc.SumAcrossParties(new[] { mpc.Column(mpc.Text("column")).Sum() }))[0]));
        """;

    [Fact]
    public async Task PolicyIdsThatMatchNothingAreRefusedAtStart()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(10), "builtin:secure-summ", "sha256:" + new string('1', 64));
        using var party = MpcProcess.Start("party", "--roster", roster, "--config", configs[0], "--key", keys[0]);
        await party.AssertExitAsync(3, Startup);
        party.AssertOneErrorLine("'builtin:secure-summ' matches no protocol");
        party.AssertOneErrorLine("is the hash of no script in");
    }

    [Fact]
    public async Task PartyCheckPrintsWhatItFoundAndAcceptsCommentsAndTrailingCommas()
    {
        await using var federation = TestFederation.Create(2);
        federation.WriteScripts(("column-total", Script));
        string id = ScriptIdentity.Hash(Script);
        var (roster, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(10), id);
        // An operator's notes beside the hash, and the trailing commas hand edits leave.
        File.WriteAllText(configs[0], File.ReadAllText(configs[0]).Replace($"\"{id}\"", $"\"{id}\", // column-total.csx, approved by the board\n", StringComparison.Ordinal)
            .TrimEnd().TrimEnd('}') + ", }\n");
        File.WriteAllText(roster, "// the test federation\n" + File.ReadAllText(roster).Replace("\"analysts\"", "/* who may ask */ \"analysts\"", StringComparison.Ordinal));
        using var check = MpcProcess.Start("party", "check", "--config", configs[0], "--roster", roster, "--key", keys[0]);
        await check.AssertExitAsync(0, Startup);
        await check.WaitForOutputAsync("would start", TimeSpan.FromSeconds(1));
        await check.WaitForOutputAsync($"ok    approved column-total {id}", TimeSpan.FromSeconds(1));
        await check.WaitForOutputAsync("ok    approved secure-sum builtin:secure-sum (built-in)", TimeSpan.FromSeconds(1));
        await check.WaitForOutputAsync("ok    dataset lung:", TimeSpan.FromSeconds(1));
        await check.WaitForOutputAsync("is free", TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task PartyCheckFindsEachKindOfBadConfiguration()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(10), "builtin:no-such-protocol");
        // hospital-b's key for hospital-a, a dataset whose rows do not fit its header, a policy typo, and a port in use.
        File.AppendAllText(federation.DataFiles[0], "1,2\n");
        int port = federation.Roster.Parties[0].Port;
        var squatter = new TcpListener(IPAddress.Loopback, port);
        squatter.Start();
        try
        {
            using var check = MpcProcess.Start("party", "check", "--config", configs[0], "--roster", roster, "--key", keys[1]);
            await check.AssertExitAsync(3, Startup);
            foreach (var problem in new[] { "FAIL  key ", "FAIL  dataset lung: ", "FAIL  protocols: 'builtin:no-such-protocol'", $"FAIL  listen: hospital-a cannot listen on port {port}", "4 problem(s)" })
                await check.WaitForOutputAsync(problem, TimeSpan.FromSeconds(1));
        }
        finally
        {
            squatter.Stop();
        }
    }
}
