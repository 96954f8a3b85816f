namespace Mpc.EndToEnd.Tests;

/// <summary>SIGTERM on daemon processes: running sessions finish within the grace period, or end with a signed entry naming the shutdown.</summary>
public class ShutdownProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task SigtermLetsARunningSessionFinishWithinTheGracePeriod()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, analystKey) = federation.WriteFiles(TimeSpan.FromSeconds(30));
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys, "--grace-period", "600");
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);
            using var run = MpcProcess.Start("run", "multiplication-benchmark", "--roster", roster, "--key", analystKey, "--param", "size=1000", "--param", "rounds=400");
            await run.WaitForOutputAsync("multiplying", Startup);
            foreach (var daemon in daemons) daemon.Terminate();
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("stops accepting sessions", Startup);
            await run.AssertExitAsync(0, TimeSpan.FromMinutes(5));
            foreach (var daemon in daemons) await daemon.AssertExitAsync(0, Startup);
            Assert.All(daemons, d => Assert.Contains(d.Output, l => l.Contains("completed in", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }

    [Fact]
    public async Task SigtermAbortsASessionPastTheGracePeriodWithAnEndEntryNamingTheShutdownThatAudits()
    {
        await using var federation = TestFederation.Create(3);
        var (roster, configs, keys, analystKey) = federation.WriteFiles(TimeSpan.FromSeconds(30));
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys, "--grace-period", "1");
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);
            using var run = MpcProcess.Start("run", "multiplication-benchmark", "--roster", roster, "--key", analystKey, "--param", "size=2000", "--param", "rounds=100000");
            await run.WaitForOutputAsync("multiplying", Startup);
            foreach (var daemon in daemons) daemon.Terminate();
            foreach (var daemon in daemons) await daemon.AssertExitAsync(0, Startup);
            await run.AssertExitAsync(5, Startup);
            run.AssertOneErrorLine("shutting down");

            string transcripts = Path.Combine(federation.Directory, "transcripts");
            var ends = Directory.GetFiles(transcripts, "*.transcript.jsonl").Select(file => File.ReadLines(file).Single(l => l.Contains("\"type\":\"end\"", StringComparison.Ordinal))).ToList();
            Assert.Equal(3, ends.Count);
            Assert.All(ends, end => Assert.Contains("\"aborted\"", end, StringComparison.Ordinal));
            // On a busy machine a peer may see the first party's abort (or its closed connection) before its own signal, so one end at least names the shutdown.
            Assert.Contains(ends, end => end.Contains("shutting down", StringComparison.Ordinal));
            using var audit = MpcProcess.Start("audit", transcripts, "--roster", roster);
            await audit.AssertExitAsync(0, Startup);
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }
}
