using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Federation;
using Mpc.Federation.Protocols;
using Mpc.Net;

namespace Mpc.Audit.Tests;

/// <summary>A local run's output folder holds one run's transcripts: a second run into it is refused, or, for commands that own the folder, replaces the first.</summary>
public class LocalRunFolderTests(RecordedSessions sessions) : IClassFixture<RecordedSessions>
{
    private Task<SessionResult> RunIntoAsync(string folder) =>
        LocalFederation.RunAsync(ProtocolCatalog.BuiltIn.Get("multiplication-benchmark"), null, sessions.Sites, new Dictionary<string, string> { ["size"] = "20" },
            ProtocolCatalog.BuiltIn, NullLoggerFactory.Instance, null, TimeSpan.FromSeconds(30), default, folder);

    private static string[] Transcripts(string folder) => [.. Directory.GetFiles(Path.Combine(folder, "transcripts")).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task ASecondLocalRunIntoAFolderWithTranscriptsIsRefusedAndLosesNothing()
    {
        string folder = sessions.Copy();
        var before = Transcripts(folder).Select(File.ReadAllBytes).ToList();
        string roster = File.ReadAllText(Path.Combine(folder, "parties.json"));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => RunIntoAsync(folder));
        Assert.Contains("already holds the transcripts of an earlier local run", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(folder, "transcripts"), error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Transcripts(folder).Select(File.ReadAllBytes).ToList());
        Assert.Equal(roster, File.ReadAllText(Path.Combine(folder, "parties.json")));
    }

    [Fact]
    public async Task ClearingAnEarlierRunLetsARerunBeAuditedOnItsOwn()
    {
        string folder = sessions.Copy();
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "kept");
        string earlier = Path.GetFileName(Transcripts(folder)[0]);
        LocalFederation.ClearEarlierRun(folder);
        Assert.False(File.Exists(Path.Combine(folder, "parties.json")));
        await RunIntoAsync(folder);
        var report = TranscriptAuditor.Audit(folder, Roster.Load(Path.Combine(folder, "parties.json")));
        Assert.True(report.Passed, report.ToText());
        Assert.Single(report.Sessions);
        Assert.DoesNotContain(earlier, Transcripts(folder).Select(Path.GetFileName));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(folder, "notes.txt")));
    }
}
