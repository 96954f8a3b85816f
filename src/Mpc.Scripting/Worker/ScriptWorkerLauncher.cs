using System.Diagnostics;
using System.Globalization;
using Mpc.Core;

namespace Mpc.Scripting.Worker;

/// <summary>
/// How a daemon starts a script worker: the `mpc` program beside this library, as `mpc worker`,
/// with a clean environment (nothing of the daemon's but the .NET root), a GC heap cap and no
/// diagnostics port, in the root folder.
/// </summary>
internal static class ScriptWorkerLauncher
{
    public static Process Start(long memoryLimitBytes)
    {
        var info = CreateStartInfo();
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.WorkingDirectory = "/";
        info.Environment.Clear();
        foreach (var name in new[] { "DOTNET_ROOT", "PATH" })
            if (Environment.GetEnvironmentVariable(name) is { } value) info.Environment[name] = value;
        // The GC refuses to grow past the cap (an OutOfMemoryException inside the worker); the daemon also kills above it.
        info.Environment["DOTNET_GCHeapHardLimit"] = memoryLimitBytes.ToString("X", CultureInfo.InvariantCulture);
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        // A worker waits on its pipe most of a step: idle pool threads sleep at once instead of spinning a core that 20 parties' workers share (issue 29).
        info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        return Process.Start(info) ?? throw new InvalidOperationException(ScriptingErrors.WorkerProcessNotStarted);
    }

    private static ProcessStartInfo CreateStartInfo()
    {
        string folder = AppContext.BaseDirectory;
        string library = Path.Combine(folder, "mpc.dll");
        if (!File.Exists(library)) throw new InvalidOperationException(ScriptingErrors.MpcNotInstalled(folder));
        string? current = Environment.ProcessPath;
        string host = current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet"
            ? current
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? FindDotnet();
        var info = new ProcessStartInfo(host);
        info.ArgumentList.Add(library);
        info.ArgumentList.Add("worker");
        return info;
    }

    private static string FindDotnet()
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, "dotnet");
            if (File.Exists(candidate)) return candidate;
        }
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { } root && File.Exists(Path.Combine(root, "dotnet"))) return Path.Combine(root, "dotnet");
        return "dotnet";
    }
}
