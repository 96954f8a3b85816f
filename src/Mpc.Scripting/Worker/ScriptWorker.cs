using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Mpc.Core;
using Mpc.Data;
using Mpc.Federation.Protocols;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Scripting.Worker;

/// <summary>
/// The process that runs one session's script at a party (`mpc worker`, started by the daemon).
/// It confines itself (Landlock: no files but the runtime's, no network, no signals), then gets
/// the compiled script, the session's seeds and this party's cells over its standard input, and
/// reaches peers, policy and analyst only through the daemon's relay on its standard output.
/// </summary>
public static partial class ScriptWorker
{
    /// <summary>The argument of the second, confined stage (the first stage confines itself and re-executes with it).</summary>
    public const string ConfinedArgument = "--confined";

    /// <summary>Runs the worker; <paramref name="confined"/> is true in the re-executed, confined stage.</summary>
    public static Task<int> RunAsync(bool confined, TextWriter log) => RunAsync(confined, null, log);

    /// <summary>
    /// Confines itself as a worker does, then tries what a script that escaped the sandbox would
    /// try (read <paramref name="file"/>, connect to 127.0.0.1:<paramref name="port"/>),
    /// and prints what happened: the check of the confinement itself.
    /// </summary>
    public static async Task<int> ProbeAsync(bool confined, string file, int port, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return await RunAsync(confined, (file, port), output).ConfigureAwait(false);
    }

