using Microsoft.Extensions.Logging;
using Mpc.Core;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Federation.Sessions;

internal sealed partial class PartySession
{
    /// <summary>An abort as it goes to the peers, the analyst and the transcript; <see cref="RelayedFrom"/> is the peer whose notice it passes on.</summary>
    private readonly record struct SessionAbort(string Reason, string? FailedParty, AbortCause Cause, string? RelayedFrom = null);

    /// <summary>
    /// The abort that goes out: only texts made by the framework from public facts. A data problem gives its public part
    /// (its detail goes to this party's log); any other exception of protocol code gives only a category, as its message
    /// may quote values. The channel's first failure, when there is one, is the cause.
    /// </summary>
    private SessionAbort Describe(Exception e, ProtocolAbortedException? channelFailure)
    {
        string self = _party.Self.Name;
        var root = channelFailure ?? e;
        while (root is AggregateException { InnerExceptions.Count: 1 } aggregate) root = aggregate.InnerExceptions[0];
        // A peer's abort may be named as the cause while this party also hit a data problem: its detail still belongs in this log, and it still counts.
        if (e is DataProblemException local && !ReferenceEquals(local, root)) _dataSlot.Report(local.Detail, local.DependsOnValues);
        switch (root)
        {
            // A daemon that stops aborts its sessions itself: a peer closing at the same moment is not the cause.
            case Exception when _services.Stopping.IsCancellationRequested:
                return new(ErrorMessages.PartyShuttingDown(self), self, AbortCause.Shutdown);
            // Named as the analyst's, so no peer blames the party that noticed first, or one that stalled in the abort.
            case Exception when _analystGone:
                return new(ErrorMessages.AnalystDisconnected(_analyst.Name), _analyst.Name, AbortCause.AnalystDisconnected);
            // Cancelled without a cause of its own (a peer's abort reached it first): it blames no one, so the analyst
            // hears the party that failed rather than a disconnect that did not happen.
            case OperationCanceledException:
                return new(ErrorMessages.AnalystDisconnected(_analyst.Name), null, AbortCause.Cancelled);
            case RevealRefusedException refused:
                return new(refused.Message, null, AbortCause.RevealRefused);
            // A peer's notice is passed on as that peer's (unless it accused this party first-hand), so the analyst counts it once.
            case ProtocolAbortedException aborted:
                return new(aborted.Message, aborted.PartyName, aborted.Cause, aborted.RelayedFrom);
            case PeerAuthenticationException auth:
                return new(auth.Message, null, AbortCause.PeerRefused);
            case DataProblemException data:
                _dataSlot.Report(data.Detail, data.DependsOnValues);
                return new(ErrorMessages.DataFailed(self, data.PublicMessage), self, AbortCause.DataRefused);
            case ParameterProblemException or Protocols.ProtocolParameterException:
                return new(ErrorMessages.DataFailed(self, root.Message), self, AbortCause.DataRefused);
            // Scripts may construct this type, so its text is made again here rather than taken from it.
            case { } timeout when timeout.GetType().FullName == "Mpc.Scripting.ScriptTimeoutException":
                return new(ErrorMessages.DataFailed(self, ErrorMessages.ScriptTimedOut(_party.Configuration.ScriptTimeLimit)), self, AbortCause.ScriptFault);
            default:
                Logger.LogError(DaemonEvents.ProtocolError, root, "Session {Session}: {Party} failed in protocol code: {Error}", Id, self, root.ToString());
                return new(ErrorMessages.InternalError(self), self, AbortCause.InternalError);
        }
    }
}
