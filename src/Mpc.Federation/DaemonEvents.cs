using Microsoft.Extensions.Logging;

namespace Mpc.Federation;

/// <summary>
/// Stable event ids of a party daemon's log, one per kind of event, so that log collectors can match on
/// them; the numbers never change meaning (docs/operating.md, "Logs").
/// </summary>
public static class DaemonEvents
{
    public static readonly EventId Listening = new(1000, nameof(Listening));
    public static readonly EventId Stopped = new(1001, nameof(Stopped));
    public static readonly EventId Draining = new(1002, nameof(Draining));
    public static readonly EventId ShutdownAbort = new(1003, nameof(ShutdownAbort));
    public static readonly EventId Reloaded = new(1004, nameof(Reloaded));
    public static readonly EventId ReloadFailed = new(1005, nameof(ReloadFailed));
    public static readonly EventId StartFailed = new(1006, nameof(StartFailed));
    public static readonly EventId ScriptsCompiled = new(1007, nameof(ScriptsCompiled));
    public static readonly EventId ScriptCompileFailed = new(1008, nameof(ScriptCompileFailed));
    public static readonly EventId ConnectionClosed = new(1100, nameof(ConnectionClosed));
    public static readonly EventId PeerRefused = new(1101, nameof(PeerRefused));
    public static readonly EventId SessionRefused = new(1200, nameof(SessionRefused));
    public static readonly EventId SessionRunning = new(1201, nameof(SessionRunning));
    public static readonly EventId SessionCompleted = new(1202, nameof(SessionCompleted));
    public static readonly EventId SessionAborted = new(1203, nameof(SessionAborted));
    public static readonly EventId SessionCancelled = new(1204, nameof(SessionCancelled));
    public static readonly EventId AnalystDisconnected = new(1205, nameof(AnalystDisconnected));
    public static readonly EventId DataProblem = new(1206, nameof(DataProblem));
    public static readonly EventId ProtocolError = new(1207, nameof(ProtocolError));
    public static readonly EventId CatalogListed = new(1300, nameof(CatalogListed));
}
