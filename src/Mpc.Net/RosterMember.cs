namespace Mpc.Net;

/// <summary>A party (with an endpoint) or an analyst (without one) of a federation, identified by its key fingerprint.</summary>
public sealed record RosterMember(string Name, string PublicKey, string? Host, int Port, int Index)
{
    public bool IsParty => Host is not null;

    public string Endpoint => IsParty ? $"{Host}:{Port}" : "(analyst)";
}
