using System.Text.Json.Nodes;
using Mpc.Audit;
using Mpc.Federation.Protocols;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>A script worker's frame for every peer (issue 29): the daemon still sends, and logs, one frame a peer.</summary>
public class WorkerRelayTranscriptTests
{
    private const string Square = """
        Describe("Square of a column's pooled total.");
        Parameter("column", ParameterType.Column, "age", "A column.");
        Output("square", "The pooled total, squared.");
        Run(async mpc =>
        {
            var total = await mpc.SumAcrossParties(new[] { mpc.Column(mpc.Text("column")).Sum() });
            await mpc.Output("square", await mpc.Mul(total, total));
        });
        """;

    [Fact]
    public async Task AnOpeningAWorkerSendsToEveryPeerAsOneFrameIsLoggedOncePerPeerAndTheTranscriptsAudit()
    {
        var script = ScriptCompiler.Compile(Square, "square", "square.csx");
        var catalog = ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx"));
        await using var federation = TestFederation.Create(3);
        string transcripts = Path.Combine(federation.Directory, "transcripts");
        federation.StartAll(approved: _ => [script.Id], catalog: catalog, transcripts: transcripts);
        var result = await federation.Client().RunAsync(script, script.Source, new Dictionary<string, string> { ["column"] = "age" }, null, default);

        double total = Directory.GetFiles(federation.Directory, "*.csv").Sum(f => Mpc.Data.CsvTable.Load(f).Column("age").Sum());
        Assert.Equal(total * total, result.Outputs["square"].Values[0], total * total * 1e-9);
        var report = TranscriptAuditor.Audit(transcripts, federation.Roster);
        Assert.True(report.Passed, report.ToText());
        // The multiplication opens its masked values to every party: each party logs, under each such tag, one send to each of the two others.
        foreach (var file in Directory.GetFiles(transcripts, "*.transcript.jsonl"))
        {
            var sends = File.ReadLines(file).Select(line => JsonNode.Parse(line)!).Where(e => e["type"]!.GetValue<string>() == "send").ToList();
            var byTag = sends.GroupBy(e => e["tag"]!.GetValue<long>()).ToList();
            Assert.Contains(byTag, g => g.Select(e => e["peer"]!.GetValue<string>()).Distinct().Count() == 2 && g.Select(e => e["sha256"]!.GetValue<string>()).Distinct().Count() == 1);
        }
    }
}
