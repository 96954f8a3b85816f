using System.Globalization;
using System.Text.Json;

namespace Mpc.Cli.Tests;

/// <summary>A built-in test run by the real 'mpc local' with --json -: the JSON alone on standard output, R's printout on standard error.</summary>
public sealed class JsonToStandardOutputProcessTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mpc-cli-json-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AWelchTestWritesItsJsonToStandardOutputAndPrintsAsTTestOnStandardError()
    {
        // lung.csv is R's survival::lung; split over two sites, pooled it is the data of Reference/htest-t.
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        var sites = new[] { lines[1..120], lines[120..] }.Select((rows, i) =>
        {
            string path = Path.Combine(_folder, $"site-{i}.csv");
            File.WriteAllLines(path, rows.Prepend(lines[0]));
            return path;
        }).ToArray();
        using var run = MpcProcess.Start("local", "t-test", "-d", sites[0], "-d", sites[1], "-p", "value=age", "-p", "group=sex", "-p", "levels=1,2", "--json", "-");
        await run.AssertExitAsync(0, TimeSpan.FromMinutes(3));

        using var json = JsonDocument.Parse(string.Join("\n", run.StandardOutput));
        var outputs = json.RootElement.GetProperty("outputs");
        var reference = ReferenceCase.Load("htest-t", "t-test");
        // R's t.test(age ~ sex, data = lung): the session's t, df and p to 1e-6 relative.
        foreach (var name in new[] { "t", "df", "p_value" })
        {
            double expected = reference.Values[name][0], actual = outputs.GetProperty(name).GetDouble();
            Assert.True(Math.Abs(actual - expected) <= 1e-6 * Math.Abs(expected), $"{name}: {actual.ToString("R", CultureInfo.InvariantCulture)} against R's {expected.ToString("R", CultureInfo.InvariantCulture)}");
        }
        Assert.Equal("t-test", json.RootElement.GetProperty("session").GetProperty("protocol").GetString());
        // Standard error has print.htest's lines (the numbers at R's digits agree with R's printout).
        var printed = ReferenceCase.Printed("htest-t");
        Assert.Contains("\tWelch Two Sample t-test", run.StandardError);
        Assert.Contains(printed.Single(l => l.StartsWith("t = ", StringComparison.Ordinal)), run.StandardError);
        Assert.Contains(printed.Single(l => l.StartsWith("alternative", StringComparison.Ordinal)), run.StandardError);
        Assert.DoesNotContain(run.StandardOutput, l => l.Contains("Welch", StringComparison.Ordinal));
    }
}
