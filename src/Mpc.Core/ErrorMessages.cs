namespace Mpc.Core;

/// <summary>
/// The core's error messages, and those of the layers that have no source of their own yet or share
/// them (the runtime's preprocessing engines, data, statistics, federation, part of scripting), so
/// wording stays consistent and tests can assert on it. Layers with their own source keep theirs there:
/// <c>Mpc.Runtime.RuntimeErrors</c> (runtime and channels), <c>Mpc.Privacy.PrivacyErrors</c> (DP
/// mathematics and the noise protocol), <c>Mpc.Ledger.LedgerErrors</c> (the privacy ledger),
/// <c>Mpc.Net.NetErrors</c> (roster, keys, frames), <c>Mpc.Federation.FederationErrors</c> (configuration, daemon,
/// sessions, the declared-outputs policy, the analyst client), <c>ScriptingErrors</c> (scripts, their API and worker)
/// and <c>CliMessages</c> (the CLI).
/// </summary>
public static class ErrorMessages
{
    public static string LengthMismatch(int a, int b, int destination) =>
        $"Operand lengths differ: {a}, {b} and destination {destination}.";

    public static string PrivateMatrixOwner(int owner, int self) =>
        owner == self ? $"Party {self} owns the private matrix and must give it." : $"Only the owner (party {owner}) gives the private matrix; party {self} gave one.";

    public static string MatrixShapeMismatch(int rowsA, int colsA, int rowsB, int colsB) =>
        $"Matrix shapes do not fit: {rowsA}x{colsA} and {rowsB}x{colsB}.";

    public static string NotSquare(int rows, int columns) =>
        $"A {rows}x{columns} matrix is not square.";

    public static string NegativeSteps(int steps) =>
        $"The number of steps must be at least 0, not {steps}.";

    public static string FractionalBitsOutOfRange(int ringBits, int fractionalBits) =>
        $"Fractional bits {fractionalBits} do not fit a {ringBits}-bit ring: use 0 < f <= {(ringBits - 8) / 3}.";

    public static string UnsupportedRing(string type) =>
        $"Type {type} is not a supported ring: use ulong (Z_2^64) or UInt128 (Z_2^128).";

    public static string ValueOutOfRange(double value, int index, double bound) =>
        $"Value {value} at index {index} is outside the representable range (|x| < {bound}).";

    public static string NotFinite(double value, int index) =>
        $"Value {value} at index {index} is not a finite number.";

    public static string PartyCountOutOfRange(int count) =>
        $"Party count {count} is not supported: need at least 2 parties.";

    public static string PartyIndexOutOfRange(int index, int count) =>
        $"Party index {index} is out of range for {count} parties.";

    public static string SeedsDoNotMatchChannel(int seedsParty, int seedsCount, int party, int count) =>
        $"the pairwise seeds are party {seedsParty}'s of {seedsCount}, the channel party {party}'s of {count}.";

    public static string SeedLength(int length) =>
        $"A PRG seed must be 16 bytes, got {length}.";

    public static string ScaleTooLarge(int scale, int ringBits) =>
        $"Scale of {scale} fractional bits exceeds what a {ringBits}-bit ring can hold.";

    public static string TruncationShiftOutOfRange(int shift, int ringBits) =>
        $"Truncation by {shift} bits is not possible in a {ringBits}-bit ring: use 0 < shift <= {ringBits - 2}.";

    public static string UnknownPreprocessing(string mode) =>
        $"Preprocessing '{mode}' is not available: use 'ot' (dealer-free oblivious transfer), 'replicated' (3 parties, honest majority) or 'dealer' (trusted dealer, for tests).";

    public static string PayloadSize(int from, long tag, int expected, int actual) =>
        $"Party {from} sent {actual} bytes for tag {tag} where {expected} were expected.";

    public static string PartyTimedOut(string party, TimeSpan timeout) =>
        $"Session aborted: party {party} sent nothing for {timeout.TotalSeconds:0.#} s.";

