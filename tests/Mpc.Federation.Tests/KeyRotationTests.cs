using Mpc.Net;

namespace Mpc.Federation.Tests;

/// <summary>A key rotation with a transition period, over loopback TLS between in-process daemons, with the clock injected.</summary>
public class KeyRotationTests
{
    private static readonly DateTimeOffset End = new(2027, 1, 31, 0, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, string> Ages = new() { ["columns"] = "age" };

    [Fact]
    public async Task APeerWithItsOldKeyIsAcceptedBeforeTheRotationEndsAndRefusedAfter()
    {
        await using var federation = TestFederation.Create(2);
        var (rosterPath, _, _, _) = federation.WriteFiles(TimeSpan.FromSeconds(10));
        using var next = PartyCredentials.Generate("hospital-b");
        // hospital-b's new key becomes its roster key; the old one, which its daemon still uses, is pinned until the end.
        Roster.RotateKey(rosterPath, "hospital-b", next.Fingerprint, End);
        var roster = Roster.Load(rosterPath);
        Assert.Equal(federation.Credentials[1].Fingerprint, roster.Parties[1].PreviousKey);
        Assert.NotEqual(federation.Roster.Hash, roster.Hash);

        var clock = new ManualClock(End.AddDays(-1));
        federation.StartAll(roster: roster, clock: clock);
        var before = await federation.Client(roster, clock: clock).RunAsync("secure-sum", Ages, null, default);
        Assert.Equal(["hospital-a", "hospital-b"], before.Parties);

        // After the end hospital-a refuses hospital-b's old key in the handshake (the analyst's clock still accepts it).
        clock.Now = End.AddSeconds(1);
        var analystClock = new ManualClock(End.AddDays(-1));
        await Assert.ThrowsAnyAsync<Exception>(() => federation.Client(roster, clock: analystClock).RunAsync("secure-sum", Ages, null, default));
        await federation.Logs[0].WaitForAsync($"hospital-b presented its previous key {federation.Credentials[1].Fingerprint}, which the roster accepted only until 2027-01-31T00:00:00Z", TimeSpan.FromSeconds(180));
        // So does an analyst whose clock has passed the end too, and hospital-b's daemon cannot start again with the old key.
        var error = await Assert.ThrowsAsync<SessionRefusedException>(() => federation.Client(roster, clock: clock).RunAsync("secure-sum", Ages, null, default));
        Assert.Contains("hospital-b presented its previous key", error.Message, StringComparison.Ordinal);
        Assert.Throws<PeerAuthenticationException>(() => new PartyDaemon(roster, federation.Credentials[1], federation.Daemons[1].Configuration, Protocols.ProtocolCatalog.BuiltIn, new ListLogger(), clock: clock));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
