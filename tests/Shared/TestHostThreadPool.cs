using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Mpc.Tests.Support;

/// <summary>The test process is the host of the daemons it runs in-process: it takes the same thread-pool settings as the mpc program.</summary>
internal static class TestHostThreadPool
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "A test assembly is the process's host, not a library.")]
    internal static void Configure() => Mpc.Cli.HostThreadPool.Configure();
}
