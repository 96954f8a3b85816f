namespace Mpc.Scripting.Worker;

/// <summary>The kinds of frame between a daemon and its script worker (see <see cref="WorkerPipe"/> for the layout).</summary>
internal enum WorkerMessageKind : byte
{
    // Worker to daemon.
    Send = 1,
    Receive = 2,
    CheckReveal = 3,
    CheckNoisedRelease = 4,
    Output = 5,
    Progress = 6,
    Done = 7,
    Failed = 8,
    CheckDisclosure = 9,
    SendAll = 10,

    // Daemon to worker.
    Start = 64,
    Reply = 65,
}
