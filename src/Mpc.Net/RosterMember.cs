namespace Mpc.Net;

/// <summary>
/// A party (with an endpoint) or an analyst (without one) of a federation, identified by its key fingerprint; during a key
/// rotation also by its previous key, until <see cref="PreviousKeyUntil"/>.
/// </summary>
public sealed record RosterMember(string Name, string PublicKey, string? Host, int Port, int Index)
{
    public bool IsParty => Host is not null;

    /// <summary>The key this member held before its current one, still accepted until <see cref="PreviousKeyUntil"/> (null: no rotation).</summary>
    public string? PreviousKey { get; init; }

    /// <summary>When the previous key stops being accepted.</summary>
    public DateTimeOffset? PreviousKeyUntil { get; init; }

    /// <summary>Whether a presented key is this member's at that time: its key, or its previous key before the transition ends.</summary>
    public bool Holds(string fingerprint, DateTimeOffset now) =>
        fingerprint == PublicKey || (PreviousKey is not null && fingerprint == PreviousKey && now < PreviousKeyUntil);

    /// <summary>Why a key is not this member's, for the log of the side that refused it.</summary>
    public string KeyRefusal(string fingerprint) =>
        fingerprint == PreviousKey
            ? $"{Name} presented its previous key {fingerprint}, which the roster accepted only until {PreviousKeyUntil!.Value.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}; it must use its key {PublicKey}"
            : $"{Name} presented key {fingerprint}, but the roster lists {PublicKey}";

    public string Endpoint => IsParty ? $"{Host}:{Port}" : "(analyst)";
}
