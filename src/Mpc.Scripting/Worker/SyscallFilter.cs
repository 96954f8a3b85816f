using System.Runtime.InteropServices;

namespace Mpc.Scripting.Worker;

/// <summary>
/// A seccomp filter the worker installs on itself (after Landlock, before it re-executes): what
/// Landlock cannot deny on every kernel. No socket of any family can be made (so no UDP, no Unix
/// socket by path, on kernels without Landlock's network rules too), no other process can be
/// traced, read or signalled, and no program run by descriptor. Inherited across execve, for good.
/// </summary>
/// <remarks>
/// Program (classic BPF over struct seccomp_data: nr at 0, arch at 4, args[0] at 16): any other
/// architecture or the x32 ABI is denied; socket, connect, ptrace, process_vm_readv/writev,
/// execveat and tkill are denied; kill and tgkill pass only when their first argument is this
/// process; everything else is allowed. Denied calls fail with EPERM.
/// </remarks>
internal static partial class SyscallFilter
{
    private const uint AuditArchX8664 = 0xC000003E;
    private const uint Allow = 0x7FFF0000;
    private const uint DenyWithEperm = 0x00050001;
    private const int PrSetSeccomp = 22;
    private const int PrSetNoNewPrivs = 38;
    private const int SeccompModeFilter = 2;

    // x86-64 system call numbers.
    private static readonly uint[] Denied = [41 /* socket */, 42 /* connect */, 53 /* socketpair */, 101 /* ptrace */, 200 /* tkill */, 310 /* process_vm_readv */, 311 /* process_vm_writev */, 322 /* execveat */];
    private static readonly uint[] SignalsToSelfOnly = [62 /* kill */, 234 /* tgkill */];

    [StructLayout(LayoutKind.Sequential)]
    private struct Instruction(ushort code, byte whenTrue, byte whenFalse, uint value)
    {
        public ushort Code = code;
        public byte WhenTrue = whenTrue;
        public byte WhenFalse = whenFalse;
        public uint Value = value;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Program
    {
        public ushort Length;
        public nint Instructions;
    }

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    private static partial int Prctl(int option, nuint a, nint b, nuint c, nuint d);

    /// <summary>Installs the filter; returns why it could not, or null.</summary>
    public static string? Install()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64) return $"no system-call filter for {RuntimeInformation.ProcessArchitecture}";
        // Required to install a filter without privileges; Landlock sets it too.
        if (Prctl(PrSetNoNewPrivs, 1, 0, 0, 0) != 0) return $"prctl(PR_SET_NO_NEW_PRIVS) failed (errno {Marshal.GetLastPInvokeError()})";
        var program = Build((uint)Environment.ProcessId);
        unsafe
        {
            fixed (Instruction* instructions = program)
            {
                var header = new Program { Length = (ushort)program.Length, Instructions = (nint)instructions };
                if (Prctl(PrSetSeccomp, SeccompModeFilter, (nint)(&header), 0, 0) != 0)
                    return $"prctl(PR_SET_SECCOMP) failed (errno {Marshal.GetLastPInvokeError()})";
            }
        }
        return null;
    }

    private static Instruction[] Build(uint self)
    {
        const ushort LoadWord = 0x20, JumpIfEqual = 0x15, JumpIfAtLeast = 0x35, Return = 0x06;
        var code = new List<Instruction>
        {
            new(LoadWord, 0, 0, 4),
            new(JumpIfEqual, 1, 0, AuditArchX8664),
            new(Return, 0, 0, DenyWithEperm),
            new(LoadWord, 0, 0, 0),
        };
        // Jumps are forward offsets, fixed once the tail's layout is known: [allow][deny][check self: load, compare, allow, deny].
        int checks = 1 + Denied.Length + SignalsToSelfOnly.Length;
        int allowAt = code.Count + checks, denyAt = allowAt + 1, selfAt = denyAt + 1;
        byte To(int target) => checked((byte)(target - code.Count - 1));
        code.Add(new(JumpIfAtLeast, To(denyAt), 0, 0x40000000));
        foreach (var number in Denied) code.Add(new(JumpIfEqual, To(denyAt), 0, number));
        foreach (var number in SignalsToSelfOnly) code.Add(new(JumpIfEqual, To(selfAt), 0, number));
        code.Add(new(Return, 0, 0, Allow));
        code.Add(new(Return, 0, 0, DenyWithEperm));
        code.Add(new(LoadWord, 0, 0, 16));
        code.Add(new(JumpIfEqual, 0, 1, self));
        code.Add(new(Return, 0, 0, Allow));
        code.Add(new(Return, 0, 0, DenyWithEperm));
        return [.. code];
    }
}
