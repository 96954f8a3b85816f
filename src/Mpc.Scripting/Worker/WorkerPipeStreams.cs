using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mpc.Scripting.Worker;

/// <summary>
/// The operating-system side of the daemon-worker pipe: streams that wait on the kernel's readiness events, and pipe buffers
/// large enough for a piece of preprocessing (a 256 KB frame through the default 64 KB pipe blocked the writer four times).
/// </summary>
internal static partial class WorkerPipeStreams
{
    private const int SetPipeSize = 1031; // F_SETPIPE_SZ
    private const int GetPipeSize = 1032; // F_GETPIPE_SZ
    // The most an unprivileged process may ask for (pipe-max-size). A user's pipes share a quota (pipe-user-pages-soft, 64 MB):
    // past 32 workers of one user at once the kernel refuses, and that user's new pipes get 8 KB until some close.
    private const int PipeBytes = 1 << 20;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Control(int descriptor, int command, int argument);

    /// <summary>
    /// The worker's standard input and output as pipe streams where they are pipes (as the daemon starts it): reads and writes
    /// then wait on epoll instead of blocking a pool thread each, as the console streams do. Otherwise the console streams.
    /// </summary>
    public static (Stream Input, Stream Output) OpenStandard()
    {
        try
        {
            return (new AnonymousPipeClientStream(PipeDirection.In, new SafePipeHandle(0, ownsHandle: false)),
                new AnonymousPipeClientStream(PipeDirection.Out, new SafePipeHandle(1, ownsHandle: false)));
        }
        catch (Exception e) when (e is IOException or ArgumentException)
        {
            return (Console.OpenStandardInput(), Console.OpenStandardOutput());
        }
    }

    /// <summary>
    /// Asks the kernel for a 1 MB buffer behind <paramref name="stream"/> where it is a pipe; false where it is not one or the
    /// kernel refused (the user's pipes over their quota): the pipe then works as it was, only with more writes.
    /// </summary>
    public static bool Enlarge(Stream stream)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream pipe) return false;
        return Control((int)pipe.SafePipeHandle.DangerousGetHandle(), SetPipeSize, PipeBytes) >= PipeBytes;
    }

    /// <summary>The kernel's buffer behind <paramref name="stream"/> in bytes, or -1 where it is not a pipe on Linux.</summary>
    internal static int Capacity(Stream stream) =>
        OperatingSystem.IsLinux() && stream is PipeStream pipe ? Control((int)pipe.SafePipeHandle.DangerousGetHandle(), GetPipeSize, 0) : -1;
}
