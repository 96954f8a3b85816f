namespace Mpc.Scripting;

/// <summary>
/// Every message of the scripting layer in one place (as NSec's Error.cs), in partial files by concern: script
/// diagnostics and their codes (<c>ScriptingErrors.Diagnostics.cs</c>), the script API's parameter checks
/// (<c>ScriptingErrors.Parameters.cs</c>), and here the compiler, the declarations and the confined worker. Messages shared
/// with other layers stay in <see cref="Mpc.Core.ErrorMessages"/>. A parameter message echoes the analyst's own parameter;
/// none names a value or a row of a party's data.
/// </summary>
internal static partial class ScriptingErrors
{
    public static string ParameterDeclaredTwice(string name) =>
        $"Parameter '{name}' is declared twice.";

    public static string OutputDeclaredTwice(string name) =>
        $"Output '{name}' is declared twice.";

    public const string GuardChangedLines = "The time-limit guard changed the script's line count.";

    public static string ScriptMissing(string path) =>
        $"Protocol script {path} does not exist.";

    public const string ScriptLoadsFiles = "Protocol scripts cannot load files.";

    public static string AllowListDuplicate(string type) =>
        $"The script allow-list names {type} twice.";

    public const string WorkerDidNotStart = "the worker did not start";

    public const string NoEntryPoint = "A script compilation has no entry point.";

    public static string ImageLacksEntry(string type, string method) =>
        $"The script image has no {type}.{method}.";

    public static string DaemonSentDuringSession(Mpc.Scripting.Worker.WorkerMessageKind kind) =>
        $"The daemon sent {kind} during the session.";

    public const string UnknownEngineInMessage = "A worker message names an unknown preprocessing engine.";

    public static string CountOutOfRange(int count) =>
        $"A count of {count} in a worker message is out of range.";

    public static string Errno(int errno) =>
        $"errno {errno}";

    public static string WorkerFrameOverCap(long length, int maxBodyBytes) =>
        $"A worker frame of {length} bytes exceeds the cap of {maxBodyBytes} bytes.";

    public static string WorkerFrameLengthInvalid(uint length, long maxFrameBytes) =>
        $"The worker announced a frame of {length} bytes, outside 5..{maxFrameBytes}.";

    public static string WorkerFrameKindUnknown(byte kind) =>
        $"The worker sent a frame of unknown kind {kind}.";

    public const string WorkerStreamEnded = "The worker's stream ended inside a frame.";

    public const string WorkerPipeBroken = "An earlier write to the worker pipe failed part-way: no further frame can be written.";

    public static string WorkerProcessNotStarted => Mpc.Core.ErrorMessages.ScriptWorkerUnavailable("the process did not start.");

    /// <summary>Names the daemon's install folder: for its own log (the session learns <see cref="WorkerUnavailableSeeLog"/>).</summary>
    public static string MpcNotInstalled(string folder) => Mpc.Core.ErrorMessages.ScriptWorkerUnavailable($"the mpc program (mpc.dll) is not installed in {folder}.");

    public static string WorkerUnavailableSeeLog => Mpc.Core.ErrorMessages.ScriptWorkerUnavailable("see its log.");
}
