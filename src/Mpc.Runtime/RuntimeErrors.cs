namespace Mpc.Runtime;

/// <summary>
/// Every message the runtime and its channels put in an exception, in one place (as NSec's Error.cs), so
/// wording stays consistent and tests can assert on it. A message that reaches a peer names parties,
/// tags and sizes, never a value or a row. Messages the runtime shares with the core or with the
/// preprocessing engines stay in <see cref="Mpc.Core.ErrorMessages"/>.
/// </summary>
public static class RuntimeErrors
{
    public static string ShapeMismatch(string operation, int rowsA, int colsA, int rowsB, int colsB) =>
        $"{operation}: shapes differ ({rowsA}x{colsA} and {rowsB}x{colsB}).";

    public static string InputOnlyAtOwner(int owner, int self) =>
        $"Party {self} passed values for an input owned by party {owner}; only the owner provides values.";

    public static string InputMissingAtOwner(int owner) =>
        $"Party {owner} owns this input but passed no values.";

    public static string InputShapeInvalid(int rows, int columns, int length) =>
        $"Input shape {rows}x{columns} does not match {length} values.";

    public static string DaBitsOnlyEngine(string item) =>
        $"This OT engine makes daBits only (it set up the OT extension instances from lower to higher party indices alone); it makes no {item}.";

    public static string ObliviousTransferInstanceNotSetUp(int sender, int receiver) =>
        $"This session set up no OT extension instance from party {sender + 1} to party {receiver + 1} (an engine that makes only daBits sets up those from lower to higher indices).";

    public static string PreprocessingShortfall(string kind, int requested, int delivered) =>
        $"Preprocessing delivered {delivered} {kind} where {requested} were requested.";

    /// <summary>A value beyond the public bound its caller declared for a sum (a bug of the caller; the value stays out).</summary>
    public static string ValueBeyondDeclaredBound(int element) => $"Element {element} of this party's values lies beyond the bound declared for the sum.";

    /// <summary>Two parties' contributions to a sum differ in length (the lengths may be row counts, so they stay out).</summary>
    public static string ContributionLengthsDiffer(string party, string peer) => $"Parties contribute vectors of different lengths: {party} and {peer} differ.";

    public static string SharedWorkLength(string peer) => $"{peer} sent shared public work of the wrong length.";

    public static string SharedWorkNotFinite(string peer) => $"{peer} sent shared public work with a value that is not finite.";

    public static string WrongRuntime() =>
        "The secret value belongs to another runtime (another party or session).";

    public static string EmptyOrderStatistic => "an order statistic (minimum, maximum, quantile) of no values is undefined.";

    public static string ProbabilitiesOutOfRange => "quantile probabilities must be given and each lie in [0, 1].";

    public static string NotABit(string operation) =>
        $"{operation} needs a secret bit (an integer with scale 0).";

    public static string NoOutputSink(string name) =>
        $"Output '{name}' has no recipient: this runtime was created without an output sink.";

    public static string ShareOutOfRange() =>
        "a value to be secret-shared is outside the range of the fixed-point ring (or not finite).";

    public static string ShareOutOfRangeDetail(double value, int index, double bound) =>
        FormattableString.Invariant($"Value {value} at index {index} is outside the representable range (|x| < {bound}) or not finite.");

    public static string SumOutOfRange(string what, int parties) =>
        $"a local total ({what}) is outside the range one of {parties} parties may contribute, so the pooled sum could wrap around the ring.";

    public static string SumOutOfRangeDetail(string what, double value, double bound) =>
        FormattableString.Invariant($"local total {what} = {value}, where each party's contribution must stay below {bound} in magnitude.");

    public static string DuplicateMessage(string from, long tag) =>
        $"{from} sent two messages with tag {tag}.";

    public static string PartyFailed(string party, string reason) =>
        $"Session aborted: party {party} failed: {reason}";

    public static string TooMuchUnread(string party, long limit) =>
        $"{party} sent more than {limit >> 20} MiB that this party has not asked for yet.";

    public static string NegativeRowCount(string party) =>
        $"Party {party} announced a negative row count.";

    public const string NoSharesToReconstruct = "No shares to reconstruct.";

    public static string OutputShapesDisagree(string output) =>
        $"Parties disagree on the shape of output '{output}'.";

    public static string MissingSeed(int peer) =>
        $"Missing seed for peer {peer}.";

    public const string SeedsOfAnotherParty = "Pairwise seeds belong to another party or roster.";

    public const string NothingToConcatenate = "Nothing to concatenate.";

    public const string SessionCancelled = "Session aborted: cancelled.";

    public static string AbortedBy(string party, string reason) =>
        $"Session aborted by {party}: {reason}";

    public static string FrameOfAnotherSession(string party, Guid frameSession, Guid session) =>
        $"{party} sent a frame of session {frameSession} on the connection of session {session}.";

    public static string UnexpectedControlMessage(string party, string message) =>
        $"{party} sent an unexpected {message} during the protocol.";

    public static string GaloisRingDegree(int degree, int minimum, int maximum) =>
        $"Galois ring extensions of degree {minimum} to {maximum} are tabulated; degree {degree} was asked for.";

    public const string GaloisRingNotAUnit = "The Galois ring element is not a unit (its reduction mod 2 is zero), so it has no inverse.";

    public const string GaloisRingVectorLength = "A Galois ring vector or coefficient table is shorter than the element count and degree require.";

    public static string ShamirPartyCount(int parties, int minimum, int maximum) =>
        $"Shamir sharing over a Galois ring runs with {minimum} to {maximum} parties; this session has {parties}.";

    public const string ShamirPointsRepeat = "Lagrange interpolation needs distinct evaluation points.";
}
