using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.Federation.Sessions;

/// <summary>What the analyst heard of one party's abort: its report, or the analyst's own view of its connection.</summary>
/// <remarks>
/// <see cref="Blamed"/> is the party the report names as the cause (null: none); <see cref="Cause"/> why;
/// <see cref="RelayedFrom"/> the peer whose notice the party passes on (null: what it saw itself); <see cref="SeenByAnalyst"/>
/// marks the analyst's own view of a party whose connection failed (closed, reset or malformed) before it reported. A party
/// that stayed silent past the analyst's wait names nobody, itself included.
/// </remarks>
internal readonly record struct PartyFailure(string Party, string Reason, string? Blamed, AbortCause Cause, string? RelayedFrom = null, bool SeenByAnalyst = false)
{
    /// <summary>A party's <see cref="SessionEnd"/> of an abort, every field read as the untrusted claim it is.</summary>
    public static PartyFailure Reported(string party, SessionEnd end, IReadOnlyCollection<string> roster)
    {
        ArgumentNullException.ThrowIfNull(end);
        return new(party, AbortCauses.Cap(end.Reason), AbortCauses.BlamedParty(end.FailedParty, party, roster), AbortCauses.FromWire(end.Cause),
            AbortCauses.RelayedFrom(end.Origin, party, roster));
    }

    /// <summary>The analyst's own view of a party whose connection failed before it reported.</summary>
    public static PartyFailure Seen(string party, string reason, AbortCause cause) => new(party, reason, party, cause, SeenByAnalyst: true);

    /// <summary>A party that sent no report within the analyst's wait while its connection stayed open: no fault and no voice.</summary>
    public static PartyFailure Silent(string party) => new(party, FederationErrors.NoReportWithinGrace, null, AbortCause.Unspecified);

    /// <summary>The other party this report accuses first-hand (one voice), or null: a relayed copy is no voice of its own.</summary>
    public string? Accuses => RelayedFrom is null && !SeenByAnalyst && Blamed is not null && Blamed != Party ? Blamed : null;
}
