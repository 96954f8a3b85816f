using System.Text.Json.Nodes;
using Mpc.Federation.Sessions;
using Mpc.Net;
using Mpc.Runtime;

namespace Mpc.EndToEnd.Tests;

/// <summary>Attacks on the typed abort causes (a dishonest peer's notice, its reason text), kept as tests.</summary>
public class AbortNoticeAttackTests
{
    private static readonly Guid Session = Guid.NewGuid();
    private static readonly string[] Parties = ["hospital-a", "hospital-b", "hospital-c"];

    private static PartyFailure HonestReport(string self, ProtocolAbortedException channelFailure) => AbortFlow.HonestReport(self, channelFailure, Parties);

    [Fact]
    public void ADishonestPartysAbortNoticeNamingAnHonestPeerDoesNotMakeTheAnalystBlameThatPeer()
    {
        // hospital-a (dishonest) sends every peer an abort notice that names hospital-b, with a cause that counts as an own fault.
        var notice = new AbortNotice { Reason = "hospital-b sent a malformed frame.", FailedParty = "hospital-b", Cause = (int)AbortCause.ProtocolViolation };
        var atB = AbortCauses.ToException(notice, "hospital-a", "hospital-b", Parties);
        var atC = AbortCauses.ToException(notice, "hospital-a", "hospital-c", Parties);
        // hospital-a tells the analyst only that it was cancelled.
        var error = AbortBlame.Decide(Session,
        [
            new("hospital-a", "cancelled", null, AbortCause.Cancelled),
            HonestReport("hospital-b", atB),
            HonestReport("hospital-c", atC),
        ], Parties.Length);
        // One party's word against another's: the analyst is told both, and hospital-b is not blamed alone.
        Assert.Contains("hospital-a or hospital-b (their reports disagree)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAbortNoticeDoesNotMakeAnHonestPartyReportAnOwnFaultAgainstItself()
    {
        var notice = new AbortNotice { Reason = "column 'age' is missing.", FailedParty = "hospital-b", Cause = (int)AbortCause.DataRefused };
        var report = HonestReport("hospital-b", AbortCauses.ToException(notice, "hospital-a", "hospital-b", Parties));
        Assert.False(report.Blamed == report.Party && AbortCauses.IsOwnFault(report.Cause), $"hospital-b reports {report.Cause} against itself");
    }

    [Fact]
    public void APeersReasonReachesTheAnalystWithoutControlCharacters()
    {
        // Clears the analyst's terminal and prints a fake result line.
        var notice = new AbortNotice { Reason = "\u001b[2J\u001b[1;1HSession completed.\r\nmean 71.3\u0007", FailedParty = null, Cause = (int)AbortCause.InternalError };
        var atB = AbortCauses.ToException(notice, "hospital-a", "hospital-b", Parties);
        var error = AbortBlame.Decide(Session, [HonestReport("hospital-b", atB), new("hospital-a", AbortCauses.Cap(notice.Reason), "hospital-a", AbortCause.InternalError)], Parties.Length);
        Assert.DoesNotContain(error.Message, char.IsControl);
        Assert.DoesNotContain('\u202E', AbortCauses.Cap("x\u202Egnp.exe"));
    }

    [Fact]
    public void CuttingALongReasonLeavesNoHalfOfASurrogatePair()
    {
        string reason = new string('x', AbortCauses.MaxReasonChars - 1) + "\U0001F600";
        string capped = AbortCauses.Cap(reason);
        // The transcript's end entry is serialised as TranscriptWriter.Append does.
        string json = new JsonObject { ["reason"] = capped }.ToJsonString();
        Assert.DoesNotContain("\\uD83D", json, StringComparison.OrdinalIgnoreCase);
        Assert.False(capped.Any(char.IsSurrogate), "a lone surrogate: " + json[^20..]);
    }

    [Fact]
    public void ABlamedNameOutsideTheRosterFallsBackToTheReportingParty()
    {
        Assert.Equal("hospital-a", AbortCauses.BlamedParty("hospital-z", "hospital-a", Parties));
        Assert.Equal("hospital-b", AbortCauses.BlamedParty("hospital-b", "hospital-a", Parties));
    }
}
