using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Mpc.Core;

namespace Mpc.Scripting.Worker;

/// <summary>The party's limits enforced from outside the worker: wall clock, processor time, memory, and the worker's last words.</summary>
internal sealed partial class ScriptWorkerHost
{
    // The worker ended without a word: a crash, or a limit the watchdog enforced.
    private ScriptWorkerException Died(Process process)
    {
        string tail = string.Join(" | ", _errorLines.TakeLast(5));
        int code = process.HasExited ? process.ExitCode : -1;
        Logger.LogWarning("Script {Script}: the worker ended without a result (exit code {Code}): {Tail}", _scriptName, code, tail);
        string kind = _runtimeAbort ?? "crash";
        return new ScriptWorkerException(ErrorMessages.ScriptWorkerFailed(kind), $"script {_scriptName}: the worker ended with exit code {code}");
    }

    private async Task WatchAsync(Process process, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var wallLimit = _context.TimeLimit + Grace;
        var cpuLimit = _context.TimeLimit * Environment.ProcessorCount + Grace;
        while (!process.HasExited)
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            try
            {
                process.Refresh();
                if (process.HasExited) return;
                string? kind = clock.Elapsed > wallLimit ? "time"
                    : process.TotalProcessorTime > cpuLimit ? "cpu"
                    : process.WorkingSet64 > _context.ScriptMemoryLimitBytes + (256L << 20) ? "memory"
                    : null;
                if (kind is null) continue;
                string detail = $"script {_scriptName}: the worker passed the {kind} limit and was stopped";
                Fail(new ScriptWorkerException(kind == "time" ? ErrorMessages.ScriptTimedOut(_context.TimeLimit) : ErrorMessages.ScriptWorkerFailed(kind), detail));
                return;
            }
            catch (InvalidOperationException)
            {
                return;
            }
            catch (System.ComponentModel.Win32Exception) when (process.HasExited)
            {
                // The worker exited between the refresh and the read of its /proc entry.
                return;
            }
        }
    }

    private async Task PumpErrorsAsync(Process process)
    {
        while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            Logger.LogDebug("Script {Script} worker: {Line}", _scriptName, line);
            // The runtime's own last words come first, before a stack trace far longer than the lines kept.
            _runtimeAbort ??= line.StartsWith("Stack overflow", StringComparison.Ordinal) ? "stack"
                : line.Contains("OutOfMemoryException", StringComparison.Ordinal) ? "memory" : null;
            _errorLines.Enqueue(line.Length > 500 ? line[..500] : line);
            while (_errorLines.Count > 50) _errorLines.TryDequeue(out _);
            if (line.StartsWith("warning:", StringComparison.Ordinal)) Logger.LogWarning("Script {Script} worker: {Line}", _scriptName, line);
        }
    }
}