    public static string RevealRefused(string name, string reason) =>
        $"Opening of '{name}' refused: {reason}";

    /// <summary>
    /// A disclosure limit refused an exact output. Which output, column or kind of limit stays in the party's log: a script
    /// could choose them by the data, so the public text is the same for every refusal.
    /// </summary>
    public static string DisclosureRefused(int minCellCount, int minGroupSize) =>
        $"a disclosure limit: an exact output would rest on too few of the party's rows (its cells must hold 0 or at least {minCellCount}, its groups 0 or at least {minGroupSize}); the party's log names the output and column.";

    /// <summary>The party's log: which cell or group was too small, and its size.</summary>
    public static string DisclosureRefusedDetail(string output, bool cells, string column, int index, double size, int limit) =>
        FormattableString.Invariant($"output '{output}': {(cells ? "cell" : "group")} {index} of {DisclosureSubject(column)} holds {size} rows, below the {(cells ? "minimum cell count" : "minimum group size")} of {limit}.");

    /// <summary>A suppressed table must list every level its rows hold (names no level and no count).</summary>
    public static string SuppressionNeedsEveryLevel(string row, string column) =>
        $"a suppressed table must list every level of '{row}'{(column.Length > 0 ? $" and '{column}'" : "")} that the rows hold (missing values aside): otherwise its total differs from a table of the remaining levels by exactly the rows left out, and a suppressed cell follows from the two tables.";

    /// <summary>An analyst asked for suppression where the party's policy does not allow it.</summary>
    public static string SuppressionNotAllowed(string dataset) =>
        $"this party's policy does not show small cells as suppressed for dataset '{dataset}' (privacy.{dataset}.allowSuppression); without suppress=true a small cell refuses the table.";

    private static string DisclosureSubject(string column) => column.Length == 0 ? "the dataset's rows" : $"column '{column}'";

    /// <summary>The party's dataset as a whole is smaller than its minimum group size.</summary>
    public static string DatasetBelowGroupSize(string dataset, int limit) =>
        $"dataset '{dataset}' holds fewer rows than the party's minimum group size of {limit}.";

    public static string DatasetBelowGroupSizeDetail(string dataset, int rows, int limit) =>
        $"dataset '{dataset}' holds {rows} rows, below the minimum group size of {limit}.";

    public static string ExactIntermediatesNotAllowed(string dataset) =>
        $"exact intermediates open every step's exact pooled values to every party, and this party's policy does not allow them for dataset '{dataset}' (privacy.{dataset}.exactIntermediates); use the protocol's differentially private mode.";

    public static string CountsNotChecked(string output) =>
        $"output '{output}' is declared as counts, and counts open only after the party checked its own cells against its minimum cell count (release them through an API that checks them).";

    public static string HonestMajorityPartyCount(int parties, int maximum) =>
        $"the honest-majority engine (replicated sharing) runs with 3 to {maximum} parties (every party's work per triple grows as C(N, (N-1)/2): 35 components at 7 parties, 126 at 9); this session has {parties}; use 'shamir' (8 or more parties) or 'ot'.";

    public static string ShamirPartyCount(int parties, int minimum, int maximum) =>
        $"the honest-majority engine for many parties (Shamir sharing over a Galois ring) runs with {minimum} to {maximum} parties; this session has {parties}; use 'replicated' (3 to 7 parties) or 'ot'.";

    public static string AssistedTruncationNeedsThreeParties(int parties) =>
        $"truncation assisted by a helper party runs with 3 or 4 parties (with more, two may collude, and the helper and one other party together could unmask a value); this session has {parties}.";

    public static string HonestMajorityNotAllowed(string party) =>
        $"{party} does not join sessions on the honest-majority engine ('replicated' and 'shamir' are secure only if fewer than half the parties collude; its policy would set allowHonestMajority); use 'ot'.";

