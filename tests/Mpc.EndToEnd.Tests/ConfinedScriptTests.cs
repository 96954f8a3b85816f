using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Scripting;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// Hostile scripts that a party approved run in a confined worker per session: a crash, a stack
/// overflow, unbounded memory, a loop the guard cannot see, or free text with patient values end
/// that session only, every party names the cause, the analyst learns no value, and the same
/// daemons serve the next session.
/// </summary>
public class ConfinedScriptTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);
    private const int TimeLimitSeconds = 4;

    private const string Total = """
        Describe("Total of a column.");
        Output("total", "The pooled total.");
        Run(async mpc => await mpc.Output("total", await mpc.SumAcrossParties(new[] { mpc.Column("age").Sum() })));
        """;

    private const string Recursion = """
        Describe("Recurses without end.");
        Output("x", "Never revealed.");
        int Deep(int n) => Deep(n + 1) + 1;
        Run(async mpc => await mpc.Output("x", mpc.Public(Deep(0))));
        """;

    private const string Allocation = """
        Describe("Allocates without bound.");
        Output("x", "Never revealed.");
        Run(async mpc =>
        {
            var keep = new List<double[]>();
            while (keep.Count >= 0) keep.Add(new double[1 << 20]);
            await mpc.Output("x", mpc.Public(keep.Count));
        });
        """;

    // A library call that runs for ever without returning to script code: no loop or lambda of the script's ticks the guard.
    private const string Unguarded = """
        Describe("Never awaits and never returns to script code.");
        Output("x", "Never revealed.");
        Run(mpc =>
        {
            double forever = Enumerable.Repeat(Enumerable.Repeat(2.0, int.MaxValue), int.MaxValue).Select<IEnumerable<double>, double>(Enumerable.Sum).Sum();
            return mpc.Output("x", mpc.Public(forever));
        });
        """;

    private const string Jump = """
        Describe("Loops through goto.");
        Output("x", "Never revealed.");
        Run(mpc =>
        {
            int n = 0;
        again:
            n++;
            if (n > 0) goto again;
            return mpc.Output("x", mpc.Public(n));
        });
        """;

    private const string Leak = """
        Describe("Puts row values into progress and an exception.");
        Output("x", "Never revealed.");
        Stage("counting");
        Run(mpc =>
        {
            var ages = mpc.Column("age");
            mpc.Progress("counting", ages[0] / 1000.0);
            try { mpc.Progress("age " + ages[0], 0.5); } catch (ArgumentException) { }
            throw new InvalidOperationException("first ages: " + string.Join(",", ages.Take(5)));
        });
        """;

    private static ScriptProtocol Compile(string source, string name) => ScriptCompiler.Compile(source, name, name + ".csx");

    [Fact]
    public async Task HostileScriptsEndOnlyTheirOwnSessionNamingTheCauseAndTheDaemonsServeTheNextOne()
    {
        var scripts = new (string Name, string Source, string Cause)[]
        {
            ("recursion", Recursion, "overflowed its stack"),
            ("allocation", Allocation, "memory limit"),
            ("unguarded", Unguarded, "time limit"),
            ("jump", Jump, "time limit"),
        };
        var compiled = scripts.Select(s => (Protocol: Compile(s.Source, s.Name), s.Cause)).ToList();
        var total = Compile(Total, "total");
        await using var federation = TestFederation.Create(3);
        federation.WriteScripts([.. compiled.Select(c => (c.Protocol.Name, c.Protocol.Source)), (total.Name, total.Source)]);
        var (roster, configs, keys, _) = federation.WriteFilesWith(TimeSpan.FromSeconds(30),
            $", \"scriptTimeLimitSeconds\": {TimeLimitSeconds}, \"scriptMemoryLimitMegabytes\": 512, \"dataRefusalsPerDay\": 20",
            [.. compiled.Select(c => c.Protocol.Id), total.Id]);
        var daemons = TestFederation.StartDaemonProcesses(roster, configs, keys);
        try
        {
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("listening on", Startup);
            foreach (var (protocol, cause) in compiled)
            {
                var started = DateTime.UtcNow;
                var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(protocol, protocol.Source, new Dictionary<string, string>(), null, default));
                Assert.Contains(cause, error.Message, StringComparison.Ordinal);
                Assert.Contains(error.PartyName, federation.Names);
                // Limits are enforced from outside: the session ends within the limit and the grace, with room for a busy machine.
                Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(TimeLimitSeconds + 60), $"{protocol.Name} took {(DateTime.UtcNow - started).TotalSeconds:F0} s to abort.");
            }
            foreach (var daemon in daemons) Assert.False(daemon.HasExited);
            var result = await federation.Client().RunAsync(total, total.Source, new Dictionary<string, string>(), null, default);
            Assert.Equal(14238, result.Outputs["total"].Values[0], 1e-6);
            // Every party logged each abort with its cause.
            foreach (var daemon in daemons) await daemon.WaitForOutputAsync("aborted", TimeSpan.FromSeconds(10));
        }
        finally
        {
            foreach (var daemon in daemons) daemon.Dispose();
        }
    }

    [Fact]
    public async Task RowValuesInProgressAndExceptionsNeverReachTheAnalyst()
    {
        var script = Compile(Leak, "leak");
        await using var federation = TestFederation.Create(3);
        federation.StartAll(approved: _ => [script.Id], catalog: ProtocolCatalog.BuiltIn.WithScriptCompiler((source, name) => ScriptCompiler.Compile(source, name, name + ".csx")));
        var seen = new List<string>();
        var progress = new SynchronousProgress(seen);
        var error = await Assert.ThrowsAsync<ProtocolAbortedException>(() => federation.Client().RunAsync(script, script.Source, new Dictionary<string, string>(), progress, default));
        var ages = federation.DataFiles.SelectMany(f => Mpc.Data.CsvTable.Load(f).Column("age").Take(5)).Distinct().ToList();
        // Session ids are random hex; an age is looked for as a whole number everywhere else.
        string everything = System.Text.RegularExpressions.Regex.Replace(error.Message + "\n" + string.Join("\n", seen), "[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "(session)");
        foreach (var age in ages) Assert.DoesNotMatch($@"(?<![0-9.]){age.ToString(System.Globalization.CultureInfo.InvariantCulture)}(?![0-9])", everything);
        // The line of the throw (a place in the script's text) but not the exception's type; a script that picks its line by the data spends a data refusal.
        Assert.Contains("the script threw an exception at line 9 (", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", error.Message, StringComparison.Ordinal);
        // Progress shows the declared stage and its place among the declared stages, never the script's number.
        Assert.Contains(seen, p => p.Contains("counting", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AWorkerReadsNoPartyFileReachesNoNetworkOrProcessAndRunsNoProgram()
    {
        string folder = Directory.CreateTempSubdirectory("mpc-probe-").FullName;
        try
        {
            string key = Path.Combine(folder, "party.key");
            await File.WriteAllTextAsync(key, "not a real key");
            using var tcp = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            tcp.Start();
            int port = ((System.Net.IPEndPoint)tcp.LocalEndpoint).Port;
            using var unix = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            unix.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(key + ".sock"));
            unix.Listen();
            string[] attempts = ["read", "connect", "udp", "unix", "parent-environment", "signal", "exec"];
            // The probe itself can see each door open: the same checks without confinement are allowed.
            foreach (var (arguments, verdict) in new[] { (new[] { "worker", "--confined" }, "allowed"), (new[] { "worker" }, "denied") })
            {
                using var probe = MpcProcess.Start([.. arguments, "--probe-file", key, "--probe-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                Assert.Equal(0, await probe.WaitForExitAsync(Startup));
                foreach (var attempt in attempts) Assert.Contains($"{attempt}: {verdict}", probe.Output);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class SynchronousProgress(List<string> seen) : IProgress<string>
    {
        public void Report(string value)
        {
            lock (seen) seen.Add(value);
        }
    }
}
