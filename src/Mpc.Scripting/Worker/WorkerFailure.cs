namespace Mpc.Scripting.Worker;

/// <summary>What ended a script worker, as the daemon tells peers and the analyst (the detail stays in the party's log).</summary>
internal enum WorkerFailure
{
    ScriptException = 0,
    DataProblem = 1,
    ParameterProblem = 2,
    TimeLimit = 3,
    MemoryLimit = 4,
    PeerAborted = 5,
    CpuLimit = 6,
    StackOverflow = 7,
    Crashed = 8,
    RelayViolation = 9,
    DatasetUnavailable = 10,
}
