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
    // The default /proc/sys/fs/pipe-max-size: an unprivileged process may ask for this much.
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
        catch (IOException)
        {
            return (Console.OpenStandardInput(), Console.OpenStandardOutput());
        }
    }

    /// <summary>Asks the kernel for a 1 MB buffer behind <paramref name="stream"/> where it is a pipe; a refusal (over the user's pipe quota) keeps the default.</summary>
    public static void Enlarge(Stream stream)
    {
        if (!OperatingSystem.IsLinux() || stream is not PipeStream pipe) return;
        _ = Control((int)pipe.SafePipeHandle.DangerousGetHandle(), SetPipeSize, PipeBytes);
    }

    /// <summary>The kernel's buffer behind <paramref name="stream"/> in bytes, or -1 where it is not a pipe on Linux.</summary>
    internal static int Capacity(Stream stream) =>
        OperatingSystem.IsLinux() && stream is PipeStream pipe ? Control((int)pipe.SafePipeHandle.DangerousGetHandle(), GetPipeSize, 0) : -1;
}
