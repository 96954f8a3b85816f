using Mpc.Core;
using Mpc.Federation.Sessions;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

/// <summary>
/// Dishonest parties accusing honest ones with abort notices, at 4, 5 and 7 parties: the honest parties react as PartySession
/// does (through AbortCauses and the wire codec), in a seeded random order of delivery, and the analyst decides with AbortBlame.
/// </summary>
public class RelayedAccusationTests
{
    private const int Seeds = 300;
    private static readonly Guid Session = Guid.NewGuid();

    public static TheoryData<int, int> Federations => new() { { 4, 1 }, { 5, 1 }, { 7, 1 }, { 5, 2 }, { 7, 2 } };

    [Theory]
    [MemberData(nameof(Federations))]
    public void DishonestPartiesCannotMakeTheAnalystBlameAnHonestPartyByTheVolumeOfRelayedNotices(int parties, int dishonest)
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var federation = new NoticeFlow(parties, dishonest, seed);
            var error = federation.Run(firstHandTimeouts: 0);
            var named = NamedParties(error);
            string context = $"seed {seed}, {parties} parties, dishonest {string.Join(", ", federation.Dishonest)}: {error.Message}";
            Assert.True(error.PartyName is null || federation.Dishonest.Contains(error.PartyName), context);
            // Honest parties named only beside a dishonest one: the ambiguity is told, never resolved against them.
            Assert.True(named.Count == 0 || named.Any(federation.Dishonest.Contains), context);
            Assert.True(named.Count <= 1 || error.PartyName is null, context);
        }
    }

    [Theory]
    [MemberData(nameof(Federations))]
    public void TheHonestMajoritysFirstHandReportsDecideOverAnyNumberOfRelayedAccusations(int parties, int dishonest)
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var federation = new NoticeFlow(parties, dishonest, seed);
            // A majority of all parties saw the withholding party time out before any notice reached them.
            var error = federation.Run(firstHandTimeouts: parties / 2 + 1);
            Assert.True(federation.Withholder == error.PartyName, $"seed {seed}, {parties} parties, dishonest {string.Join(", ", federation.Dishonest)}: {error.Message}");
        }
    }

    [Theory]
    [MemberData(nameof(Federations))]
    public void FewerFirstHandReportsThanAMajorityNeverPutTheBlameOnAnHonestParty(int parties, int dishonest)
    {
        for (int seed = 0; seed < Seeds; seed++)
        {
            var federation = new NoticeFlow(parties, dishonest, seed);
            var error = federation.Run(firstHandTimeouts: seed % (parties / 2 + 1));
            string context = $"seed {seed}, {parties} parties, dishonest {string.Join(", ", federation.Dishonest)}: {error.Message}";
            Assert.True(error.PartyName is null || federation.Dishonest.Contains(error.PartyName), context);
            Assert.True(NamedParties(error) is var named && (named.Count == 0 || named.Any(federation.Dishonest.Contains)), context);
        }
    }

    [Fact]
    public void ARelayedCopyOfOnePartysAccusationIsNoVoiceOfItsOwn()
    {
        string[] roster = ["hospital-a", "hospital-b", "hospital-c", "hospital-d"];
        var notice = AbortFlow.RoundTrip(new AbortNotice { Reason = "hospital-b sent a malformed frame.", FailedParty = "hospital-b", Cause = (int)AbortCause.ProtocolViolation });
        var failures = new List<PartyFailure>
        {
            PartyFailure.Reported("hospital-a", AbortFlow.RoundTrip(new SessionEnd { Reason = "hospital-b sent a malformed frame.", FailedParty = "hospital-b", Cause = (int)AbortCause.ProtocolViolation }), roster),
            AbortFlow.HonestReport("hospital-c", AbortCauses.ToException(notice, "hospital-a", "hospital-c", roster), roster),
            AbortFlow.HonestReport("hospital-d", AbortCauses.ToException(notice, "hospital-a", "hospital-d", roster), roster),
            // hospital-b heard it first from hospital-c, which passed it on.
            AbortFlow.HonestReport("hospital-b", AbortCauses.ToException(AbortFlow.HonestNotice("hospital-c", AbortCauses.ToException(notice, "hospital-a", "hospital-c", roster)), "hospital-c", "hospital-b", roster), roster),
        };
        Assert.Equal([null, "hospital-a", "hospital-a", "hospital-c"], failures.Select(f => f.RelayedFrom));
        var error = AbortBlame.Decide(Session, failures, roster.Length);
        Assert.Null(error.PartyName);
        Assert.Contains("cause unsettled: hospital-b or hospital-a (their reports disagree)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AKilledPartyThatOnePeerSawIsNamedAloneOnTheAnalystsOwnView()
    {
        string[] roster = ["hospital-a", "hospital-b", "hospital-c", "hospital-d", "hospital-e"];
        var closed = new ProtocolAbortedException("Session aborted: party hospital-e failed: it closed the connection.", "hospital-e");
        var failures = new List<PartyFailure>
        {
            AbortFlow.HonestReport("hospital-a", closed, roster),
            PartyFailure.Seen("hospital-e", "hospital-e closed the connection before the session ended.", AbortCause.PeerFailed),
        };
        var notice = AbortFlow.HonestNotice("hospital-a", closed);
        failures.AddRange(roster[1..4].Select(p => AbortFlow.HonestReport(p, AbortCauses.ToException(notice, "hospital-a", p, roster), roster)));
        var error = AbortBlame.Decide(Session, failures, roster.Length);
        Assert.Equal("hospital-e", error.PartyName);
        Assert.Contains("caused by hospital-e: Session aborted: party hospital-e failed", error.Message, StringComparison.Ordinal);
    }

    // The parties after "caused by", or several after "cause unsettled" (a disagreement), or none.
    private static List<string> NamedParties(ProtocolAbortedException error)
    {
        var marker = new[] { ", caused by ", ", cause unsettled: " }.FirstOrDefault(m => error.Message.Contains(m, StringComparison.Ordinal));
        if (marker is null) return [];
        int start = error.Message.IndexOf(marker, StringComparison.Ordinal) + marker.Length;
        string names = error.Message[start..error.Message.IndexOf(": ", start, StringComparison.Ordinal)].Replace(" (their reports disagree)", "", StringComparison.Ordinal);
        return [.. names.Split(" or ")];
    }

    /// <summary>
    /// One session's abort: the dishonest parties send notices with chosen names, causes and claimed origins (to some peers
    /// only) and tell the analyst what they like; honest parties abort on their first failure, tell the analyst and pass it on.
    /// </summary>
    private sealed class NoticeFlow
    {
        private static readonly AbortCause[] Causes = [AbortCause.ProtocolViolation, AbortCause.PeerTimedOut, AbortCause.DataRefused, AbortCause.PeerFailed, AbortCause.InternalError];
        private readonly Random _random;
        private readonly string[] _names;
        private readonly List<(string From, string To, byte[] Payload)> _pending = [];
        private readonly Dictionary<string, SessionEnd> _ends = new(StringComparer.Ordinal);

        public NoticeFlow(int parties, int dishonest, int seed)
        {
            _random = new Random(seed);
            _names = [.. Enumerable.Range(1, parties).Select(i => $"hospital-{i}")];
            Dishonest = [.. _names.OrderBy(_ => _random.Next()).Take(dishonest)];
            Withholder = Dishonest.Order(StringComparer.Ordinal).First();
        }

        public HashSet<string> Dishonest { get; }

        /// <summary>The dishonest party that stops sending, which honest parties may see time out first-hand.</summary>
        public string Withholder { get; }

        private IEnumerable<string> Honest => _names.Where(n => !Dishonest.Contains(n));

        private string Pick(IReadOnlyList<string> from) => from[_random.Next(from.Count)];

        public ProtocolAbortedException Run(int firstHandTimeouts)
        {
            string target = Pick([.. Honest]);
            foreach (var party in Honest.OrderBy(_ => _random.Next()).Take(firstHandTimeouts))
                Fail(party, new ProtocolAbortedException(ErrorMessages.PartyTimedOut(Withholder, TimeSpan.FromSeconds(30)), Withholder, cause: AbortCause.PeerTimedOut));
            foreach (var liar in Dishonest)
            {
                var peers = _names.Where(n => n != liar).ToList();
                // At least one honest party hears from each liar; others may be left out, to hear only relayed copies.
                string first = Pick([.. Honest]);
                foreach (var peer in peers.Where(p => p == first || _random.Next(3) > 0))
                {
                    string? named = _random.Next(5) switch { 0 => peer, 1 => Pick([.. Honest]), 2 => null, _ => target };
                    string? origin = _random.Next(4) switch { 0 => null, 1 => liar, 2 => Pick(_names), _ => "hospital-z" };
                    _pending.Add((liar, peer, ControlCodec.Encode(new AbortNotice { Reason = $"{named} broke the protocol.", FailedParty = named, Cause = (int)Causes[_random.Next(Causes.Length)], Origin = origin })));
                }
                // A liar may report nothing (as if it had completed) or accuse the target as its own observation or as a relay.
                if (_random.Next(4) > 0)
                    _ends[liar] = new SessionEnd { Reason = $"{target} broke the protocol.", FailedParty = target, Cause = (int)Causes[_random.Next(Causes.Length)], Origin = _random.Next(3) == 0 ? Pick(_names) : liar };
            }
            while (_pending.Count > 0)
            {
                int next = _random.Next(_pending.Count);
                var (from, to, payload) = _pending[next];
                _pending.RemoveAt(next);
                if (Dishonest.Contains(to) || _ends.ContainsKey(to)) continue;
                var notice = Assert.IsType<AbortNotice>(ControlCodec.Decode(payload, from));
                Fail(to, AbortCauses.ToException(notice, from, to, _names));
            }
            Assert.All(Honest, party => Assert.True(_ends.ContainsKey(party), $"{party} never aborted"));
            var failures = _ends.Select(e => PartyFailure.Reported(e.Key, AbortFlow.RoundTrip(e.Value), _names)).ToList();
            return AbortBlame.Decide(Session, failures, _names.Length);
        }

        // An honest party's first failure: it tells the analyst and every peer, as PartySession does.
        private void Fail(string party, ProtocolAbortedException failure)
        {
            _ends[party] = AbortFlow.HonestEnd(party, failure);
            var notice = ControlCodec.Encode(AbortFlow.HonestNotice(party, failure));
            foreach (var peer in _names.Where(n => n != party)) _pending.Add((party, peer, notice));
        }
    }
}
