using System.Collections.Concurrent;
using System.Diagnostics;

namespace Mpc.Tests.Support;

/// <summary>
/// The real 'mpc' program in a process of its own, with its output captured: both streams in order of arrival in
/// <see cref="Output"/>, and each stream apart. Shared (linked) by the test projects that start 'mpc'.
/// </summary>
public sealed class MpcProcess : IDisposable
{
    private readonly Process _process;

    private MpcProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Standard output's lines alone.</summary>
    public ConcurrentQueue<string> StandardOutput { get; } = new();

    /// <summary>Standard error's lines alone.</summary>
    public ConcurrentQueue<string> StandardError { get; } = new();

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static MpcProcess Start(params string[] arguments) => StartWith(new Dictionary<string, string>(), arguments);

    /// <summary>Starts 'mpc' with these environment variables added to the test's own.</summary>
    public static MpcProcess StartWith(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mpc.dll"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        var wrapper = new MpcProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { wrapper.StandardOutput.Enqueue(e.Data); wrapper.Output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { wrapper.StandardError.Enqueue(e.Data); wrapper.Output.Enqueue(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return wrapper;
    }

    public async Task WaitForOutputAsync(string fragment, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Output.Any(l => l.Contains(fragment, StringComparison.Ordinal))) return;
            if (_process.HasExited) break;
            await Task.Delay(25);
        }
        throw new Xunit.Sdk.XunitException($"No output line contains '{fragment}' (exited: {_process.HasExited}). Output:\n{string.Join("\n", Output)}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        // The parameterless wait also waits for the redirected streams' last lines.
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    /// <summary>Waits for the exit and asserts its code, showing the output when it differs.</summary>
    public async Task AssertExitAsync(int expected, TimeSpan timeout)
    {
        int code = await WaitForExitAsync(timeout);
        Assert.True(code == expected, $"Exit code {code}, expected {expected}. Output:\n{string.Join("\n", Output)}");
    }

    /// <summary>Asserts the process reported exactly one "error:" line containing the fragment, and no stack trace.</summary>
    public void AssertOneErrorLine(string fragment)
    {
        var errors = Output.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, "Expected one error line:\n" + string.Join("\n", Output));
        Assert.True(errors[0].Contains(fragment, StringComparison.Ordinal), $"'{fragment}' is not in: {errors[0]}");
        Assert.DoesNotContain(Output, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Exception:", StringComparison.Ordinal));
    }

    /// <summary>Sends a signal by name (INT, TERM, HUP) to the process.</summary>
    public void Signal(string name) => Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>SIGTERM: the daemon should stop cleanly.</summary>
    public void Terminate() => Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    /// <summary>SIGKILL: the process dies at once, as in a crash.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
