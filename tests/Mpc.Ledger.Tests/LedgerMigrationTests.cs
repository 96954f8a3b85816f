using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Mpc.Core;
using Mpc.Privacy;

namespace Mpc.Ledger.Tests;

/// <summary>
/// A ledger written by the previous version (format 0: the same table, release entries with Skellam's flat "mu"), made here
/// with that version's DDL and entry bodies, is read, charged on in the mechanism-neutral record, and marked migrated.
/// </summary>
public sealed class LedgerMigrationTests : IDisposable
{
    private const double Delta = 1e-5;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"ledger-v0-{Guid.NewGuid():N}.db");
    private readonly X509Certificate2 _key = TestKeys.New("hospital-a");

    // The previous version's writer: its DDL, and each entry hashed, linked and signed as it did.
    private void WriteVersionZero(params (string Kind, JsonObject Fields)[] entries)
    {
        using var connection = Connection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS entries (seq INTEGER PRIMARY KEY, body TEXT NOT NULL, hash TEXT NOT NULL, signature TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
        string head = new('0', 64);
        for (int seq = 0; seq < entries.Length; seq++)
        {
            var body = new JsonObject { ["seq"] = seq, ["prev"] = head, ["kind"] = entries[seq].Kind, ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) };
            foreach (var (key, value) in entries[seq].Fields.ToList())
            {
                entries[seq].Fields.Remove(key);
                body[key] = value;
            }
            string text = body.ToJsonString();
            head = ChainSignature.Hash(text);
            command.CommandText = "INSERT INTO entries (seq, body, hash, signature) VALUES ($s, $b, $h, $g)";
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$s", seq);
            command.Parameters.AddWithValue("$b", text);
            command.Parameters.AddWithValue("$h", head);
            command.Parameters.AddWithValue("$g", ChainSignature.Sign(_key, head));
            command.ExecuteNonQuery();
        }
    }

    private static JsonObject OldRelease(string session, string output, double mu, double rate) => new()
    {
        ["dataset"] = "lung", ["session"] = session, ["output"] = output, ["mechanism"] = SkellamMechanism.Name, ["mu"] = mu, ["l1"] = 1.0, ["l2"] = 1.0,
        ["samplingRate"] = rate, ["epsilon"] = 0.5, ["delta"] = Delta, ["honestParties"] = 1,
    };

    private SqliteConnection Connection()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private long UserVersion()
    {
        using var connection = Connection();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private string LastBody()
    {
        using var connection = Connection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT body FROM entries ORDER BY seq DESC LIMIT 1";
        return (string)command.ExecuteScalar()!;
    }

    [Fact]
    public void AnOldLedgerIsReadAsSkellamChargedOnInTheMechanismsRecordAndMarkedMigrated()
    {
        double mu = SkellamMechanism.Calibrate(1, Delta, 1, 1);
        WriteVersionZero(
            ("genesis", new JsonObject { ["party"] = "hospital-a", ["certificate"] = _key.ExportCertificatePem() }),
            ("reserve", new JsonObject { ["dataset"] = "lung", ["session"] = "s1", ["epsilon"] = 3.0, ["delta"] = Delta }),
            ("release", OldRelease("s1", "counts", mu, 1)),
            ("release", OldRelease("s1", "gradient", mu * 0.5, 0.05)),
            ("close", new JsonObject { ["dataset"] = "lung", ["session"] = "s1", ["status"] = "completed" }));
        Assert.Equal(0L, UserVersion());

        var ledger = new PrivacyLedger(_path, "hospital-a", _key);
        Assert.Equal((long)PrivacyLedger.SchemaVersion, UserVersion());
        Assert.True(ledger.Verify(_key).Passed);
        var orders = RdpAccountant.DefaultOrders;
        var oldSpend = RdpAccountant.Compose(RdpAccountant.Skellam(mu, 1, 1, orders), RdpAccountant.SkellamRelease(mu * 0.5, 1, 1, 0.05, orders));
        Assert.Equal(RdpAccountant.ToEpsilon(oldSpend, orders, Delta).Epsilon, ledger.SpentEpsilon("lung", Delta), 9);

        // A new session's release goes on in the current record, after the old entries.
        Assert.True(ledger.Reserve("lung", "s2", 2, Delta, 10).Admitted);
        ledger.Charge("lung", "s2", "total", SkellamMechanism.Name, mu * 2, 2, 3, 1, 1, Delta, 10);
        var written = JsonNode.Parse(LastBody())!.AsObject();
        Assert.Null(written["mu"]);
        Assert.Equal(SkellamMechanism.Name, written["mechanism"]!.GetValue<string>());
        var parameters = written["parameters"]!.AsObject();
        Assert.Equal(mu * 2, parameters["noise"]!.GetValue<double>());
        Assert.Equal(3.0, parameters["l2"]!.GetValue<double>());
        var newCurve = RdpAccountant.Skellam(mu * 2, 2, 3, orders);
        Assert.Equal(RdpAccountant.ToEpsilon(newCurve, orders, Delta).Epsilon, written["epsilon"]!.GetValue<double>(), 9);

        // Reopened, both forms read back alike and the whole chain still verifies.
        var reopened = new PrivacyLedger(_path);
        Assert.True(reopened.Verify(_key).Passed);
        var releases = reopened.Releases();
        Assert.Equal(["counts", "gradient", "total"], releases.Select(r => r.Output));
        Assert.All(releases, r => Assert.Equal(SkellamMechanism.Name, r.Mechanism));
        Assert.Equal([mu, mu * 0.5, mu * 2], releases.Select(r => r.Noise));
        Assert.Equal(RdpAccountant.ToEpsilon(RdpAccountant.Compose(oldSpend, newCurve), orders, Delta).Epsilon, reopened.SpentEpsilon("lung", Delta), 9);
    }

    [Fact]
    public void ALedgerOfALaterFormatIsRefusedRatherThanMisread()
    {
        WriteVersionZero(("genesis", new JsonObject { ["party"] = "hospital-a", ["certificate"] = _key.ExportCertificatePem() }));
        using (var connection = Connection())
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {PrivacyLedger.SchemaVersion + 1}";
            command.ExecuteNonQuery();
        }
        var error = Assert.Throws<LedgerIntegrityException>(() => new PrivacyLedger(_path, "hospital-a", _key));
        Assert.Equal(LedgerErrors.LedgerNewerFormat(_path, PrivacyLedger.SchemaVersion + 1, PrivacyLedger.SchemaVersion), error.Message);
    }

    [Fact]
    public void AReleaseOfAMechanismThePartyCannotAccountForIsNeitherChargedNorTrustedWhenFound()
    {
        var ledger = new PrivacyLedger(_path, "hospital-a", _key);
        Assert.True(ledger.Reserve("lung", "s1", 2, Delta, 10).Admitted);
        Assert.Throws<ArgumentException>(() => ledger.Charge("lung", "s1", "total", "laplace", 10, 1, 1, 1, 1, Delta, 10));
        Assert.Empty(ledger.Releases());

        // An entry naming such a mechanism, appended with the party's own key, counts as the whole budget and fails verification.
        LedgerForgery.AppendSigned(_path, _key, "release", new JsonObject
        {
            ["dataset"] = "lung", ["session"] = "s1", ["output"] = "total", ["mechanism"] = "laplace",
            ["parameters"] = new JsonObject { ["noise"] = 10.0, ["l1"] = 1.0, ["l2"] = 1.0, ["samplingRate"] = 1.0, ["honestParties"] = 1 },
            ["epsilon"] = 0.1, ["delta"] = Delta,
        });
        var reread = new PrivacyLedger(_path);
        Assert.False(reread.Verify(_key).Passed);
        Assert.True(double.IsPositiveInfinity(reread.SpentEpsilon("lung", Delta)));
    }

    public void Dispose()
    {
        _key.Dispose();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
            if (File.Exists(file)) File.Delete(file);
    }
}
