using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Mpc.Core;
using Mpc.Privacy;

namespace Mpc.Ledger;

/// <summary>
/// A party's persistent privacy-budget ledger in a SQLite file: an append-only, hash-chained list of
/// entries, each signed with the party's key. Per dataset, a session first reserves its whole epsilon
/// (admission), its DP releases are charged against that reservation, and the session's end returns
/// the unused part. Spend is the RDP composition of every release; an open reservation (a running
/// session, or one whose daemon crashed) counts as spent. A release is committed before its noised
/// value leaves the party, so a crash can only over-count, never under-count.
/// </summary>
/// <remarks>
/// Schema (SQLite user_version <see cref="SchemaVersion"/>): entries(seq INTEGER PRIMARY KEY, body TEXT, hash TEXT, signature TEXT). body is a JSON object
/// with "seq", "prev" (the previous entry's hash; 64 zeros for entry 0), "kind", "time" and by kind:
///   "genesis" (entry 0): party, certificate (the party's PEM certificate; null in an unsigned ledger);
///   "reserve": dataset, session, epsilon, delta (the session's reservation, at the dataset's delta);
///   "release": dataset, session, output, mechanism (a <see cref="ReleaseMechanisms"/> name), parameters (the mechanism's:
///     noise, l1, l2, samplingRate, honestParties; noise is what the party's own assumptions guarantee), epsilon and delta
///     (what the party's accountant charged: the release's RDP curve converted at delta). Version 0 files, of earlier
///     versions, hold the same parameters flat in the body with the noise as "mu" (always distributed Skellam); they are
///     read as they are, since their entries are signed, and new entries follow them in the current form;
///   "close": dataset, session, status ("completed" or "aborted");
///   "refusal": dataset, analyst (a session refused or aborted for a problem in the data, which the daemon's
///     daily limit counts; kept here so a restart does not forget it);
///   "rekey": fingerprint, certificate (the party's new key, "sha256:" fingerprint and PEM certificate), acceptance (the
///     new key's <see cref="ChainSignature"/> over <see cref="RekeyStatement"/>, so only the holder of the new private key
///     can take a ledger over): signed with the key in force before it, like every entry up to it; every later entry is
///     signed with the new key.
/// hash is the hex SHA-256 of body's UTF-8 bytes; signature is <see cref="ChainSignature"/> over hash, with the key in
/// force at the entry (the genesis key until the first "rekey", and so on).
/// Admission and every charge run in one BEGIN IMMEDIATE transaction, so concurrent sessions (threads
/// or processes) see each other's reservations. A reservation holds, order by order, the RDP curve of one
/// unit-sensitivity Skellam release calibrated to its epsilon (the yardstick for an epsilon, whatever mechanism then
/// releases), less what the session has released so far.
/// </remarks>
public sealed partial class PrivacyLedger
{
    private static readonly string ZeroHash = new('0', 64);
    private readonly string _connectionString;
    private readonly X509Certificate2? _signer;
    private readonly Lock _gate = new();
    private readonly List<string> _problems = [];
    private readonly Dictionary<string, double[]> _released = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Reservation> _open = new(StringComparer.Ordinal);
    private readonly HashSet<string> _sessions = new(StringComparer.Ordinal);
    private readonly List<LedgerEntry> _entries = [];
    private readonly List<string> _keys = [];
    private X509Certificate2? _certificate;
    private long _count;
    private string _head = ZeroHash;
    private bool _unsigned;

    /// <summary>Opens (or creates, empty) a ledger to read; <see cref="Record"/> on it writes unsigned entries, which verification rejects.</summary>
    public PrivacyLedger(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        _connectionString = Prepare(path);
        lock (_gate) Read(null);
    }

