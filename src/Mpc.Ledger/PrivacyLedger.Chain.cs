using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Mpc.Core;
using Mpc.Privacy;

namespace Mpc.Ledger;

// The ledger's hash chain: appending signed entries, replaying and checking them, and handing the chain to a new key.
public sealed partial class PrivacyLedger
{
    private void RekeyWorker(X509Certificate2 next)
    {
        lock (_gate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            Read(connection);
            ThrowIfBroken();
            string fingerprint = ChainSignature.KeyFingerprint(next);
            if (fingerprint == _keys[^1]) throw new LedgerIntegrityException(LedgerErrors.LedgerRekeySameKey(Path, fingerprint));
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
        return _keys.Contains(held) ? LedgerErrors.LedgerRekeyedAway(Path, Party, _keys[^1], held) : LedgerErrors.LedgerKeyNotRekeyed(Path, Party, _keys[^1], held);
    }

    private void AddProblem(string problem)
    {
        if (!_problems.Contains(problem)) _problems.Add(problem);
    }

    private void Apply(long seq, string body, string hash, string signature)
    {
        long expected = _count;
        if (seq != expected) AddProblem(LedgerErrors.LedgerEntryMissing(Path, expected, seq));
        if (ChainSignature.Hash(body) != hash) AddProblem(LedgerErrors.LedgerEntryChanged(Path, seq));
        JsonObject fields;
        try
        {
            fields = JsonNode.Parse(body) as JsonObject ?? throw new JsonException();
        }
        catch (JsonException)
        {
            AddProblem(LedgerErrors.LedgerEntryChanged(Path, seq));
            _count = seq + 1;
            _head = ChainSignature.Hash(body);
            return;
        }
        if (Number(fields, "seq") != seq || Text(fields, "prev") != _head) AddProblem(LedgerErrors.LedgerEntryUnlinked(Path, seq));
        string kind = Text(fields, "kind");
        if ((seq == 0) != (kind == "genesis")) AddProblem(LedgerErrors.LedgerEntryUnlinked(Path, seq));
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
                AddProblem(LedgerErrors.LedgerEntryChanged(Path, seq));
            }
        }
        if (_certificate is not null && !ChainSignature.Verify(_certificate, hash, signature)) AddProblem(LedgerErrors.LedgerSignatureInvalid(Path, seq));
        string dataset = Text(fields, "dataset"), session = Text(fields, "session");
        double epsilon = Number(fields, "epsilon"), delta = Number(fields, "delta");
        var release = kind == "release" ? ReadRelease(fields) : null;
        switch (kind)
        {
            case "reserve":
                _sessions.Add(session);
                _open[session] = new Reservation(dataset, epsilon, SafeReservationCurve(epsilon, delta), new double[RdpAccountant.DefaultOrders.Count]);
                break;
            case "release" when release is not null:
                var curve = SafeReleaseCurve(release);
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
                AddProblem(LedgerErrors.LedgerEntryChanged(Path, seq));
                break;
        }
        // A refusal names its analyst and a re-key its new key where a release names its output.
        _entries.Add(new LedgerEntry(seq, kind, dataset, session, Text(fields, kind switch { "refusal" => "analyst", "rekey" => "fingerprint", _ => "output" }), epsilon, delta,
            release?.Mechanism ?? "", release?.Noise ?? double.NaN, Text(fields, "time")));
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
            AddProblem(LedgerErrors.LedgerRekeyInvalid(Path, seq));
            return;
        }
        _certificate = next;
        _keys.Add(fingerprint);
    }

    /// <summary>What the new key signs to accept a ledger: the party, the chain's head before the re-key, its place and both keys.</summary>
    public static string RekeyStatement(string party, string head, long seq, string oldKey, string newKey) =>
        ChainSignature.Hash($"mpc-ledger-rekey\n{party}\n{head}\n{seq.ToString(CultureInfo.InvariantCulture)}\n{oldKey}\n{newKey}");

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
}
