using Mpc.Net;

namespace Mpc.Federation.Sessions;

/// <summary>Roster, policy and this party's entry as one session sees them: taken together, so a reload cannot mix two versions.</summary>
internal sealed record PartySettings(Roster Roster, PartyConfiguration Configuration, RosterMember Self);
