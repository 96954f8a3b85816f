using System.Text.Json.Nodes;

namespace Mpc.EndToEnd.Tests;

/// <summary>The README's federation of examples/federation, run as shown (on free ports, in a copy of the folder) with daemon processes.</summary>
public class ExampleFederationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task TheExampleFederationRunsAsShownWithALedgerPerPartyAndLeavesTheTrackedRosterAlone()
    {
        string root = TestFederation.RepositoryRoot();
        string trackedRoster = File.ReadAllText(Path.Combine(root, "parties.json"));
        string work = Directory.CreateTempSubdirectory("mpc-example-").FullName;
        var daemons = new List<MpcProcess>();
        try
        {
            // The README's steps: a copy of the roster in fed/, keys made into it; the example configurations as they are.
            string examples = Path.Combine(work, "examples", "federation");
            Directory.CreateDirectory(Path.Combine(examples, "data"));
            foreach (var file in Directory.GetFiles(Path.Combine(root, "examples", "federation"), "*.json").Concat(Directory.GetFiles(Path.Combine(root, "examples", "federation", "data"))))
                File.Copy(file, Path.Combine(examples, Path.GetRelativePath(Path.Combine(root, "examples", "federation"), file)));
            string roster = Path.Combine(work, "fed", "parties.json");
            Directory.CreateDirectory(Path.GetDirectoryName(roster)!);
            // Only the ports change, so that parallel runs on this machine cannot collide on 7101-7103.
            string copied = trackedRoster;
            for (int port = 7101; port <= 7103; port++) copied = copied.Replace($"127.0.0.1:{port}", $"127.0.0.1:{TestFederation.FreePort()}", StringComparison.Ordinal);
            File.WriteAllText(roster, copied);
            foreach (var name in new[] { "hospital-a", "hospital-b", "hospital-c", "analyst" })
            {
                using var keygen = MpcProcess.Start("keygen", "--name", name, "--out", Path.Combine(work, "fed", "keys"), "--roster", roster);
                await keygen.AssertExitAsync(0, Patience);
            }
            Assert.Equal(trackedRoster, File.ReadAllText(Path.Combine(root, "parties.json")));

            foreach (var name in new[] { "hospital-a", "hospital-b", "hospital-c" })
                daemons.Add(MpcProcess.Start("party", "--roster", roster, "--config", Path.Combine(examples, $"{name}.party.json"), "--key", Path.Combine(work, "fed", "keys", $"{name}.key")));
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Patience);
            string json = Path.Combine(work, "out", "stats.json");
            using (var run = MpcProcess.Start("run", "pooled-statistics", "--roster", roster, "--key", Path.Combine(work, "fed", "keys", "analyst.key"), "--json", json))
                await run.AssertExitAsync(0, Patience);

            // Against the clear-text pooled rows of the three example files.
            var rows = new[] { "a", "b", "c" }.SelectMany(s => File.ReadAllLines(Path.Combine(examples, "data", $"lung-{s}.csv")).Skip(1)).ToList();
            var outputs = JsonNode.Parse(File.ReadAllText(json))!["outputs"]!;
            Assert.Equal(rows.Count, (int)Math.Round(Value(outputs["patients"]!)));
            Assert.Equal(rows.Count(r => r.Split(',')[1] == "1"), (int)Math.Round(Value(outputs["events"]!)));
            var ledgers = new[] { "a", "b", "c" }.Select(s => Path.Combine(examples, $"hospital-{s}.privacy-ledger.db")).ToList();
            Assert.All(ledgers, l => Assert.True(File.Exists(l), $"{l} is missing"));
            Assert.Equal(3, ledgers.Distinct().Count());
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(work, recursive: true);
        }
    }

    // A count output is a number or a one-element list in the session's JSON.
    private static double Value(JsonNode node) => node is JsonArray list ? list[0]!.GetValue<double>() : node.GetValue<double>();
}
