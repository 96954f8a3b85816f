using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Federation.Sessions;

/// <summary>
/// Whom the analyst blames for an aborted session, from the causes the parties report (never from their texts). Only
/// first-hand observations count, each reporter's once: a party passing on a peer's notice adds no voice, so one party's
/// word is not multiplied by the honest parties that relay it, and a party silent past the analyst's wait is no voice and
/// no fault (docs/security-model.md, "Aborts and blame").
/// </summary>
internal static class AbortBlame
{
    /// <summary>
    /// The exception the analyst sees: every party that failed on its own account; else the party with the most
    /// first-hand accusations, alone if the analyst saw its connection fail or a majority of the parties accuse it;
    /// otherwise the parties with the most accusations and their accusers, as reports that disagree (no party blamed).
    /// </summary>
    public static ProtocolAbortedException Decide(Guid sessionId, IReadOnlyList<PartyFailure> failures, int partyCount)
    {
        ArgumentNullException.ThrowIfNull(failures);
        ArgumentOutOfRangeException.ThrowIfZero(failures.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(partyCount, 1);
        return OwnFault(sessionId, failures) ?? ByVoices(sessionId, failures, partyCount);
    }

    // Parties that failed on their own account (bad data, a refused reveal, their own code, their shutdown) are the cause: the others' reports are consequences.
    private static ProtocolAbortedException? OwnFault(Guid sessionId, IReadOnlyList<PartyFailure> failures)
    {
        var own = failures.Where(f => f.Blamed == f.Party && AbortCauses.IsOwnFault(f.Cause)).GroupBy(f => f.Party).Select(g => g.First())
            .OrderBy(f => f.Party, StringComparer.Ordinal).ToList();
        if (own.Count == 0) return null;
        if (own.Count > 1)
            return new ProtocolAbortedException(FederationErrors.SessionAbortedBy(sessionId, string.Join(", ", own.Select(f => f.Party)), string.Join("; ", own.Select(f => f.Reason))),
                own[0].Party, cause: own[0].Cause);
        // A peer's report of the same cause explains it as the analyst's peers saw it; else the party's own words.
        var only = own[0];
        var told = failures.Where(f => f.Party != only.Party && f.Blamed == only.Party && f.Cause == only.Cause).DefaultIfEmpty(only).First();
        return new ProtocolAbortedException(FederationErrors.SessionAbortedBy(sessionId, only.Party, told.Reason), only.Party, cause: only.Cause);
    }

    private static ProtocolAbortedException ByVoices(Guid sessionId, IReadOnlyList<PartyFailure> failures, int partyCount)
    {
        // One voice per reporter (its first first-hand accusation), and one for the analyst's own view of each failed connection.
        var accusers = failures.Where(f => f.Accuses is not null).GroupBy(f => f.Party).Select(g => g.First())
            .GroupBy(f => f.Accuses!).ToDictionary(g => g.Key, g => g.Select(f => f.Party).Order(StringComparer.Ordinal).ToList());
        var seen = failures.Where(f => f.SeenByAnalyst).Select(f => f.Party).ToHashSet(StringComparer.Ordinal);
        var ranked = accusers.Keys.Union(seen).Select(p => (Party: p, Voices: (accusers.TryGetValue(p, out var by) ? by.Count : 0) + (seen.Contains(p) ? 1 : 0)))
            .OrderByDescending(r => r.Voices).ThenBy(r => r.Party, StringComparer.Ordinal).ToList();
        if (ranked.Count == 0)
        {
            var first = failures.Where(f => f.RelayedFrom is null).DefaultIfEmpty(failures[0]).First();
            return new ProtocolAbortedException(FederationErrors.SessionAborted(sessionId, first.Reason), cause: first.Cause);
        }
        var top = ranked.TakeWhile(r => r.Voices == ranked[0].Voices).Select(r => r.Party).ToList();
        // The analyst's own view, or a majority of all parties, decides; fewer voices against a party that reported otherwise may all be
        // dishonest, so its accusers are named beside it.
        var named = top.Count == 1 && (seen.Contains(top[0]) || 2 * ranked[0].Voices > partyCount) ? top
            : top.SelectMany(p => seen.Contains(p) ? [p] : accusers[p].Prepend(p)).Distinct().ToList();
        var explanation = failures.Where(f => f.Accuses == named[0]).Concat(failures.Where(f => f.Blamed == named[0] && f.Party != named[0]))
            .Concat(failures.Where(f => f.RelayedFrom is null)).Append(failures[0]).First();
        // The cause travels with the explanation the analyst reads; an ambiguous result blames no single party.
        return named.Count == 1
            ? new ProtocolAbortedException(FederationErrors.SessionAbortedBy(sessionId, named[0], explanation.Reason), named[0], cause: explanation.Cause)
            : new ProtocolAbortedException(FederationErrors.SessionAbortedDisputed(sessionId, FederationErrors.ReportsDisagree(named), explanation.Reason), cause: explanation.Cause);
    }
}
