using System.Collections.Concurrent;
using System.Diagnostics;
using Mpc.Federation;
using Mpc.Net;

namespace Mpc.Bench;

/// <summary>
/// The first session of an approved script (kaplan-meier.csx, the logrank test by sex on lung) on freshly started daemon
/// processes, 2 parties over loopback TLS, timed from the analyst's 'mpc run' to its exit: daemons that compiled their
/// approved scripts at start (timed once their compile line is logged) against daemons that compile on the session's
/// request ('mpc party --compile-on-demand', the behaviour before), in the same run.
/// </summary>
internal static class FirstSessionBenchmarks
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    public static async Task RunAsync(int repetitions)
    {
        string script = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "protocols", "kaplan-meier.csx"));
        var lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "lung.csv"));
        var ahead = new List<double>();
        var onDemand = new List<double>();
        // Alternated, so both modes see the same load on the machine; the first pair warms the disk cache and is dropped.
        for (int r = 0; r <= repetitions; r++)
        {
            double onDemandMs = await FirstSessionAsync(script, lines, compileOnDemand: true);
            double aheadMs = await FirstSessionAsync(script, lines, compileOnDemand: false);
            if (r == 0) continue;
            onDemand.Add(onDemandMs);
            ahead.Add(aheadMs);
        }
        double a = BenchData.Median(ahead), d = BenchData.Median(onDemand);
        Console.WriteLine($"{"first session, scripts compiled at start",-52} {a,10:F1} ms   on request {d,9:F1} ms   ratio {a / d,8:F2}x   kaplan-meier.csx, 2 daemon processes");
    }

    private static async Task<double> FirstSessionAsync(string script, string[] lung, bool compileOnDemand)
    {
        string directory = Directory.CreateTempSubdirectory("mpc-bench-first-").FullName;
        var names = new[] { "hospital-a", "hospital-b" };
        var keys = new List<string>();
        var fingerprints = new List<string>();
        foreach (var name in names.Append("analyst"))
        {
            using var credentials = PartyCredentials.Generate(name);
            keys.Add(credentials.Save(Path.Combine(directory, "keys")).KeyPath);
            fingerprints.Add(credentials.Fingerprint);
        }
        string roster = Path.Combine(directory, "parties.json");
        File.WriteAllText(roster, Roster.ToJson("bench", names.Select((n, i) => (n, $"127.0.0.1:{FreePort()}", fingerprints[i])), [("analyst", fingerprints[2])]));
        Directory.CreateDirectory(Path.Combine(directory, "scripts"));
        File.WriteAllText(Path.Combine(directory, "scripts", "kaplan-meier.csx"), script);
        string scriptPath = Path.Combine(directory, "kaplan-meier.csx");
        File.WriteAllText(scriptPath, script);
        var daemons = new List<Mpc>();
        try
        {
            for (int p = 0; p < names.Length; p++)
            {
                int start = 1 + p * (lung.Length - 1) / 2, end = 1 + (p + 1) * (lung.Length - 1) / 2;
                File.WriteAllLines(Path.Combine(directory, $"{names[p]}.csv"), lung[start..end].Prepend(lung[0]));
                string config = Path.Combine(directory, $"{names[p]}.party.json");
                File.WriteAllText(config, $$"""{ "name": "{{names[p]}}", "datasets": { "lung": "{{names[p]}}.csv" }, "protocols": [ "{{ScriptIdentity.Hash(script)}}" ], "privacy": { "lung": { "minCellCount": 1 } } }""");
                var arguments = new List<string> { "party", "--roster", roster, "--config", config, "--key", keys[p] };
                if (compileOnDemand) arguments.Add("--compile-on-demand");
                daemons.Add(Mpc.Start(arguments));
            }
            foreach (var daemon in daemons) await daemon.WaitForAsync(compileOnDemand ? "listening on" : "approved script(s) in");
            var watch = Stopwatch.StartNew();
            using var run = Mpc.Start(["run", scriptPath, "--roster", roster, "--key", keys[2], "--param", "group=sex", "--param", "levels=1,2", "--param", "horizon=1022"]);
            int code = await run.WaitForExitAsync();
            if (code != 0) throw new InvalidOperationException($"The session failed ({code}):\n{run.Text}");
            return watch.Elapsed.TotalMilliseconds;
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>'mpc' (beside the bench) in a process of its own, its output kept.</summary>
    private sealed class Mpc(Process process) : IDisposable
    {
        private readonly ConcurrentQueue<string> _output = new();

        public string Text => string.Join("\n", _output);

        public static Mpc Start(IEnumerable<string> arguments)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mpc.dll"));
            foreach (var argument in arguments) info.ArgumentList.Add(argument);
            var started = new Process { StartInfo = info };
            var mpc = new Mpc(started);
            started.OutputDataReceived += (_, e) => { if (e.Data is not null) mpc._output.Enqueue(e.Data); };
            started.ErrorDataReceived += (_, e) => { if (e.Data is not null) mpc._output.Enqueue(e.Data); };
            started.Start();
            started.BeginOutputReadLine();
            started.BeginErrorReadLine();
            return mpc;
        }

        public async Task WaitForAsync(string fragment)
        {
            var deadline = Stopwatch.StartNew();
            while (!_output.Any(l => l.Contains(fragment, StringComparison.Ordinal)))
            {
                if (process.HasExited || deadline.Elapsed > Patience) throw new InvalidOperationException($"No line with '{fragment}':\n{Text}");
                await Task.Delay(20);
            }
        }

        public async Task<int> WaitForExitAsync()
        {
            using var cancel = new CancellationTokenSource(Patience);
            await process.WaitForExitAsync(cancel.Token);
            return process.ExitCode;
        }

        public void Dispose()
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
        }
    }
}
