using System.Runtime.InteropServices;

namespace Mpc.Scripting.Worker;

/// <summary>
/// Linux Landlock confinement of a script worker: read-only access to the .NET runtime and the
/// program's own files, execution of the .NET host alone, no TCP, no signals or abstract sockets
/// outside the worker. A Landlock domain binds the calling thread only, so the worker confines its
/// first thread and then replaces itself (execve) with a fresh process that inherits the domain on
/// every thread it will ever have.
/// </summary>
internal static partial class Landlock
{
    private const long CreateRuleset = 444;
    private const long AddRule = 445;
    private const long RestrictSelf = 446;
    private const uint CreateRulesetVersion = 1;
    private const int RulePathBeneath = 1;
    private const int PrSetNoNewPrivs = 38;
    private const int OPath = 0x200000;
    private const int OCloexec = 0x80000;

    private const ulong Execute = 1 << 0;
    private const ulong ReadFile = 1 << 2;
    private const ulong ReadDirectory = 1 << 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct RulesetAttributes
    {
        public ulong HandledFileSystem;
        public ulong HandledNetwork;
        public ulong Scoped;
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct PathBeneath
    {
        public ulong Allowed;
        public int ParentDescriptor;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long SystemCall(long number, nint first, nuint second, uint third);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long SystemCall(long number, int first, int second, nint third, uint fourth);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long SystemCall(long number, int first, uint second);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint a, nuint b, nuint c, nuint d);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "execve", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Execve(string path, nint arguments, nint environment);

    /// <summary>The Landlock ABI version of this kernel, or 0 without Landlock.</summary>
    public static int AbiVersion()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        try
        {
            long version = SystemCall(CreateRuleset, 0, 0, CreateRulesetVersion);
            return version > 0 ? (int)version : 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>
    /// Confines this thread to reading <paramref name="readable"/> (folders and files), listing
    /// <paramref name="listable"/>, executing <paramref name="executable"/>, and nothing else;
    /// returns the problem when it could not.
    /// </summary>
    public static string? Confine(IEnumerable<string> readable, string listable, string executable)
    {
        int abi = AbiVersion();
        if (abi < 1) return "this kernel has no Landlock";
        // Every file-system right the kernel knows is handled, so whatever no rule grants is denied.
        ulong handledFileSystem = abi switch { 1 => (1UL << 13) - 1, 2 => (1UL << 14) - 1, 3 or 4 => (1UL << 15) - 1, _ => (1UL << 16) - 1 };
        var attributes = new RulesetAttributes
        {
            HandledFileSystem = handledFileSystem,
            HandledNetwork = abi >= 4 ? 0b11UL : 0, // bind and connect over TCP
            Scoped = abi >= 6 ? 0b11UL : 0, // abstract Unix sockets and signals
        };
        nuint size = abi >= 6 ? 24u : abi >= 4 ? 16u : 8u;
        int ruleset;
        unsafe
        {
            ruleset = (int)SystemCall(CreateRuleset, (nint)(&attributes), size, 0);
        }
        if (ruleset < 0) return $"landlock_create_ruleset failed (errno {Marshal.GetLastPInvokeError()})";
        try
        {
            foreach (var path in readable.Distinct(StringComparer.Ordinal))
            {
                bool directory = Directory.Exists(path);
                if (!directory && !File.Exists(path)) continue;
                string? problem = Allow(ruleset, path, directory ? ReadFile | ReadDirectory : ReadFile);
                if (problem is not null) return problem;
            }
            string? listProblem = Directory.Exists(listable) ? Allow(ruleset, listable, ReadDirectory) : null;
            if (listProblem is not null) return listProblem;
            // The kernel opens a program's ELF interpreter for execution too.
            foreach (var program in new[] { executable, Interpreter(executable) }.OfType<string>())
            {
                string? programProblem = Allow(ruleset, program, Execute | ReadFile);
                if (programProblem is not null) return programProblem;
            }
            if (Prctl(PrSetNoNewPrivs, 1, 0, 0, 0) != 0) return $"prctl(PR_SET_NO_NEW_PRIVS) failed (errno {Marshal.GetLastPInvokeError()})";
            if (SystemCall(RestrictSelf, ruleset, 0) != 0) return $"landlock_restrict_self failed (errno {Marshal.GetLastPInvokeError()})";
            return null;
        }
        finally
        {
            Close(ruleset);
        }
    }

    /// <summary>Replaces this process with the given program (only returns on failure, with the reason).</summary>
    public static string Exec(string program, IReadOnlyList<string> arguments)
    {
        var argv = new[] { program }.Concat(arguments).ToList();
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().Select(e => $"{e.Key}={e.Value}").ToList();
        nint argvBlock = NullTerminated(argv);
        nint environmentBlock = NullTerminated(environment);
        Execve(program, argvBlock, environmentBlock);
        return $"execve failed (errno {Marshal.GetLastPInvokeError()})";
    }

    // A C array of UTF-8 strings ending in a null pointer; never freed, as the process image is replaced or the worker ends.
    private static nint NullTerminated(IReadOnlyList<string> values)
    {
        nint block = Marshal.AllocHGlobal((values.Count + 1) * IntPtr.Size);
        for (int i = 0; i < values.Count; i++) Marshal.WriteIntPtr(block, i * IntPtr.Size, Marshal.StringToCoTaskMemUTF8(values[i]));
        Marshal.WriteIntPtr(block, values.Count * IntPtr.Size, 0);
        return block;
    }

    /// <summary>The dynamic loader an ELF executable names (PT_INTERP), or null.</summary>
    internal static string? Interpreter(string executable)
    {
        try
        {
            using var file = File.OpenRead(executable);
            using var reader = new BinaryReader(file);
            if (reader.ReadUInt32() != 0x464C457F || reader.ReadByte() != 2) return null;
            file.Position = 0x20;
            long headers = reader.ReadInt64();
            file.Position = 0x36;
            int size = reader.ReadUInt16();
            int count = reader.ReadUInt16();
            for (int i = 0; i < count; i++)
            {
                file.Position = headers + (long)i * size;
                if (reader.ReadUInt32() != 3) continue;
                file.Position = headers + (long)i * size + 8;
                long offset = reader.ReadInt64();
                file.Position = headers + (long)i * size + 32;
                long length = reader.ReadInt64();
                if (length is <= 1 or > 4096) return null;
                file.Position = offset;
                return System.Text.Encoding.ASCII.GetString(reader.ReadBytes((int)length - 1));
            }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Allow(int ruleset, string path, ulong access)
    {
        int descriptor = Open(path, OPath | OCloexec);
        if (descriptor < 0) return null;
        try
        {
            var rule = new PathBeneath { Allowed = access, ParentDescriptor = descriptor };
            long result;
            unsafe
            {
                result = SystemCall(AddRule, ruleset, RulePathBeneath, (nint)(&rule), 0);
            }
            return result == 0 ? null : $"landlock_add_rule for {path} failed (errno {Marshal.GetLastPInvokeError()})";
        }
        finally
        {
            Close(descriptor);
        }
    }
}
