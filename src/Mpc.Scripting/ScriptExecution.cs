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
    // Stage names the script libraries report progress under (regression, survival); a script's own come from Stage("...").
    private static readonly string[] LibraryStages = ["standardised", "newton", "dp-gradient", "binned", "logrank"];

    /// <summary>The stage names a session may report: the script's declared ones and the libraries' own.</summary>
    public static IReadOnlySet<string> ReportableStages(IEnumerable<string> declared) =>
        new HashSet<string>(LibraryStages.Concat(declared), StringComparer.Ordinal);

    public static async Task RunAsync(Func<ScriptGlobals, Task> topLevel, ProtocolContext context, FixedPointFormat format, IReadOnlyList<string> stages)
    {
        var limit = context.TimeLimit;
        using var armed = ScriptGuard.Arm(limit);
        try
        {
            var globals = new ScriptGlobals();
            await topLevel(globals).WaitAsync(limit, context.Cancellation).ConfigureAwait(false);
            var body = globals.Body ?? throw new InvalidOperationException(ScriptingErrors.TopLevelOutOfStep("Run(...)"));
            using var runtime = context.CreateRuntime<UInt128>(format);
            var session = new ScriptSession(runtime, context, stages, globals.DeclaredOutputs);
            await body(session).WaitAsync(limit, context.Cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new ScriptTimeoutException(limit);
        }
    }
}
