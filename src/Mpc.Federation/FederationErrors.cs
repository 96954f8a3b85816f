namespace Mpc.Federation;

/// <summary>
/// Every message the federation layer (configuration, policy, daemon, sessions, the declared-outputs policy, the analyst
/// client) builds for an exception, in one place (as NSec's Error.cs). Messages it shares with other layers stay in
/// <see cref="Mpc.Core.ErrorMessages"/>. A reason that reaches a peer or the analyst (reveal refusals, aborts, refusals at
/// admission) names parties, outputs and settings, never a value, a row or a local path; those go to the party's log.
/// </summary>
public static class FederationErrors
{
    public static string OutputIncomplete(string output, int received, int parties) =>
        $"Output '{output}' arrived from {received} of {parties} parties.";

    public static string AnalystKeyNotInRoster(string fingerprint, string roster) =>
        $"The analyst key {fingerprint} is not in {roster}; the parties would refuse it.";

    public static string NoConnectionTo(string party) =>
        $"No connection to {party}.";

    public static string ClosedBeforeSessionEnd(string party) =>
        $"{party} closed the connection before the session ended.";

    public static string FrameOfAnotherSession(string party) =>
        $"{party} sent a frame of another session.";

    public static string OutputSentTwice(string party, string output) =>
        $"{party} sent output '{output}' twice.";

    public static string UnexpectedMessage(string party, string message) =>
        $"{party} sent an unexpected {message}.";

    public static string SessionAborted(Guid session, string reason) =>
        $"Session {session} aborted: {reason}";

    public static string SessionAbortedBy(Guid session, string causedBy, string reason) =>
        $"Session {session} aborted, caused by {causedBy}: {reason}";

    // No "caused by": a disputed cause blames none of the parties listed.
    public static string SessionAbortedDisputed(Guid session, string parties, string reason) =>
        $"Session {session} aborted, cause unsettled: {parties}: {reason}";

    public static string ReportsDisagree(IEnumerable<string> parties) =>
        $"{string.Join(" or ", parties)} (their reports disagree)";

    public const string NoReportWithinGrace = "did not report within the grace period after the abort";

    public static string NoSessionEnd(string party) =>
        $"{party} sent no SessionEnd.";

    public static string FederationTooSmall(int dataFiles) =>
        $"A federation needs at least 2 parties; got {dataFiles} --data file(s).";

    public static string DataFileMissing(string file) =>
        $"Data file {file} does not exist.";

    public static string PolicyNamesUnknownProtocols(string party, IEnumerable<string> problems) =>
        $"{party}'s policy names protocols that do not exist:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems);

    public static string KeyRotatedAway(string refusal) =>
        refusal + " ('mpc keygen --rotate' made it).";

    public static string KeyNotInRoster(string fingerprint, string roster, string rosterKey, string party) =>
        $"This party's key has fingerprint {fingerprint}, but {roster} lists {rosterKey} for {party}; use the key that belongs to {party}, or update the roster ('mpc keygen --roster').";

    public const string ScriptLoneSurrogate = "The script text is not valid Unicode: it holds a lone surrogate.";

    public static string DatasetNotChosen(string party, int count, IEnumerable<string> datasets) =>
        $"{party} has {count} datasets ({string.Join(", ", datasets)}); pass --param dataset=NAME.";

    public static string ConfigurationMissing(string path) =>
        $"Party configuration {path} does not exist.";

    public static string ConfigurationNotJson(string path, string reason) =>
        $"{path}: not valid JSON ({reason})";

    public static string ConfigurationInvalid(string path, IEnumerable<string> problems) =>
        $"{path} is not a valid party configuration:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems);

    public static string NoSuchDataset(string party, string name, IEnumerable<string> datasets) =>
        $"{party} has no dataset '{name}'; it has {string.Join(", ", datasets)}.";

    public const string ScriptsNotRun = "this party does not run protocol scripts";

    public static string ScriptDoesNotCompileHere(string script, string party) =>
        $"script {script} does not compile at {party}; {party}'s log says why";

    public static string UnknownProtocol(string name, IEnumerable<string> known) =>
        $"unknown protocol '{name}'; known protocols: {string.Join(", ", known)}";

    public const string DeltaOutOfRange = "delta must be in (0, 1).";

    public const string NotDeclaredPrivate = "it is not declared as a differentially private output.";

    public const string SensitivitiesNotPositive = "a DP release must declare positive L1 and L2 sensitivities.";

    public const string MechanismNotAccounted = "this party does not account for that release mechanism.";

    public const string NoiseNotPositive = "a DP release needs a positive, finite noise parameter.";

    public const string SamplingRateOutOfRange = "a DP release's sampling rate must be in (0, 1].";

    public const string ReleaseDeltaNotPositive = "a DP release's delta must be positive.";

    public static string SessionBudgetExceeded(double total, double delta, double budget, double spent) =>
        $"it would bring the session's epsilon to {total:G4} (delta {delta:G3}, composed in RDP) where its budget is {budget:G4} and {spent:G4} is spent.";

    public const string DataCheckOpened = "a data check opens once per session.";

    public const string ExactIntermediateToOne = "an exact intermediate opens to every party together, never to one party or the analyst.";

    public const string PrivateWithoutNoise = "it is declared differentially private and must be released with its noise.";

    public const string IntermediateOpened = "each noised release of a DP intermediate opens to the parties once, and this one has no unopened release.";

    public const string OutputToParties = "declared outputs go to the analyst only, not to the parties (only DP and exact intermediates go to the parties).";

    public const string ReleasedAlready = "it was released already.";

    public static string NoLedger(string party) =>
        $"{party} keeps no privacy ledger.";

    public static string NoDatasetForProtocol(string party) =>
        $"{party} has no dataset for this protocol; configure one or pass --param dataset=NAME.";

    public static string ExpectedSessionStart(string analyst, string message) =>
        $"{analyst} sent {message} where SessionStart was expected.";

    public static string PeerRefused(string peer, string self, string reason) =>
        $"Session aborted: {peer} refused {self}: {reason}";

    public static string DealerSeedLength(string dealer, int length) =>
        $"Session aborted: {dealer} sent a dealer seed of {length} bytes.";

    public static string NoConnectionToParty(int peer) =>
        $"No connection to party {peer}.";

    /// <summary>The ledger failed its checks (its detail, which names the file, goes to the party's log only).</summary>
    public static string LedgerUntrusted(string party) =>
        $"{party}'s privacy ledger cannot be trusted; {party}'s log says why";
}
