using Microsoft.Extensions.Logging.Abstractions;
using Mpc.Federation;
using Mpc.Federation.Protocols;

namespace Mpc.Audit.Tests;

/// <summary>Two real sessions (3 local parties over TLS, secure sum of the aml data) recorded once; tests tamper with copies.</summary>
public sealed class RecordedSessions : IAsyncLifetime
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "mpc-audit-" + Guid.NewGuid().ToString("N")[..10]);

    public string First => Path.Combine(Root, "first");

    public string Second => Path.Combine(Root, "second");

    /// <summary>The three sites' data files the sessions ran on.</summary>
    public IReadOnlyList<string> Sites => [.. Enumerable.Range(0, 3).Select(p => Path.Combine(Root, $"site{p}.csv"))];

    public async Task InitializeAsync()
    {
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "aml.csv"));
        var files = new List<string>();
        for (int p = 0; p < 3; p++)
        {
            string path = Path.Combine(Root, $"site{p}.csv");
            Directory.CreateDirectory(Root);
            File.WriteAllLines(path, lines.Skip(1 + p * 7).Take(p == 2 ? 9 : 7).Prepend(lines[0]));
            files.Add(path);
        }
        foreach (var folder in new[] { First, Second })
        {
            // Two multiplications, so the transcripts carry protocol frames between the parties.
            await LocalFederation.RunAsync(ProtocolCatalog.BuiltIn.Get("multiplication-benchmark"), null, files, new Dictionary<string, string> { ["size"] = "50", ["rounds"] = "2" },
                ProtocolCatalog.BuiltIn, NullLoggerFactory.Instance, null, TimeSpan.FromSeconds(30), default, folder);
        }
    }

    /// <summary>A fresh copy of the first session's folder to tamper with.</summary>
    public string Copy()
    {
        string target = Path.Combine(Root, "copy-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var file in Directory.EnumerateFiles(First, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(target, Path.GetRelativePath(First, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return target;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, true);
        return Task.CompletedTask;
    }
}
