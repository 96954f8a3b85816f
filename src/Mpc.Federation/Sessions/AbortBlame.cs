using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Federation.Sessions;

/// <summary>Whom the analyst blames for an aborted session, from the causes the parties report (never from their texts).</summary>
internal static class AbortBlame
{
    /// <summary>The exception the analyst sees: every party that failed on its own account, or else the party most reports blame.</summary>
    public static ProtocolAbortedException Decide(Guid sessionId, IReadOnlyList<PartyFailure> failures)
    {
        ArgumentOutOfRangeException.ThrowIfZero(failures.Count);
        // Parties that failed on their own account (bad data, a refused reveal, their own code) are each a cause: report them all.
        var own = failures.Where(f => f.Blamed == f.Party && AbortCauses.IsOwnFault(f.Cause)).GroupBy(f => f.Party).Select(g => g.First())
            .OrderBy(f => f.Party, StringComparer.Ordinal).ToList();
        if (own.Count > 1)
            return new ProtocolAbortedException($"Session {sessionId} aborted, caused by {string.Join(", ", own.Select(f => f.Party))}: {string.Join("; ", own.Select(f => f.Reason))}",
                own[0].Party, cause: own[0].Cause);
        // Otherwise the party most reports blame is the cause; a report from a party about another party outranks a dropped connection.
        var blamed = failures.Where(f => f.Blamed is not null).GroupBy(f => f.Blamed).OrderByDescending(g => g.Count(f => f.Party != g.Key)).ThenByDescending(g => g.Count())
            .FirstOrDefault()?.Key;
        var explanation = failures.Where(f => f.Blamed == blamed && f.Party != blamed).Select(f => (PartyFailure?)f).FirstOrDefault() ?? failures[0];
        // The cause travels with the explanation the analyst reads.
        return new ProtocolAbortedException($"Session {sessionId} aborted{(blamed is null ? "" : $", caused by {blamed}")}: {explanation.Reason}", blamed, cause: explanation.Cause);
    }
}
