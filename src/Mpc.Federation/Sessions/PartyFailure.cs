using Mpc.Runtime;

namespace Mpc.Federation.Sessions;

/// <summary>What the analyst heard of one party's abort: its report (or the analyst's own view of its connection).</summary>
/// <remarks><see cref="Blamed"/> is the party the report names as the cause (null: none); <see cref="Cause"/> why.</remarks>
internal readonly record struct PartyFailure(string Party, string Reason, string? Blamed, AbortCause Cause);
