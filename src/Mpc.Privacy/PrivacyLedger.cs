using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Mpc.Core;

namespace Mpc.Privacy;

/// <summary>
/// A party's persistent privacy-budget ledger in a SQLite file: an append-only, hash-chained list of
/// entries, each signed with the party's key. Per dataset, a session first reserves its whole epsilon
/// (admission), its DP releases are charged against that reservation, and the session's end returns
/// the unused part. Spend is the RDP composition of every release; an open reservation (a running
/// session, or one whose daemon crashed) counts as spent. A release is committed before its noised
/// value leaves the party, so a crash can only over-count, never under-count.
/// </summary>
/// <remarks>
/// Schema: entries(seq INTEGER PRIMARY KEY, body TEXT, hash TEXT, signature TEXT). body is a JSON object
/// with "seq", "prev" (the previous entry's hash; 64 zeros for entry 0), "kind", "time" and by kind:
///   "genesis" (entry 0): party, certificate (the party's PEM certificate; null in an unsigned ledger);
///   "reserve": dataset, session, epsilon, delta (the session's reservation, at the dataset's delta);
///   "release": dataset, session, output, mechanism, mu, l1, l2, samplingRate, epsilon, delta, honestParties
///     (mu is the Skellam parameter the party's own assumptions guarantee; epsilon is its cost at delta);
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
/// Skellam release calibrated to its epsilon, less what the session has released so far.
/// </remarks>
public sealed class PrivacyLedger
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
        if (!signer.HasPrivateKey) throw new ArgumentException("The ledger's signer needs its private key.", nameof(signer));
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
            if (Party != party) _problems.Add(ErrorMessages.LedgerOfAnotherParty(path, Party, party));
            else if (_certificate is null) _problems.Add(ErrorMessages.LedgerOfAnotherKey(path, party));
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
    /// Charges one Skellam release against the session's reservation, durably, if the dataset stays within
    /// <paramref name="budget"/> at <paramref name="delta"/>; throws <see cref="PrivacyBudgetExceededException"/> otherwise.
    /// </summary>
    public void Charge(string dataset, string session, string output, double mu, double l1, double l2, double samplingRate, int honestParties, double delta, double budget)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        ArgumentException.ThrowIfNullOrEmpty(session);
        ArgumentNullException.ThrowIfNull(output);
        if (!(mu > 0) || !double.IsFinite(mu)) throw new ArgumentOutOfRangeException(nameof(mu), "The Skellam parameter must be positive and finite.");
        if (!(l1 > 0) || !(l2 > 0) || !double.IsFinite(l1) || !double.IsFinite(l2)) throw new ArgumentOutOfRangeException(nameof(l1), "Sensitivities must be positive and finite.");
        if (!(samplingRate > 0 && samplingRate <= 1)) throw new ArgumentOutOfRangeException(nameof(samplingRate), "The sampling rate must be in (0, 1].");
        ArgumentOutOfRangeException.ThrowIfLessThan(honestParties, 1);
        CheckDelta(delta);
        CheckEpsilon(budget, nameof(budget));
        ChargeWorker(dataset, session, output, mu, l1, l2, samplingRate, honestParties, delta, budget);
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

    /// <summary>Records a Skellam release without a reservation or budget check (tools and tests; a daemon uses <see cref="Charge"/>).</summary>
    public void Record(string dataset, string session, string output, double mu, double l1, double l2, double epsilon, double delta, double samplingRate = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataset);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(output);
        if (!(mu > 0) || !double.IsFinite(mu)) throw new ArgumentOutOfRangeException(nameof(mu), "The Skellam parameter must be positive and finite.");
        CheckDelta(delta);
        AppendOne("release", ReleaseFields(dataset, session, output, mu, l1, l2, samplingRate, 1, epsilon, delta));
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
        if (_signer is null) throw new InvalidOperationException("Only a ledger opened with the party's key in force can be re-keyed.");
        if (!next.HasPrivateKey) throw new ArgumentException("The new key's private key must sign its acceptance of the ledger.", nameof(next));
        RekeyWorker(next);
    }

    private void RekeyWorker(X509Certificate2 next)
    {
        lock (_gate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            Read(connection);
            ThrowIfBroken();
            string fingerprint = ChainSignature.KeyFingerprint(next);
            if (fingerprint == _keys[^1]) throw new LedgerIntegrityException(ErrorMessages.LedgerRekeySameKey(Path, fingerprint));
            string acceptance = ChainSignature.Sign(next, RekeyStatement(Party, _head, _count, _keys[^1], fingerprint));
            Append(connection, transaction, "rekey", new JsonObject { ["fingerprint"] = fingerprint, ["certificate"] = next.ExportCertificatePem(), ["acceptance"] = acceptance });
            transaction.Commit();
        }
    }

    // Appends one entry in its own transaction (an empty ledger gets an unsigned genesis first); a broken chain refuses.
    private void AppendOne(string kind, JsonObject fields)
    {
        lock (_gate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            Read(connection);
            ThrowIfBroken();
            if (_count == 0) Append(connection, transaction, "genesis", new JsonObject { ["party"] = "", ["certificate"] = null });
            Append(connection, transaction, kind, fields);
            transaction.Commit();
        }
    }

    /// <summary>The data refusals recorded since <paramref name="since"/>: analyst, dataset and when.</summary>
    public IReadOnlyList<(string Analyst, string Dataset, DateTimeOffset Time)> DataRefusalsSince(DateTimeOffset since) =>
        [.. Entries().Where(e => e.Kind == "refusal")
            .Select(e => (e.Output, e.Dataset, DateTimeOffset.Parse(e.Recorded, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)))
            .Where(r => r.Item3 >= since)];

    /// <summary>The dataset's composed RDP curve over all recorded releases.</summary>
    public double[] SpentCurve(string dataset)
    {
        lock (_gate)
        {
            Read(null);
            return (double[])(_released.GetValueOrDefault(dataset) ?? new double[RdpAccountant.DefaultOrders.Count]).Clone();
        }
    }

    /// <summary>Epsilon spent on a dataset at the given delta (RDP composition of every release); 0 when nothing was released.</summary>
    public double SpentEpsilon(string dataset, double delta) => EpsilonOf(SpentCurve(dataset), delta);

    /// <summary>Epsilon of the dataset's releases and open reservations together at the given delta: what admission counts as used.</summary>
    public double CommittedEpsilon(string dataset, double delta)
    {
        lock (_gate)
        {
            Read(null);
            return EpsilonOf(Committed(dataset, null, null), delta);
        }
    }

    /// <summary>Epsilon the dataset would have spent after one more Skellam release calibrated to (epsilon, delta).</summary>
    public double EpsilonAfter(string dataset, double epsilon, double delta) =>
        RdpAccountant.ToEpsilon(RdpAccountant.Compose(SpentCurve(dataset), ReservationCurve(epsilon, delta)), RdpAccountant.DefaultOrders, delta).Epsilon;

    /// <summary>Sessions holding an open reservation on the dataset, with the epsilon each reserved.</summary>
    public IReadOnlyList<(string Session, double Epsilon)> OpenReservations(string dataset)
    {
        lock (_gate)
        {
            Read(null);
            return _open.Where(p => p.Value.Dataset == dataset).Select(p => (p.Key, p.Value.Epsilon)).ToList();
        }
    }

    /// <summary>Every release, newest last: dataset, session, output, epsilon, delta, mu, time.</summary>
    public IReadOnlyList<(string Dataset, string Session, string Output, double Epsilon, double Delta, double Mu, string Recorded)> Releases() =>
        Entries().Where(e => e.Kind == "release").Select(e => (e.Dataset, e.Session, e.Output, e.Epsilon, e.Delta, e.Mu, e.Recorded)).ToList();

    /// <summary>Every entry, in order.</summary>
    public IReadOnlyList<LedgerEntry> Entries()
    {
        lock (_gate)
        {
            Read(null);
            return _entries.ToList();
        }
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
            if (_count == 0) problems.Add(ErrorMessages.LedgerEmpty(Path));
            else if (_unsigned) problems.Add(ErrorMessages.LedgerUnsigned(Path));
            if (expected is not null && _certificate is not null && !_certificate.GetPublicKey().AsSpan().SequenceEqual(expected.GetPublicKey()))
                problems.Add(ErrorMessages.LedgerOfAnotherKey(Path, Party));
            return new LedgerVerification(Party, _count, _head, problems) { Keys = _keys.ToList() };
        }
    }

    private LedgerReservation ReserveWorker(string dataset, string session, double epsilon, double delta, double budget)
    {
        lock (_gate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            Read(connection);
            ThrowIfBroken();
            var committed = Committed(dataset, null, null);
            double left = Math.Max(0, budget - EpsilonOf(committed, delta));
            if (_sessions.Contains(session)) return new LedgerReservation(false, double.PositiveInfinity, left, ErrorMessages.SessionReservedBefore(session));
            double[] reserved;
            try
            {
                reserved = ReservationCurve(epsilon, delta);
            }
            catch (ParameterProblemException)
            {
                return new LedgerReservation(false, double.PositiveInfinity, left, ErrorMessages.EpsilonUnreachable(epsilon));
            }
            double after = EpsilonOf(RdpAccountant.Compose(committed, reserved), delta);
            if (after > budget + 1e-9) return new LedgerReservation(false, after, left, null);
            Append(connection, transaction, "reserve", new JsonObject { ["dataset"] = dataset, ["session"] = session, ["epsilon"] = epsilon, ["delta"] = delta });
            transaction.Commit();
            return new LedgerReservation(true, after, left, null);
        }
    }

    private void ChargeWorker(string dataset, string session, string output, double mu, double l1, double l2, double samplingRate, int honestParties, double delta, double budget)
    {
        lock (_gate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            Read(connection);
            ThrowIfBroken();
            if (!_open.TryGetValue(session, out var reservation) || reservation.Dataset != dataset)
                throw new PrivacyBudgetExceededException(ErrorMessages.NoReservation(session, dataset));
            var curve = RdpAccountant.SkellamRelease(mu, l1, l2, samplingRate, RdpAccountant.DefaultOrders);
            double after = EpsilonOf(RdpAccountant.Compose(Committed(dataset, session, curve), curve), delta);
            if (!(after <= budget + 1e-9)) throw new PrivacyBudgetExceededException(ErrorMessages.LedgerBudgetExceeded(dataset, after, budget, delta));
            double epsilon = EpsilonOf(curve, delta);
            Append(connection, transaction, "release", ReleaseFields(dataset, session, output, mu, l1, l2, samplingRate, honestParties, epsilon, delta));
            transaction.Commit();
        }
    }

    private static JsonObject ReleaseFields(string dataset, string session, string output, double mu, double l1, double l2, double samplingRate, int honestParties, double epsilon, double delta) => new()
    {
        ["dataset"] = dataset, ["session"] = session, ["output"] = output, ["mechanism"] = "distributed-skellam", ["mu"] = mu, ["l1"] = l1, ["l2"] = l2,
        ["samplingRate"] = samplingRate, ["epsilon"] = epsilon, ["delta"] = delta, ["honestParties"] = honestParties,
    };

    // Releases plus, for each open reservation on the dataset, what it still holds order by order (a session's own charge included as `extra`).
    private double[] Committed(string dataset, string? session, double[]? extra)
    {
        var total = (double[])(_released.GetValueOrDefault(dataset) ?? new double[RdpAccountant.DefaultOrders.Count]).Clone();
        foreach (var (id, reservation) in _open)
        {
            if (reservation.Dataset != dataset) continue;
            for (int i = 0; i < total.Length; i++)
            {
                double used = reservation.Released[i] + (id == session && extra is not null ? extra[i] : 0);
                total[i] += Math.Max(0, reservation.Curve[i] - used);
            }
        }
        return total;
    }

    private static double EpsilonOf(double[] curve, double delta) =>
        curve.All(v => v == 0) ? 0 : RdpAccountant.ToEpsilon(curve, RdpAccountant.DefaultOrders, delta).Epsilon;

    // A reservation of epsilon holds the curve of one unit-sensitivity Skellam release calibrated to it.
    private static double[] ReservationCurve(double epsilon, double delta) =>
        RdpAccountant.Skellam(DistributedSkellam.Calibrate(epsilon, delta, 1, 1), 1, 1, RdpAccountant.DefaultOrders);

    private void ThrowIfBroken()
    {
        if (_problems.Count > 0) throw new LedgerIntegrityException(_problems[0]);
        if (SignerProblem() is { } problem) throw new LedgerIntegrityException(problem);
    }

    // A writer must hold the key in force: entries it signed with any other would break the chain of keys.
    private string? SignerProblem()
    {
        if (_signer is null || _keys.Count == 0) return null;
        string held = ChainSignature.KeyFingerprint(_signer);
        if (held == _keys[^1]) return null;
        return _keys.Contains(held) ? ErrorMessages.LedgerRekeyedAway(Path, Party, _keys[^1], held) : ErrorMessages.LedgerKeyNotRekeyed(Path, Party, _keys[^1], held);
    }

    private static void CheckEpsilon(double value, string name)
    {
        if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, "must be a positive finite epsilon.");
    }

    private static void CheckDelta(double delta)
    {
        if (!(delta > 0 && delta < 1)) throw new ArgumentOutOfRangeException(nameof(delta), "delta must be in (0, 1).");
    }

    private static string Prepare(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false, DefaultTimeout = 60 }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
        return connectionString;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = FULL;";
        command.ExecuteNonQuery();
        return connection;
    }

    // Brings the in-memory state up to the file: checks that what was read before is still there, then applies every newer entry.
    private void Read(SqliteConnection? existing)
    {
        SqliteConnection? connection = null;
        try
        {
            connection = existing ?? Open();
            if (_count == 0) CheckLegacy(connection);
            using var command = connection.CreateCommand();
            if (_count > 0)
            {
                command.CommandText = "SELECT hash FROM entries WHERE seq = $s";
                command.Parameters.AddWithValue("$s", _count - 1);
                if (command.ExecuteScalar() as string != _head) AddProblem(ErrorMessages.LedgerRolledBack(Path, _count));
                command.Parameters.Clear();
            }
            command.CommandText = "SELECT seq, body, hash, signature FROM entries WHERE seq >= $s ORDER BY seq";
            command.Parameters.AddWithValue("$s", _count);
            using var reader = command.ExecuteReader();
            while (reader.Read()) Apply(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3));
        }
        catch (SqliteException e)
        {
            // A file deleted or replaced under a running daemon reads as a broken ledger, not as an empty one.
            AddProblem(ErrorMessages.LedgerUnreadable(Path, e.Message));
        }
        finally
        {
            if (existing is null) connection?.Dispose();
        }
    }

    private void CheckLegacy(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'releases'";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0) AddProblem(ErrorMessages.LedgerLegacyFormat(Path));
    }

    private void AddProblem(string problem)
    {
        if (!_problems.Contains(problem)) _problems.Add(problem);
    }

    private void Apply(long seq, string body, string hash, string signature)
    {
        long expected = _count;
        if (seq != expected) AddProblem(ErrorMessages.LedgerEntryMissing(Path, expected, seq));
        if (ChainSignature.Hash(body) != hash) AddProblem(ErrorMessages.LedgerEntryChanged(Path, seq));
        JsonObject fields;
        try
        {
            fields = JsonNode.Parse(body) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            AddProblem(ErrorMessages.LedgerEntryChanged(Path, seq));
            _count = seq + 1;
            _head = ChainSignature.Hash(body);
            return;
        }
        if (Number(fields, "seq") != seq || Text(fields, "prev") != _head) AddProblem(ErrorMessages.LedgerEntryUnlinked(Path, seq));
        string kind = Text(fields, "kind");
        if ((seq == 0) != (kind == "genesis")) AddProblem(ErrorMessages.LedgerEntryUnlinked(Path, seq));
        if (kind == "genesis" && seq == 0)
        {
            Party = Text(fields, "party");
            string pem = Text(fields, "certificate");
            _unsigned = pem.Length == 0;
            try
            {
                _certificate = pem.Length == 0 ? null : X509Certificate2.CreateFromPem(pem);
                if (_certificate is not null) _keys.Add(ChainSignature.KeyFingerprint(_certificate));
            }
            catch (CryptographicException)
            {
                AddProblem(ErrorMessages.LedgerEntryChanged(Path, seq));
            }
        }
        if (_certificate is not null && !ChainSignature.Verify(_certificate, hash, signature)) AddProblem(ErrorMessages.LedgerSignatureInvalid(Path, seq));
        string dataset = Text(fields, "dataset"), session = Text(fields, "session");
        double epsilon = Number(fields, "epsilon"), delta = Number(fields, "delta"), mu = Number(fields, "mu");
        switch (kind)
        {
            case "reserve":
                _sessions.Add(session);
                _open[session] = new Reservation(dataset, epsilon, SafeReservationCurve(epsilon, delta), new double[RdpAccountant.DefaultOrders.Count]);
                break;
            case "release":
                var curve = SafeReleaseCurve(mu, Number(fields, "l1"), Number(fields, "l2"), fields["samplingRate"] is null ? 1 : Number(fields, "samplingRate"));
                _released[dataset] = RdpAccountant.Compose(_released.GetValueOrDefault(dataset) ?? new double[curve.Length], curve);
                if (_open.TryGetValue(session, out var reservation) && reservation.Dataset == dataset)
                    for (int i = 0; i < curve.Length; i++) reservation.Released[i] += curve[i];
                break;
            case "close":
                _open.Remove(session);
                break;
            case "refusal":
                break;
            case "genesis":
                break;
            case "rekey":
                // Checked with the key in force before it (above); the entries after it with the key it names.
                HandOver(seq, fields);
                break;
            default:
                AddProblem(ErrorMessages.LedgerEntryChanged(Path, seq));
                break;
        }
        // A refusal names its analyst and a re-key its new key where a release names its output.
        _entries.Add(new LedgerEntry(seq, kind, dataset, session, Text(fields, kind switch { "refusal" => "analyst", "rekey" => "fingerprint", _ => "output" }), epsilon, delta, mu, Text(fields, "time")));
        _count = seq + 1;
        _head = ChainSignature.Hash(body);
    }

    private void HandOver(long seq, JsonObject fields)
    {
        X509Certificate2? next = null;
        try
        {
            next = X509Certificate2.CreateFromPem(Text(fields, "certificate"));
        }
        catch (CryptographicException)
        {
            // Reported below as an invalid re-key.
        }
        string fingerprint = Text(fields, "fingerprint");
        // Without the new key's acceptance, anyone holding some key could hand a fresh ledger over to the party's key.
        if (next is null || _certificate is null || _keys.Count == 0 || ChainSignature.KeyFingerprint(next) != fingerprint
            || !ChainSignature.Verify(next, RekeyStatement(Party, _head, seq, _keys[^1], fingerprint), Text(fields, "acceptance")))
        {
            AddProblem(ErrorMessages.LedgerRekeyInvalid(Path, seq));
            return;
        }
        _certificate = next;
        _keys.Add(fingerprint);
    }

    /// <summary>What the new key signs to accept a ledger: the party, the chain's head before the re-key, its place and both keys.</summary>
    public static string RekeyStatement(string party, string head, long seq, string oldKey, string newKey) =>
        ChainSignature.Hash($"mpc-ledger-rekey\n{party}\n{head}\n{seq.ToString(CultureInfo.InvariantCulture)}\n{oldKey}\n{newKey}");

    // An edited entry may hold values no curve can be made of; it is reported and counts as the whole budget.
    private double[] SafeReservationCurve(double epsilon, double delta)
    {
        try
        {
            if (epsilon > 0 && double.IsFinite(epsilon) && delta is > 0 and < 1) return ReservationCurve(epsilon, delta);
        }
        catch (ArgumentException)
        {
            // Unreachable epsilons are refused at reservation, so such an entry was edited.
        }
        AddProblem(ErrorMessages.LedgerEntryChanged(Path, _count));
        return Enumerable.Repeat(double.PositiveInfinity, RdpAccountant.DefaultOrders.Count).ToArray();
    }

    private double[] SafeReleaseCurve(double mu, double l1, double l2, double rate)
    {
        if (mu > 0 && double.IsFinite(mu) && l1 > 0 && l2 > 0 && double.IsFinite(l1) && double.IsFinite(l2) && rate is > 0 and <= 1)
            return RdpAccountant.SkellamRelease(mu, l1, l2, rate, RdpAccountant.DefaultOrders);
        AddProblem(ErrorMessages.LedgerEntryChanged(Path, _count));
        return Enumerable.Repeat(double.PositiveInfinity, RdpAccountant.DefaultOrders.Count).ToArray();
    }

    private void Append(SqliteConnection connection, SqliteTransaction transaction, string kind, JsonObject fields)
    {
        var body = new JsonObject { ["seq"] = _count, ["prev"] = _head, ["kind"] = kind, ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) };
        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            body[key] = value;
        }
        string text = body.ToJsonString();
        string hash = ChainSignature.Hash(text);
        // The genesis entry carries the certificate the rest is checked with, so it is signed like every other.
        string signature = _signer is null ? "" : ChainSignature.Sign(_signer, hash);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO entries (seq, body, hash, signature) VALUES ($s, $b, $h, $g)";
        command.Parameters.AddWithValue("$s", _count);
        command.Parameters.AddWithValue("$b", text);
        command.Parameters.AddWithValue("$h", hash);
        command.Parameters.AddWithValue("$g", signature);
        command.ExecuteNonQuery();
        // Applied before the commit: a failed commit throws out of the one operation holding the lock, and the ledger is reopened.
        Apply(_count, text, hash, signature);
    }

    private static string Text(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static double Number(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<double>(out var number) ? number : double.NaN;

    private sealed record Reservation(string Dataset, double Epsilon, double[] Curve, double[] Released);
}