    /// <summary>
    /// Opens the ledger of <paramref name="party"/> to write, signing with its key; a new file gets its
    /// genesis entry. Throws <see cref="LedgerIntegrityException"/> when the chain does not verify or the
    /// ledger belongs to another party or key.
    /// </summary>
    public PrivacyLedger(string path, string party, X509Certificate2 signer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(party);
        ArgumentNullException.ThrowIfNull(signer);
        if (!signer.HasPrivateKey) throw new ArgumentException(LedgerErrors.SignerWithoutPrivateKey, nameof(signer));
        Path = path;
        _signer = signer;
        _connectionString = Prepare(path);
        lock (_gate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            Read(connection);
            if (_count == 0 && _problems.Count == 0)
            {
                Append(connection, transaction, "genesis", new JsonObject { ["party"] = party, ["certificate"] = signer.ExportCertificatePem() });
                transaction.Commit();
            }
            if (Party != party) _problems.Add(LedgerErrors.LedgerOfAnotherParty(path, Party, party));
            else if (_certificate is null) _problems.Add(LedgerErrors.LedgerOfAnotherKey(path, party));
            ThrowIfBroken();
        }
    }

    public string Path { get; }

    /// <summary>The party named in the ledger's genesis entry ("" for an empty ledger).</summary>
    public string Party { get; private set; } = "";

    /// <summary>The certificate of the key in force: the genesis entry's, or the last re-key entry's (null: empty or unsigned).</summary>
    public X509Certificate2? Certificate
    {
        get
        {
            lock (_gate)
            {
                Read(null);
                return _certificate;
            }
        }
    }