    private static async Task<int> RunAsync(bool confined, (string File, int Port)? probe, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!confined)
        {
            string problem = ConfineAndReexecute(probe);
            // Only reached when confinement is not available here: the daemon logs the warning.
            await log.WriteLineAsync($"warning: the script worker runs without OS confinement: {problem}").ConfigureAwait(false);
        }
        else
        {
            await log.WriteLineAsync("the script worker runs confined (Landlock)").ConfigureAwait(false);
        }
        SetNoCoreDumps();
        if (probe is { } target) return await RunProbeAsync(target.File, target.Port, log).ConfigureAwait(false);
        var (input, output) = WorkerPipeStreams.OpenStandard();
        // Replies' bodies are pooled: the runtime hands its received OT messages back (IPartyChannel.Release).
        await using var pipe = new WorkerPipe(input, output, int.MaxValue - 64, new ReceiveBufferPool(ReceiveBufferPool.DefaultCapacityBytes));
        var first = await pipe.ReadAsync(CancellationToken.None).ConfigureAwait(false);
        if (first is not { Kind: WorkerMessageKind.Start } start) return 2;
        return await RunSessionAsync(pipe, WorkerStart.Decode(start.Body), log).ConfigureAwait(false);
    }

    private static async Task<int> RunSessionAsync(WorkerPipe pipe, WorkerStart start, TextWriter log)
    {
        var relay = new WorkerRelay(pipe, start.PartyIndex, start.PartyNames);
        _ = relay.ReadRepliesAsync();
        var table = start.Dataset?.ToTable();
        var context = new ProtocolContext(relay, ProtocolParameters.FromBound(start.Parameters),
            () => table ?? throw new DatasetUnavailableException(),
            new PairwiseSeeds(start.PartyIndex, start.PairSeeds), start.Preprocessing, start.DealerMaterial, relay, relay, relay.ReportProgress,
            CancellationToken.None, TimeSpan.FromSeconds(start.TimeLimitSeconds), limits: start.Limits);
        try
        {
            var factory = new ScriptImage(start.Assembly, start.Symbols, start.EntryType, start.EntryMethod).LoadFactory();
            await ScriptExecution.RunAsync(globals => factory([globals, null]), context, new FixedPointFormat(128, start.FractionalBits), start.Stages).ConfigureAwait(false);
            var done = WorkerRelay.Encode(writer =>
            {
                writer.Write(context.Rounds);
                writer.Write(context.BytesSent);
            });
            await pipe.WriteAsync(WorkerMessageKind.Done, 0, done, ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e)
        {
            var root = Unwrap(e);
            var failed = WorkerRelay.Encode(writer =>
            {
                writer.Write(TypeName(root));
                writer.Write(ScriptLine(root, start.ScriptFile));
                writer.Write((int)Classify(root));
                // The public text of the framework's own problem types; the daemon checks it before it leaves.
                writer.Write(root is DataProblemException or ParameterProblemException or ProtocolParameterException ? root.Message : "");
                writer.Write(root is DataProblemException { DependsOnValues: true });
                writer.Write(root is DataProblemException data ? data.Detail : root.ToString());
            });
            await log.WriteLineAsync($"the script failed: {root.GetType().Name}").ConfigureAwait(false);
            try
            {
                await pipe.WriteAsync(WorkerMessageKind.Failed, 0, failed, ReadOnlyMemory<byte>.Empty, CancellationToken.None).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The daemon's end is gone (it ended the session): nobody is left to tell.
                return 3;
            }
            return 1;
        }
    }

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    break;
                case System.Reflection.TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    break;
                default:
                    return e;
            }
        }
    }

    private static WorkerFailure Classify(Exception e) => e switch
    {
        ScriptTimeoutException => WorkerFailure.TimeLimit,
        OutOfMemoryException or InsufficientExecutionStackException => WorkerFailure.MemoryLimit,
        DatasetUnavailableException => WorkerFailure.DatasetUnavailable,
        DataProblemException => WorkerFailure.DataProblem,
        ParameterProblemException or ProtocolParameterException => WorkerFailure.ParameterProblem,
        ProtocolAbortedException => WorkerFailure.PeerAborted,
        _ => WorkerFailure.ScriptException,
    };

    /// <summary>The daemon could not give this worker the dataset; it raises its own reason.</summary>
    private sealed class DatasetUnavailableException() : InvalidOperationException("The dataset is not available to this session.");

    // Only the names of framework and Mpc types travel; a script's own exception type is just "a script exception".
    private static string TypeName(Exception e)
    {
        var type = e.GetType();
        string assembly = type.Assembly.GetName().Name ?? "";
        return assembly.StartsWith("System", StringComparison.Ordinal) || assembly.StartsWith("Mpc.", StringComparison.Ordinal) ? type.Name : "ScriptException";
    }

    /// <summary>The line of the script where the exception passed last, or 0.</summary>
    internal static int ScriptLine(Exception e, string scriptFile)
    {
        foreach (var frame in new StackTrace(e, fNeedFileInfo: true).GetFrames())
        {
            if (frame.GetFileName() is { } file && (file == scriptFile || Path.GetFileName(file) == Path.GetFileName(scriptFile)) && frame.GetFileLineNumber() > 0)
                return frame.GetFileLineNumber();
        }
        return 0;
    }

    private static async Task ProbeAsync(TextWriter output, string what, Action attempt)
    {
        try
        {
            attempt();
            await output.WriteLineAsync($"{what}: allowed").ConfigureAwait(false);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException or System.Net.Sockets.SocketException)
        {
            await output.WriteLineAsync($"{what}: denied").ConfigureAwait(false);
        }
    }

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int ParentProcess();

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int process, int signal);

    // Tries each way out of the confinement and says which were denied (the confinement test reads this).
    private static async Task<int> RunProbeAsync(string file, int port, TextWriter output)
    {
        try
        {
            _ = await File.ReadAllBytesAsync(file).ConfigureAwait(false);
            await output.WriteLineAsync("read: allowed").ConfigureAwait(false);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            await output.WriteLineAsync("read: denied").ConfigureAwait(false);
        }
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            await client.ConnectAsync(System.Net.IPAddress.Loopback, port).ConfigureAwait(false);
            await output.WriteLineAsync("connect: allowed").ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException)
        {
            await output.WriteLineAsync("connect: denied").ConfigureAwait(false);
        }
        await ProbeAsync(output, "udp", () =>
        {
            using var udp = new System.Net.Sockets.UdpClient();
            udp.Send([1], new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
        }).ConfigureAwait(false);
        await ProbeAsync(output, "unix", () =>
        {
            using var unix = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            unix.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(file + ".sock"));
        }).ConfigureAwait(false);
        int parent = ParentProcess();
        await ProbeAsync(output, "parent-environment", () => File.ReadAllBytes($"/proc/{parent}/environ")).ConfigureAwait(false);
        await ProbeAsync(output, "signal", () =>
        {
            if (Kill(parent, 0) != 0) throw new IOException(ScriptingErrors.Errno(Marshal.GetLastPInvokeError()));
        }).ConfigureAwait(false);
        try
        {
            using var started = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "true"]) { UseShellExecute = false });
            await started!.WaitForExitAsync().ConfigureAwait(false);
            await output.WriteLineAsync("exec: allowed").ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            await output.WriteLineAsync("exec: denied").ConfigureAwait(false);
        }
        return 0;
    }

    // The first stage: confine this thread, then become a fresh process that inherits the confinement on every thread.
    private static string ConfineAndReexecute((string File, int Port)? probe)
    {
        string? host = Environment.ProcessPath;
        if (host is null) return "the worker cannot tell its own executable";
        // Load the native crypto library while files are still readable; the confined stage needs it again from the same paths.
        _ = SHA256.HashData([1]);
        var readable = ReadablePaths(host).ToList();
        string? problem = Landlock.Confine(readable, AppContext.BaseDirectory.TrimEnd('/'), host);
        // The filter goes on whether or not Landlock could: it closes what Landlock leaves open (UDP, Unix sockets, old kernels).
        string? filter = SyscallFilter.Install();
        if (problem is not null) return filter is null ? $"{problem} (the system-call filter is on)" : $"{problem}; {filter}";
        if (filter is not null) Console.Error.WriteLine($"warning: the script worker runs without its system-call filter: {filter}");
        var arguments = new List<string>();
        string entry = Environment.GetCommandLineArgs()[0];
        if (!string.Equals(Path.GetFullPath(entry), Path.GetFullPath(host), StringComparison.Ordinal)) arguments.Add(entry);
        arguments.Add("worker");
        arguments.Add(ConfinedArgument);
        if (probe is { } target) arguments.AddRange(["--probe-file", target.File, "--probe-port", target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return Landlock.Exec(host, arguments);
    }

    // The .NET installation, this program's own files, system libraries and the kernel's views the runtime reads: never the party's data, keys, ledger or configuration.
    private static IEnumerable<string> ReadablePaths(string host)
    {
        string runtime = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/');
        // .../dotnet/shared/Microsoft.NETCore.App/<version>: the installation's root is three levels up.
        var root = Directory.GetParent(runtime)?.Parent?.Parent?.FullName;
        if (root is not null) yield return root;
        yield return runtime;
        string app = AppContext.BaseDirectory.TrimEnd('/');
        foreach (var file in Directory.EnumerateFiles(app).Where(f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".so", StringComparison.Ordinal) || f.EndsWith(".pdb", StringComparison.Ordinal)))
            yield return file;
        if (Directory.Exists(Path.Combine(app, "runtimes"))) yield return Path.Combine(app, "runtimes");
        foreach (var system in new[] { "/usr/lib", "/usr/lib64", "/lib", "/lib64", "/etc/ld.so.cache", "/etc/ssl", "/usr/lib/ssl", "/sys", "/dev/urandom", "/dev/null" })
            yield return system;
        // Of /proc only this process (the pid survives the re-execution) and the machine-wide figures the runtime sizes itself by: never the daemon's environment or descriptors.
        yield return $"/proc/{Environment.ProcessId}";
        foreach (var kernel in new[] { "/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/loadavg", "/proc/sys/kernel", "/proc/sys/vm", "/proc/filesystems" })
            yield return kernel;
    }

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetResourceLimit(int resource, ref ResourceLimit limit);

    private struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    // A crashing worker must not leave a core file holding the party's cells.
    private static void SetNoCoreDumps()
    {
        if (!OperatingSystem.IsLinux()) return;
        var none = new ResourceLimit();
        _ = SetResourceLimit(4, ref none);
    }
}
