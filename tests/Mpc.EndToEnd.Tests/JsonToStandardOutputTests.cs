using System.Diagnostics;
using System.Text.Json;

namespace Mpc.EndToEnd.Tests;

/// <summary>`--json -` writes the session's JSON to standard output (and nothing else there), not to a file named '-'.</summary>
public class JsonToStandardOutputTests
{
    [Fact]
    public async Task JsonDashWritesTheJsonToStandardOutputAlone()
    {
        var folder = Directory.CreateTempSubdirectory("mpc-json-stdout-").FullName;
        try
        {
            var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
            var sites = new[] { "a", "b" }.Select(s => Path.Combine(folder, $"site-{s}.csv")).ToArray();
            File.WriteAllLines(sites[0], lines.Take(101));
            File.WriteAllLines(sites[1], lines.Take(1).Concat(lines.Skip(101)));
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "mpc.dll"), "local", "secure-sum", "-d", sites[0], "-d", sites[1], "-p", "columns=time", "--json", "-" })
                info.ArgumentList.Add(argument);
            using var process = Process.Start(info)!;
            var standardError = process.StandardError.ReadToEndAsync();
            var standardOutput = await process.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await process.WaitForExitAsync(timeout.Token);
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await standardError}");

            using var json = JsonDocument.Parse(standardOutput);
            Assert.Equal(lines.Length - 1, json.RootElement.GetProperty("outputs").GetProperty("count").GetDouble());
            Assert.Equal("secure-sum", json.RootElement.GetProperty("session").GetProperty("protocol").GetString());
            Assert.Contains("secure-sum on 2 parties", await standardError, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(folder, "-")), "a file named '-' was written");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
