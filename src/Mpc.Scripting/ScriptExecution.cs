using Mpc.Core;
using Mpc.Federation.Protocols;

namespace Mpc.Scripting;

/// <summary>
/// Runs a script at one party: its top level (which only declares, and hands over the body), then
/// the body on the session's runtime, under the party's time limit. In a daemon this happens inside
/// the session's worker process; the in-process harness calls it directly.
/// </summary>
internal static class ScriptExecution
{
    /// <summary>Stage names the script libraries report progress under.</summary>
    public static IReadOnlySet<string> LibraryStages { get; } = new HashSet<string>(StringComparer.Ordinal) { "binned", "logrank", "secure evaluation" };

    public static async Task RunAsync(Func<ScriptGlobals, Task> topLevel, ProtocolContext context, FixedPointFormat format)
    {
        var limit = context.TimeLimit;
        var globals = new ScriptGlobals();
        globals.Guard.Arm(limit);
        try
        {
            await topLevel(globals).WaitAsync(limit, context.Cancellation).ConfigureAwait(false);
            var body = globals.Body ?? throw new ScriptCompilationException([new ScriptDiagnostic("script", 1, 1, "MPC002", "the script never calls Run(async mpc => { ... }) with its protocol body.")]);
            using var runtime = context.CreateRuntime<UInt128>(format);
            var session = new ScriptSession(runtime, context);
            await body(session).WaitAsync(limit, context.Cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ScriptTimeoutException(limit);
        }
    }
}