    public static string EarlierTranscripts(string folder) =>
        $"{folder} already holds the transcripts of an earlier local run, signed with that run's keys; each local run makes fresh keys, so give it an empty output folder (or remove {folder}).";

    public static string PortInUse(string party, string address, int port) =>
        $"{party} cannot listen on port {port} ({address}): the port is in use by another program; stop it, or give this party another port in the roster or a 'listen' address in its configuration.";

    public static string ListenAddressNotLocal(string party, string address, int port) =>
        $"{party} cannot listen on {address}:{port}: it is not an address of this machine; set 'listen' in its configuration (for example \"0.0.0.0:{port}\").";

    public static string ListenFailed(string party, string address, int port, string reason) =>
        $"{party} cannot listen on {address}:{port}: {reason}";

    public static string EndpointUnresolvable(string party, string host) =>
        $"{party}'s roster endpoint host '{host}' does not resolve to an address; check the name, or set 'listen' in its configuration to the address to listen on.";

    public static string ListenMalformed(string value) =>
        $"listen: '{value}' must be an IP address, optionally with a port (\"0.0.0.0\", \"0.0.0.0:7101\", \"[::]:7101\").";

    public static string AnalystDisconnected(string analyst) =>
        $"the analyst {analyst} disconnected (cancelled, or its connection broke); no party failed.";

    public static string PartyShuttingDown(string party) =>
        $"{party} is shutting down (its operator stopped the daemon); the session was aborted after the grace period.";

    public static string PartyNotAccepting(string party) =>
        $"{party} is shutting down and takes no new sessions.";

    public static string ReloadNeedsRestart(string party, string field) =>
        $"{party} kept its running settings: a change of {field} takes a restart, not a reload.";

    public static string UnknownPolicyId(string id, IEnumerable<string> builtIns) =>
        $"protocols: '{id}' matches no protocol: use 'builtin:NAME' of a built-in ({string.Join(", ", builtIns)}) or the 'sha256:...' id 'mpc approve' prints for a script.";

    public static string UnknownScriptHash(string id, string scripts) =>
        $"protocols: '{id}' is the hash of no script in {scripts}; put the approved script there (or fix the hash 'mpc approve' printed).";

    /// <summary>
    /// Why a party's script worker ended a session, as peers and the analyst read it after "{party} failed: ":
    /// the kind of failure only. Not the exception's type or line either: a script can choose those by the data.
    /// </summary>
    public static string ScriptWorkerFailed(string kind) => kind switch
    {
        "script" => "the script threw an exception (its type, line and message are in the party's log; run the script with 'mpc local -v' on test data to see them).",
        "data" => "its data does not fit the script (the party's log has the details).",
        "parameter" => "the script's parameters do not fit its data (the party's log has the details).",
        "memory" => "the script exceeded the party's memory limit.",
        "cpu" => "the script exceeded the party's processor-time limit.",
        "stack" => "the script overflowed its stack (unbounded recursion?).",
        "relay" => "the script's worker broke the relay protocol.",
        _ => "the script's worker crashed (the party's log has the exit code).",
    };

    // The line is where the exception left the script's code (a place in its text, never a value); type and message stay in the log.
    public static string ScriptThrewAt(int line) =>
        $"the script threw an exception at line {line} (its type and message are in the party's log; run the script with 'mpc local -v' on test data to see them).";

    public static string ScriptWorkerUnavailable(string reason) =>
        $"the party cannot start a script worker: {reason}";

    // Data errors come in pairs: the public text (kind of problem, column at most) may reach the analyst and the peers;
    // the *Detail text (file, row, column, value) goes only to the party's own log.

    public static string DataFileMissing(string dataset) =>
        $"the data file of dataset '{dataset}' cannot be found.";

    public static string DataFileMissingDetail(string path) =>
        $"Data file {path} does not exist.";

    public static string DataFileEmpty(string dataset) =>
        $"dataset '{dataset}' is empty; a header row is needed.";

