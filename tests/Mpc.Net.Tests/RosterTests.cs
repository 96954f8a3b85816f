namespace Mpc.Net.Tests;

public class RosterTests
{
    private static readonly string KeyA = "sha256:" + new string('a', 64);
    private static readonly string KeyB = "sha256:" + new string('b', 64);
    private static readonly string KeyC = "sha256:" + new string('c', 64);

    [Fact]
    public void AValidRosterLoadsWithPartyIndicesInOrder()
    {
        var roster = Roster.Parse($$"""
            { "federation": "demo",
              "parties": [ { "name": "hospital-a", "endpoint": "127.0.0.1:7101", "publicKey": "{{KeyA}}" },
                           { "name": "hospital-b", "endpoint": "127.0.0.1:7102", "publicKey": "{{KeyB}}" } ],
              "analysts": [ { "name": "analyst", "publicKey": "{{KeyC}}" } ] }
            """, "parties.json");
        Assert.Equal(["hospital-a", "hospital-b"], roster.Parties.Select(p => p.Name));
        Assert.Equal(1, roster.GetParty("hospital-b").Index);
        Assert.Equal(7102, roster.Parties[1].Port);
        Assert.Equal("analyst", roster.FindByKey(KeyC)!.Name);
        Assert.False(roster.FindByKey(KeyC)!.IsParty);
        Assert.Matches("^[0-9a-f]{64}$", roster.Hash);
    }

    [Fact]
    public void EveryProblemIsReportedWithItsLocation()
    {
        var error = Assert.Throws<RosterException>(() => Roster.Parse($$"""
            { "federation": "demo",
              "parties": [ { "name": "hospital-a", "endpoint": "127.0.0.1", "publicKey": "{{KeyA}}" },
                           { "name": "hospital-a", "endpoint": "127.0.0.1:7102", "publicKey": "sha256:xyz" },
                           { "name": "bad name!", "endpoint": "127.0.0.1:99999", "publicKey": "{{KeyA}}", "secret": "x" } ],
              "analysts": [ { "publicKey": "{{KeyC}}" } ] }
            """, "parties.json"));
        Assert.Contains("parties[0].endpoint: '127.0.0.1' must be host:port with a port from 1 to 65535.", error.Problems);
        Assert.Contains("parties[1].publicKey: 'sha256:xyz' is not a key fingerprint (sha256: and 64 lowercase hex digits; 'mpc keygen' prints it).", error.Problems);
        Assert.Contains("parties[2].name: 'bad name!' must be 1-63 characters of letters, digits, '.', '_' or '-', starting with a letter or digit.", error.Problems);
        Assert.Contains("parties[2].endpoint: '127.0.0.1:99999' must be host:port with a port from 1 to 65535.", error.Problems);
        Assert.Contains("parties[2].secret: unknown field.", error.Problems);
        Assert.Contains("analysts[0].name: missing.", error.Problems);
        Assert.StartsWith("parties.json is not a valid roster:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateNamesKeysAndEndpointsAreRejected()
    {
        var error = Assert.Throws<RosterException>(() => Roster.Parse($$"""
            { "federation": "demo",
              "parties": [ { "name": "a", "endpoint": "127.0.0.1:7101", "publicKey": "{{KeyA}}" },
                           { "name": "a", "endpoint": "127.0.0.1:7101", "publicKey": "{{KeyA}}" } ],
              "analysts": [ { "name": "x", "publicKey": "{{KeyC}}" } ] }
            """, "r.json"));
        Assert.Contains("parties[0], parties[1]: the name 'a' is used more than once.", error.Problems);
        Assert.Contains("parties[0], parties[1]: the same public key is listed more than once.", error.Problems);
        Assert.Contains("parties[0], parties[1]: the endpoint 127.0.0.1:7101 is used more than once.", error.Problems);
    }

    [Fact]
    public void MalformedJsonAndTooFewPartiesAreReported()
    {
        Assert.Contains("not valid JSON", Assert.Throws<RosterException>(() => Roster.Parse("{ \"parties\": [", "r.json")).Message, StringComparison.Ordinal);
        var error = Assert.Throws<RosterException>(() => Roster.Parse($$"""
            { "federation": "demo", "parties": [ { "name": "a", "endpoint": "h:1", "publicKey": "{{KeyA}}" } ], "analysts": [] }
            """, "r.json"));
        Assert.Contains("parties: a federation needs at least 2 parties, found 1.", error.Problems);
        Assert.Contains("analysts: at least one analyst is needed to start sessions.", error.Problems);
    }

    [Fact]
    public void TheHashIgnoresFormattingButNotContent()
    {
        var a = Roster.Create("f", [("a", "127.0.0.1:1", KeyA), ("b", "127.0.0.1:2", KeyB)], [("x", KeyC)]);
        var json = Roster.ToJson("f", [("a", "127.0.0.1:1", KeyA), ("b", "127.0.0.1:2", KeyB)], [("x", KeyC)]).Replace("\n", "\n\n  ", StringComparison.Ordinal);
        Assert.Equal(a.Hash, Roster.Parse(json, "r").Hash);
        var c = Roster.Create("f", [("a", "127.0.0.1:1", KeyA), ("b", "127.0.0.1:3", KeyB)], [("x", KeyC)]);
        Assert.NotEqual(a.Hash, c.Hash);
    }

    [Fact]
    public void SetPublicKeyUpdatesOneMemberOfARosterFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"roster-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, Roster.ToJson("f", [("a", "127.0.0.1:1", KeyA), ("b", "127.0.0.1:2", KeyB)], [("x", KeyC)]));
        string fresh = "sha256:" + new string('d', 64);
        Roster.SetPublicKey(path, "b", fresh);
        var roster = Roster.Load(path);
        Assert.Equal(fresh, roster.GetParty("b").PublicKey);
        Assert.Equal(KeyA, roster.GetParty("a").PublicKey);
        File.Delete(path);
    }
}
