namespace Mpc.Core;

/// <summary>
/// Every user-facing error message of the framework, in one place, so wording stays consistent
/// and tests can assert on it.
/// </summary>
public static class ErrorMessages
{
    public static string LengthMismatch(int a, int b, int destination) =>
        $"Operand lengths differ: {a}, {b} and destination {destination}.";

    public static string PrivateMatrixOwner(int owner, int self) =>
        owner == self ? $"Party {self} owns the private matrix and must give it." : $"Only the owner (party {owner}) gives the private matrix; party {self} gave one.";

    public static string MatrixShapeMismatch(int rowsA, int colsA, int rowsB, int colsB) =>
        $"Matrix shapes do not fit: {rowsA}x{colsA} and {rowsB}x{colsB}.";

    public static string ShapeMismatch(string operation, int rowsA, int colsA, int rowsB, int colsB) =>
        $"{operation}: shapes differ ({rowsA}x{colsA} and {rowsB}x{colsB}).";

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

    public static string SeedLength(int length) =>
        $"A PRG seed must be 16 bytes, got {length}.";

    public static string InputOnlyAtOwner(int owner, int self) =>
        $"Party {self} passed values for an input owned by party {owner}; only the owner provides values.";

    public static string InputMissingAtOwner(int owner) =>
        $"Party {owner} owns this input but passed no values.";

    public static string InputShapeInvalid(int rows, int columns, int length) =>
        $"Input shape {rows}x{columns} does not match {length} values.";

    public static string ScaleTooLarge(int scale, int ringBits) =>
        $"Scale of {scale} fractional bits exceeds what a {ringBits}-bit ring can hold.";

    public static string TruncationShiftOutOfRange(int shift, int ringBits) =>
        $"Truncation by {shift} bits is not possible in a {ringBits}-bit ring: use 0 < shift <= {ringBits - 2}.";

    public static string PreprocessingShortfall(string kind, int requested, int delivered) =>
        $"Preprocessing delivered {delivered} {kind} where {requested} were requested.";

    public static string UnknownPreprocessing(string mode) =>
        $"Preprocessing '{mode}' is not available: use 'ot' (dealer-free oblivious transfer) or 'dealer' (trusted dealer, for tests).";

    public static string DuplicateMessage(string from, long tag) =>
        $"{from} sent two messages with tag {tag}.";

    public static string PayloadSize(int from, long tag, int expected, int actual) =>
        $"Party {from} sent {actual} bytes for tag {tag} where {expected} were expected.";

    public static string PartyFailed(string party, string reason) =>
        $"Session aborted: party {party} failed: {reason}";

    public static string PartyTimedOut(string party, TimeSpan timeout) =>
        $"Session aborted: party {party} sent nothing for {timeout.TotalSeconds:0.#} s.";

    public static string WrongRuntime() =>
        "The secret value belongs to another runtime (another party or session).";

    public static string NotABit(string operation) =>
        $"{operation} needs a secret bit (an integer with scale 0).";

    public static string NoOutputSink(string name) =>
        $"Output '{name}' has no recipient: this runtime was created without an output sink.";

    public static string RevealRefused(string name, string reason) =>
        $"Opening of '{name}' refused: {reason}";

    public static string EarlierTranscripts(string folder) =>
        $"{folder} already holds the transcripts of an earlier local run, signed with that run's keys; each local run makes fresh keys, so give it an empty output folder (or remove {folder}).";

    /// <summary>Why a party's script worker ended a session, as peers and the analyst read it: a kind and a script line, never the script's own text.</summary>
    public static string ScriptWorkerFailed(string party, string kind, string? exceptionType, int line) => kind switch
    {
        "script" => $"Session aborted: the script failed at {party}{(line > 0 ? $" at line {line}" : "")} with {exceptionType ?? "an exception"} (the message is in {party}'s log).",
        "data" => $"Session aborted: {party}'s data does not fit the script{(line > 0 ? $" (line {line})" : "")}; the details are in {party}'s log.",
        "parameter" => $"Session aborted: the script's parameters do not fit {party}'s data{(line > 0 ? $" (line {line})" : "")}; the details are in {party}'s log.",
        "time" => $"Session aborted: the script exceeded {party}'s time limit.",
        "memory" => $"Session aborted: the script exceeded {party}'s memory limit.",
        "cpu" => $"Session aborted: the script exceeded {party}'s processor-time limit.",
        "stack" => $"Session aborted: the script overflowed its stack at {party} (unbounded recursion?).",
        "relay" => $"Session aborted: the script's worker at {party} broke the relay protocol.",
        _ => $"Session aborted: the script's worker at {party} crashed ({exceptionType ?? "no reason given"}).",
    };

    public static string ScriptWorkerUnavailable(string reason) =>
        $"This party cannot start a script worker: {reason}";
}
