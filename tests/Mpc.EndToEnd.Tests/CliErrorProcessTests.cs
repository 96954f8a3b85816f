using System.Net;
using System.Net.Sockets;

namespace Mpc.EndToEnd.Tests;

/// <summary>Ordinary mistakes of an operator or analyst, run as real 'mpc' processes: one error line, a documented exit code.</summary>
public class CliErrorProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task APortInUseIsNamedInOneLine()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, _) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        int port = federation.Roster.Parties[0].Port;
        var squatter = new TcpListener(IPAddress.Loopback, port);
        squatter.Start();
        try
        {
            using var party = MpcProcess.Start("party", "--roster", roster, "--config", configs[0], "--key", keys[0]);
            Assert.Equal(3, await party.WaitForExitAsync(Startup));
            party.AssertOneErrorLine($"cannot listen on port {port}");
        }
        finally
        {
            squatter.Stop();
        }
    }

    [Fact]
    public async Task AWordWhereANumberBelongsIsAConfigurationErrorNamingTheField()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, _) = federation.WriteFilesWith(TimeSpan.FromSeconds(10), """, "scriptTimeLimitSeconds": "ten minutes" """);
        using var party = MpcProcess.Start("party", "--roster", roster, "--config", configs[0], "--key", keys[0]);
        Assert.Equal(3, await party.WaitForExitAsync(Startup));
        party.AssertOneErrorLine("scriptTimeLimitSeconds: must be a number. It is 'ten minutes'.");
    }

    [Fact]
    public async Task ARosterHostNameIsResolvedAndAListenAddressServesAnUnresolvableOne()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, analystKey) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        // Parties named by host name: the daemons resolve "localhost" to bind, the analyst and peers dial it.
        File.WriteAllText(roster, File.ReadAllText(roster).Replace("127.0.0.1:", "localhost:", StringComparison.Ordinal));
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys);
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);
            using var run = MpcProcess.Start("run", "secure-sum", "--roster", roster, "--key", analystKey, "--param", "columns=age");
            Assert.Equal(0, await run.WaitForExitAsync(Startup));
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }

        // A name that resolves nowhere (RFC 6761 reserves .invalid) stops the party, naming the host; 'listen' gives the address instead.
        int port = federation.Roster.Parties[0].Port;
        File.WriteAllText(roster, File.ReadAllText(roster).Replace($"localhost:{port}", $"hospital-a.invalid:{port}", StringComparison.Ordinal));
        using (var unresolved = MpcProcess.Start("party", "--roster", roster, "--config", configs[0], "--key", keys[0]))
        {
            Assert.Equal(3, await unresolved.WaitForExitAsync(Startup));
            unresolved.AssertOneErrorLine("'hospital-a.invalid' does not resolve");
        }
        File.WriteAllText(configs[0], File.ReadAllText(configs[0]).TrimEnd().TrimEnd('}') + $", \"listen\": \"127.0.0.1:{port}\" }}");
        using var listening = MpcProcess.Start("party", "--roster", roster, "--config", configs[0], "--key", keys[0]);
        await listening.WaitForOutputAsync($"listening on 127.0.0.1:{port}", Startup);
    }

    [Fact]
    public async Task KeygenOverAnExistingKeyIsRefusedUnlessForced()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mpc-keygen-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            using (var first = MpcProcess.Start("keygen", "--name", "hospital-a", "--out", directory)) Assert.Equal(0, await first.WaitForExitAsync(Startup));
            string key = Path.Combine(directory, "hospital-a.key");
            string original = File.ReadAllText(key);
            using (var again = MpcProcess.Start("keygen", "--name", "hospital-a", "--out", directory))
            {
                Assert.Equal(4, await again.WaitForExitAsync(Startup));
                again.AssertOneErrorLine("exists already");
            }
            Assert.Equal(original, File.ReadAllText(key));
            // --verbose, valid under every command, adds the exception after the one line.
            using (var verbose = MpcProcess.Start("keygen", "--name", "hospital-a", "--out", directory, "--verbose"))
            {
                await verbose.AssertExitAsync(4, Startup);
                await verbose.WaitForOutputAsync("CliException", TimeSpan.FromSeconds(1));
            }
            using (var forced = MpcProcess.Start("keygen", "--name", "hospital-a", "--out", directory, "--force")) Assert.Equal(0, await forced.WaitForExitAsync(Startup));
            Assert.NotEqual(original, File.ReadAllText(key));
        }
        finally
        {
            Directory.Delete(directory, true);
        }
    }

    [Fact]
    public async Task AMissingOptionIsAUsageErrorInOneLine()
    {
        using var party = MpcProcess.Start("party", "--config", "party.json");
        Assert.Equal(2, await party.WaitForExitAsync(Startup));
        party.AssertOneErrorLine("--roster");
    }

    [Fact]
    public async Task CtrlCInRunCancelsTheSessionAndTheDaemonsNameTheAnalystsDisconnect()
    {
        await using var federation = TestFederation.Create(3);
        var (roster, configs, keys, analystKey) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys);
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);
            using var run = MpcProcess.Start("run", "multiplication-benchmark", "--roster", roster, "--key", analystKey, "--param", "size=2000", "--param", "rounds=100000");
            await run.WaitForOutputAsync("multiplying", Startup);
            run.Signal("INT");
            Assert.Equal(5, await run.WaitForExitAsync(Startup));
            run.AssertOneErrorLine("cancelled");
            foreach (var daemon in daemons)
            {
                await daemon.WaitForOutputAsync("aborted", Startup);
                var aborted = daemon.Output.Where(l => l.Contains("aborted", StringComparison.Ordinal)).ToList();
                Assert.All(aborted, line => Assert.True(line.Contains("the analyst analyst disconnected", StringComparison.Ordinal), line));
                Assert.DoesNotContain(daemon.Output, l => l.Contains("failed:", StringComparison.Ordinal));
            }
            Assert.All(daemons, d => Assert.False(d.HasExited));
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }
}
