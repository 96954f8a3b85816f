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
        // Parties that failed on their own account (bad data, a refused reveal, their own code, their shutdown) are the cause: the others' reports are consequences.
        var own = failures.Where(f => f.Blamed == f.Party && AbortCauses.IsOwnFault(f.Cause)).GroupBy(f => f.Party).Select(g => g.First())
            .OrderBy(f => f.Party, StringComparer.Ordinal).ToList();
        if (own.Count == 1)
        {
            // A peer's report of the same cause explains it as the analyst's peers saw it; else the party's own words.
            var only = own[0];
            var told = failures.Where(f => f.Party != only.Party && f.Blamed == only.Party && f.Cause == only.Cause).DefaultIfEmpty(only).First();
            return new ProtocolAbortedException($"Session {sessionId} aborted, caused by {only.Party}: {told.Reason}", only.Party, cause: only.Cause);
        }
        if (own.Count > 1)
            return new ProtocolAbortedException($"Session {sessionId} aborted, caused by {string.Join(", ", own.Select(f => f.Party))}: {string.Join("; ", own.Select(f => f.Reason))}",
                own[0].Party, cause: own[0].Cause);
        // Otherwise the party most reports blame is the cause; a report from a party about another party outranks a dropped connection.
        var ranked = failures.Where(f => f.Blamed is not null).GroupBy(f => f.Blamed!)
            .Select(g => (Party: g.Key, ByOthers: g.Count(f => f.Party != g.Key), All: g.Count())).OrderByDescending(r => r.ByOthers).ThenByDescending(r => r.All)
            .ThenBy(r => r.Party, StringComparer.Ordinal).ToList();
        // Parties blaming each other equally is one's word against the other's: the analyst is told both names.
        var tied = ranked.TakeWhile(r => ranked.Count > 0 && r.ByOthers == ranked[0].ByOthers && r.All == ranked[0].All).Select(r => r.Party).ToList();
        string? blamed = tied.FirstOrDefault();
        var explanation = failures.Where(f => f.Blamed == blamed && f.Party != blamed).Select(f => (PartyFailure?)f).FirstOrDefault() ?? failures[0];
        string named = tied.Count switch { 0 => "", 1 => $", caused by {blamed}", _ => $", caused by {string.Join(" or ", tied)} (their reports disagree)" };
        // The cause travels with the explanation the analyst reads.
        return new ProtocolAbortedException($"Session {sessionId} aborted{named}: {explanation.Reason}", blamed, cause: explanation.Cause);
    }
}