    /// <summary>The fingerprints of the keys that signed the ledger, in order: the genesis key, then each re-key entry's.</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            lock (_gate)
            {
                Read(null);
                return _keys.ToList();
            }
        }
    }

    /// <summary>Entry count and the hex SHA-256 of the last entry: what transcripts and backups are cross-checked against.</summary>
    public (long Entries, string Head) Head
    {
        get
        {
            lock (_gate)
            {
                Read(null);
                return (_count, _head);
            }
        }
    }

    /// <summary>
    /// Admission: reserves <paramref name="epsilon"/> on <paramref name="dataset"/> for a session if the dataset's
    /// releases, every open reservation and this one, composed in RDP at <paramref name="delta"/>, stay within <paramref name="budget"/>.
    /// </summary>
    public LedgerReservation Reserve(string dataset, string session, double epsilon, double delta, double budget)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        ArgumentException.ThrowIfNullOrEmpty(session);
        CheckEpsilon(epsilon, nameof(epsilon));
        CheckDelta(delta);
        CheckEpsilon(budget, nameof(budget));
        return ReserveWorker(dataset, session, epsilon, delta, budget);
    }

    /// <summary>
    /// Charges one release of <paramref name="mechanism"/> with total noise parameter <paramref name="noise"/> (as the party's
    /// own assumptions guarantee it) against the session's reservation, durably, if the dataset stays within
    /// <paramref name="budget"/> at <paramref name="delta"/>; throws <see cref="PrivacyBudgetExceededException"/> otherwise.
    /// </summary>
    public void Charge(string dataset, string session, string output, string mechanism, double noise, double l1, double l2, double samplingRate, int honestParties, double delta, double budget)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        ArgumentException.ThrowIfNullOrEmpty(session);
        ArgumentNullException.ThrowIfNull(output);
        CheckMechanism(mechanism);
        if (!(noise > 0) || !double.IsFinite(noise)) throw new ArgumentOutOfRangeException(nameof(noise), LedgerErrors.NoiseNotPositive);
        if (!(l1 > 0) || !(l2 > 0) || !double.IsFinite(l1) || !double.IsFinite(l2)) throw new ArgumentOutOfRangeException(nameof(l1), LedgerErrors.SensitivitiesNotPositive);
        if (!(samplingRate > 0 && samplingRate <= 1)) throw new ArgumentOutOfRangeException(nameof(samplingRate), PrivacyErrors.SamplingRateOutOfRange);
        ArgumentOutOfRangeException.ThrowIfLessThan(honestParties, 1);
        CheckDelta(delta);
        CheckEpsilon(budget, nameof(budget));
        ChargeWorker(dataset, session, output, new ReleaseParameters(mechanism, noise, l1, l2, samplingRate, honestParties), delta, budget);
    }

    /// <summary>Ends a session's reservation (its unused part returns to the dataset); does nothing if it holds none.</summary>
    public void Close(string session, bool completed)
    {
        ArgumentException.ThrowIfNullOrEmpty(session);
        lock (_gate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            Read(connection);
            // A broken chain stays as found, for whoever investigates it.
            if (_problems.Count > 0 || SignerProblem() is not null || !_open.TryGetValue(session, out var reservation)) return;
            Append(connection, transaction, "close", new JsonObject { ["dataset"] = reservation.Dataset, ["session"] = session, ["status"] = completed ? "completed" : "aborted" });
            transaction.Commit();
        }
    }

    /// <summary>Records a release without a reservation or budget check (tools and tests; a daemon uses <see cref="Charge"/>).</summary>
    public void Record(string dataset, string session, string output, string mechanism, double noise, double l1, double l2, double epsilon, double delta, double samplingRate = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(output);
        CheckMechanism(mechanism);
        if (!(noise > 0) || !double.IsFinite(noise)) throw new ArgumentOutOfRangeException(nameof(noise), LedgerErrors.NoiseNotPositive);
        CheckDelta(delta);
        AppendOne("release", ReleaseFields(dataset, session, output, new ReleaseParameters(mechanism, noise, l1, l2, samplingRate, 1), epsilon, delta));
    }

    /// <summary>Records that a session of <paramref name="analyst"/> on <paramref name="dataset"/> was refused for a problem in the data.</summary>
    public void RecordDataRefusal(string analyst, string dataset)
    {
        ArgumentException.ThrowIfNullOrEmpty(analyst);
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        AppendOne("refusal", new JsonObject { ["dataset"] = dataset, ["analyst"] = analyst });
    }

    /// <summary>
    /// Hands the ledger to the party's new key: appends a "rekey" entry naming <paramref name="next"/>, signed with the key
    /// in force (this ledger's signer); every later entry must be signed with <paramref name="next"/>. Budgets carry over.
    /// </summary>
    public void Rekey(X509Certificate2 next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (_signer is null) throw new InvalidOperationException(LedgerErrors.RekeyWithoutKeyInForce);
        if (!next.HasPrivateKey) throw new ArgumentException(LedgerErrors.RekeyWithoutNewPrivateKey, nameof(next));
        RekeyWorker(next);
    }

    /// <summary>
    /// Checks the whole chain: each entry's hash, its link to the one before, its sequence number and its
    /// signature with the key in force at it (the genesis certificate, then each re-key entry's); with
    /// <paramref name="expected"/>, the key in force at the end must be that key (for example the roster's key for the party).
    /// </summary>
    public LedgerVerification Verify(X509Certificate2? expected = null)
    {
        lock (_gate)
        {
            Read(null);
            var problems = _problems.ToList();
            if (_count == 0) problems.Add(LedgerErrors.LedgerEmpty(Path));
            else if (_unsigned) problems.Add(LedgerErrors.LedgerUnsigned(Path));
            if (expected is not null && _certificate is not null && !_certificate.GetPublicKey().AsSpan().SequenceEqual(expected.GetPublicKey()))
                problems.Add(LedgerErrors.LedgerOfAnotherKey(Path, Party));
            return new LedgerVerification(Party, _count, _head, problems) { Keys = _keys.ToList() };
        }
    }

    private static void CheckEpsilon(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, LedgerErrors.EpsilonNotPositive);
    }

    private static void CheckMechanism(string mechanism)
    {
        ArgumentNullException.ThrowIfNull(mechanism);
        if (!ReleaseMechanisms.IsKnown(mechanism)) throw new ArgumentException(PrivacyErrors.UnknownMechanism(mechanism), nameof(mechanism));
    }

    private static void CheckDelta(double delta)
    {
        if (!(delta > 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(delta), PrivacyErrors.DeltaOutOfRange);
    }
}
