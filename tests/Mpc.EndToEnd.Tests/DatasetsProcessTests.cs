using System.Text.Json;
using Mpc.Data;

namespace Mpc.EndToEnd.Tests;

/// <summary>`mpc datasets` as an analyst process against two `mpc party` daemons, each a separate process on loopback TLS.</summary>
public class DatasetsProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TheDatasetsCommandListsNamesAndTypesFromDaemonProcessesButNoValuesPathsOrRowCounts()
    {
        await using var federation = TestFederation.Create(2);
        // Party b's rows get a text column, so that a text type shows.
        var lines = File.ReadAllLines(federation.DataFiles[1]);
        File.WriteAllLines(federation.DataFiles[1], lines.Select((line, i) => line + (i == 0 ? ",celltype" : i % 2 == 0 ? ",adeno" : ",large")));
        var (roster, configs, keys, analystKey) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys);
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);
            string json = Path.Combine(federation.Directory, "out", "datasets.json");
            using var run = MpcProcess.Start("datasets", "--roster", roster, "--key", analystKey, "--json", json);
            Assert.True(await run.WaitForExitAsync(TimeSpan.FromSeconds(180)) == 0, string.Join("\n", run.Output));

            var printed = string.Join("\n", run.Output);
            var header = CsvTable.Load(federation.DataFiles[0]).ColumnNames.ToArray();
            Assert.Contains(run.Output, l => l.StartsWith("hospital-a", StringComparison.Ordinal) && header.All(c => l.Contains($"{c} (numeric)", StringComparison.Ordinal)));
            Assert.Contains(run.Output, l => l.StartsWith("hospital-b", StringComparison.Ordinal) && l.Contains("celltype (text)", StringComparison.Ordinal));
            var text = printed + File.ReadAllText(json);
            // No path of the parties' files, no cell value, no party's row count.
            foreach (var file in federation.DataFiles) Assert.DoesNotContain(Path.GetDirectoryName(file)!, text, StringComparison.Ordinal);
            Assert.DoesNotContain("adeno", text, StringComparison.Ordinal);
            Assert.DoesNotContain("large", text, StringComparison.Ordinal);
            var rows = federation.DataFiles.Select(f => File.ReadAllLines(f).Length - 1).ToList();
            foreach (var count in rows) Assert.DoesNotMatch($@"\b{count}\b", text);
            var first = CsvTable.Load(federation.DataFiles[0]);
            Assert.DoesNotMatch($@"\b{first.Column("time")[0]}\b", text);

            using var document = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }
}
