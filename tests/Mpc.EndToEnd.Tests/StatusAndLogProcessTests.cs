using System.Globalization;
using System.Text.Json;

namespace Mpc.EndToEnd.Tests;

/// <summary>What an operator reads: the daemon's JSON log file and 'mpc status'.</summary>
public class StatusAndLogProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task TheLogFileHoldsJsonLinesWithUtcTimestampsAndStableEventIdsAndStatusListsPolicyBudgetsAndSessions()
    {
        await using var federation = TestFederation.Create(2);
        var (roster, configs, keys, analystKey) = federation.WriteFiles(TimeSpan.FromSeconds(30));
        string log = Path.Combine(federation.Directory, "logs", "hospital-a.log");
        var daemons = new List<MpcProcess>
        {
            MpcProcess.Start("party", "--roster", roster, "--config", configs[0], "--key", keys[0], "--json-logs", "--log-file", log),
            MpcProcess.Start("party", "--roster", roster, "--config", configs[1], "--key", keys[1]),
        };
        try
        {
            await WaitForFileAsync(log, "listening on");
            await daemons[1].WaitForOutputAsync("listening on", Startup);
            using (var run = MpcProcess.Start("run", "pooled-statistics", "--roster", roster, "--key", analystKey))
                await run.AssertExitAsync(0, Startup);
            daemons[0].Terminate();
            await daemons[0].AssertExitAsync(0, Startup);
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }

        Assert.DoesNotContain(daemons[0].Output, l => l.Contains("listening on", StringComparison.Ordinal));
        var lines = File.ReadAllLines(log).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        foreach (var line in lines)
        {
            string timestamp = line.GetProperty("Timestamp").GetString()!;
            Assert.True(DateTime.TryParseExact(timestamp, "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var when), timestamp);
            Assert.True(Math.Abs((DateTime.UtcNow - when).TotalHours) < 1, $"{timestamp} is not UTC now");
        }
        var ids = lines.Where(l => l.GetProperty("Category").GetString() == "Mpc.Party").Select(l => l.GetProperty("EventId").GetInt32()).ToList();
        Assert.DoesNotContain(0, ids);
        Assert.Equal([1000, 1201, 1202, 1001], ids);

        using var status = MpcProcess.Start("status", "--config", configs[0]);
        await status.AssertExitAsync(0, Startup);
        foreach (var expected in new[] { "secure-sum", "builtin:pooled-statistics", "lung", "spent epsilon 0 of 10", "pooled-statistics", "completed" })
            await status.WaitForOutputAsync(expected, TimeSpan.FromSeconds(1));
    }

    private static async Task WaitForFileAsync(string path, string fragment)
    {
        var deadline = DateTime.UtcNow + Startup;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(path) && File.ReadAllText(path).Contains(fragment, StringComparison.Ordinal)) return;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"{path} has no line with '{fragment}'.");
    }
}