    public static string DataFileEmptyDetail(string source) =>
        $"{source}: the file is empty; a header row is needed.";

    public static string DataMalformed(string dataset) =>
        $"dataset '{dataset}' is not well-formed CSV.";

    public static string DataMalformedDetail(string source, int row, string problem) =>
        $"{source}, after row {row}: malformed CSV ({problem}).";

    public static string DataFieldCount(string dataset) =>
        $"dataset '{dataset}' has a row whose field count differs from the header's.";

    public static string DataFieldCountDetail(string source, int row, int fields, int header) =>
        $"{source}, row {row}: {fields} fields where the header has {header}.";

    public static string DataDuplicateColumn(string dataset, string column) =>
        $"dataset '{dataset}': column '{column}' appears twice in the header.";

    public static string DataEmptyColumnName(string dataset) =>
        $"dataset '{dataset}': the header has an empty column name.";

    public static string DataNoColumn(string dataset, string column) =>
        $"dataset '{dataset}' has no column '{column}'.";

    public static string DataNoColumnForParameter(string dataset, string column, string parameter) =>
        $"dataset '{dataset}' has no column '{column}' (parameter '{parameter}').";

    public static string DataNoColumnDetail(string source, string column, IEnumerable<string> columns) =>
        $"{source}: no column '{column}'; the columns are {string.Join(", ", columns.Select(n => $"'{n}'"))}.";

    public static string DataNotANumber(string column) =>
        $"column '{column}' has a cell that is not a number.";

    public static string DataNotANumberDetail(string source, int row, string column, string cell) =>
        $"{source}, row {row}, column '{column}': '{cell}' is not a number.";

    public static string DataMissingValue(string column) =>
        $"column '{column}' has missing values, which this protocol does not accept.";

    public static string DataMissingValueDetail(string source, int row, string column) =>
        $"{source}, row {row}, column '{column}': missing value.";

    public static string DataOutsideLevels(string column, string parameter) =>
        $"column '{column}' holds a value that is not one of the {parameter} given.";

    public static string DataOutsideLevelsDetail(string source, int row, string column, string value, IEnumerable<string> levels) =>
        $"{source}, row {row}, column '{column}': {value} is not one of the levels {string.Join(",", levels)}.";

    // A literal with no single digit: a script worker relays only texts made of the framework's words and longer constants.
    public const string RiskSetAboveMaximum =
        "the logrank test takes fewer than 524,288 people at risk in one stratum, pooled over all parties, and a stratum has more: split it by a stratum column.";

    public static string RiskSetAboveMaximumDetail(IEnumerable<int> strata, int count) =>
        $"pooled risk set at or above the logrank maximum in stratum {string.Join(", ", strata)} of {count}.";

    public static string DataNotBinary(string column, string role) =>
        $"column '{column}': {role} must be 0 or 1 in every row.";

    public static string DataNotBinaryDetail(string source, int row, string column, string role, double value) =>
        FormattableString.Invariant($"{source}, row {row}, column '{column}': {role} must be 0 or 1, got {value}.");

    public static string DataNotBinomial(string column) => $"column '{column}': a binomial visible unit must be 0, 1 or 2 in every row.";

    public static string DataNotBinomialDetail(string source, int row, string column, double value) =>
        FormattableString.Invariant($"{source}, row {row}, column '{column}': a binomial visible unit must be 0, 1 or 2, got {value}.");

    public static string DataNegative(string column, string what) =>
        $"column '{column}' holds a negative {what}.";

    public static string DataNegativeDetail(string source, int row, string column, string what, double value) =>
        FormattableString.Invariant($"{source}, row {row}, column '{column}': negative {what} {value}.");

    public static string DataNeedsValue(string column, string what) =>
        $"column '{column}': {what} needs a value in every row.";

    public static string DataNeedsValueDetail(string source, int row, string column, string what) =>
        $"{source}, row {row}, column '{column}': {what} needs a value, got a missing one.";

