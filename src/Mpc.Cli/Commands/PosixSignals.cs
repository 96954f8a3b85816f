using System.Runtime.InteropServices;

namespace Mpc.Cli.Commands;

/// <summary>Sends a signal to another process (.NET can only receive them); Linux and macOS share SIGHUP's number.</summary>
internal static partial class PosixSignals
{
    public const int Hangup = 1;

    /// <summary>Sends the signal; false when no such process exists or it belongs to another user.</summary>
    public static bool Send(int pid, int signal)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Signals need Linux or macOS.");
        return Kill(pid, signal) == 0;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