    public static string DataTooFewRows(string what) =>
        $"too few rows for {what} at this party.";

    public static string DataTooFewRowsDetail(string source, string what, int rows) =>
        $"{source}: {rows} rows for {what}.";

    public static string InternalError(string party) =>
        $"{party} failed: internal error (see its log).";

    public static string DataFailed(string party, string publicMessage) =>
        $"{party} failed: {publicMessage}";

    public static string DataRefusalsUsedUp(string party, string dataset, int perDay) =>
        $"{party} has refused {perDay} requests on dataset '{dataset}' for problems in the data within 24 hours; it takes no more requests on it from this analyst until that window has passed (ask its operator).";

    public static string ParametersVsDataDetail(string party, string analyst, string dataset, string detail) =>
        $"{party}: a request of {analyst} on dataset '{dataset}' does not fit the data: {detail}";

    public static string ScriptTimedOut(TimeSpan limit) =>
        $"The protocol script exceeded its time limit of {limit.TotalSeconds:0.#} s.";

    public static string DeltaAboveParty(double delta, string party, double allowed) =>
        FormattableString.Invariant($"delta {delta:G3} is larger than the delta {allowed:G3} {party} allows for this dataset; ask for {allowed:G3} or less.");

    public static string HonestPartiesAboveParty(int honest, string party, int assumed) =>
        $"honest_parties {honest} is above the {assumed} honest part{(assumed == 1 ? "y" : "ies")} {party} assumes; noise is sized for at most {assumed}.";

    public static string EpsilonAboveCap(double epsilon, string party, double cap) =>
        FormattableString.Invariant($"the session's epsilon {epsilon:G4} is above the per-session cap {cap:G4} {party} sets for this dataset.");

    public static string EpsilonNotPositive(string value) =>
        $"the session's epsilon '{value}' must be a positive finite number.";

    public static string UnknownRevealMode(string reveal, IEnumerable<string> modes) =>
        reveal == "final"
            ? $"reveal=final was renamed reveal=exact-intermediates: it opens every step's exact pooled sums to every party, not only the final model; use {string.Join(" or ", modes)}."
            : $"reveal={reveal} is not a mode: use {string.Join(" or ", modes)}.";

    public static string ExactModeWithEpsilon(string exactMode, string dpMode) =>
        $"reveal={exactMode} trains without DP; leave epsilon out or use reveal={dpMode}.";

    public static string BoundsDisagree(string dataset, IEnumerable<string> columns) =>
        $"The parties' configured ranges (privacy.{dataset}.bounds) differ for {string.Join(", ", columns.Select(c => $"'{c}'"))}: each party would standardise with its own; the parties must configure the same ranges, or the analyst ask for narrower ones with bounds.";

    public static string ExactLatentDensityNeedsSuppression(string dataset) =>
        $"The exact latent density shows small cells as 0, and this party's policy does not show small cells as suppressed for dataset '{dataset}' (privacy.{dataset}.allowSuppression); use reveal=dp-intermediates for a noised density, or latent_bins=0.";

    public static string ExactLatentDensityNeedsTopUnits(int units) =>
        $"The exact latent density needs a top layer of at least 3 hidden units ({units} given): fewer would let the model place chosen records on their own axis; use reveal=dp-intermediates for a noised density, or latent_bins=0.";

    public static string StartModelNeedsDpMode(string exactMode, string dpMode) =>
        $"start_model needs reveal={dpMode}: under reveal={exactMode} a model the analyst chose would make every exactly opened statistic (and the monitoring) a query of the analyst's choosing.";

    public static string DpModeWithoutEpsilon(string dpMode) =>
        $"reveal={dpMode} needs an epsilon.";

    public static string EvaluationNeedsExactMode(string exactMode) =>
        $"The secure evaluation is for reveal={exactMode} runs: exact scores of the real rows would fall outside the DP run's (epsilon, delta).";
}
