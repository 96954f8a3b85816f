using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mpc.Privacy;

/// <summary>
/// A party's persistent privacy-budget ledger: per dataset, every DP release any session made,
/// with its RDP curve, in a SQLite database. Spend is the RDP composition of all releases,
/// converted to (epsilon, delta). A release is recorded (committed) before its noised value
/// leaves the party, so a crash can only over-count, never under-count.
/// </summary>
/// <remarks>
/// Schema: releases(id, dataset, session, output, mechanism, mu, l1, l2, epsilon, delta, rdp, recorded_utc),
/// where rdp is the release's RDP curve on <see cref="RdpAccountant.DefaultOrders"/>, comma-separated.
/// </remarks>
public sealed class PrivacyLedger
{
    private readonly string _connectionString;

    public PrivacyLedger(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS releases (
                id INTEGER PRIMARY KEY AUTOINCREMENT, dataset TEXT NOT NULL, session TEXT NOT NULL, output TEXT NOT NULL,
                mechanism TEXT NOT NULL, mu REAL NOT NULL, l1 REAL NOT NULL, l2 REAL NOT NULL, epsilon REAL NOT NULL, delta REAL NOT NULL,
                rdp TEXT NOT NULL, recorded_utc TEXT NOT NULL);
            """;
        command.ExecuteNonQuery();
    }

    public string Path { get; }

    /// <summary>Records a Skellam release durably (the transaction is committed when this returns).</summary>
    public void Record(string dataset, string session, string output, double mu, double l1, double l2, double epsilon, double delta, double samplingRate = 1)
    {
        var curve = RdpAccountant.SkellamRelease(mu, l1, l2, samplingRate, RdpAccountant.DefaultOrders);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO releases (dataset, session, output, mechanism, mu, l1, l2, epsilon, delta, rdp, recorded_utc) VALUES ($d, $s, $o, 'distributed-skellam', $mu, $l1, $l2, $e, $delta, $rdp, $t)";
        command.Parameters.AddWithValue("$d", dataset);
        command.Parameters.AddWithValue("$s", session);
        command.Parameters.AddWithValue("$o", output);
        command.Parameters.AddWithValue("$mu", mu);
        command.Parameters.AddWithValue("$l1", l1);
        command.Parameters.AddWithValue("$l2", l2);
        command.Parameters.AddWithValue("$e", epsilon);
        command.Parameters.AddWithValue("$delta", delta);
        command.Parameters.AddWithValue("$rdp", string.Join(",", curve.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        command.Parameters.AddWithValue("$t", DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>The dataset's composed RDP curve over all recorded releases.</summary>
    public double[] SpentCurve(string dataset)
    {
        var total = new double[RdpAccountant.DefaultOrders.Count];
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rdp FROM releases WHERE dataset = $d";
        command.Parameters.AddWithValue("$d", dataset);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var values = reader.GetString(0).Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            for (int i = 0; i < total.Length; i++) total[i] += values[i];
        }
        return total;
    }

    /// <summary>Epsilon spent on a dataset at the given delta (RDP composition of every release); 0 when nothing was released.</summary>
    public double SpentEpsilon(string dataset, double delta)
    {
        var curve = SpentCurve(dataset);
        return curve.All(v => v == 0) ? 0 : RdpAccountant.ToEpsilon(curve, RdpAccountant.DefaultOrders, delta).Epsilon;
    }

    /// <summary>Epsilon the dataset would have spent after one more Skellam release calibrated to (epsilon, delta).</summary>
    public double EpsilonAfter(string dataset, double epsilon, double delta)
    {
        double mu = DistributedSkellam.Calibrate(epsilon, delta, 1, 1);
        var curve = RdpAccountant.Compose(SpentCurve(dataset), RdpAccountant.Skellam(mu, 1, 1, RdpAccountant.DefaultOrders));
        return RdpAccountant.ToEpsilon(curve, RdpAccountant.DefaultOrders, delta).Epsilon;
    }

    /// <summary>Every release, newest last: dataset, session, output, epsilon, delta, mu, time.</summary>
    public IReadOnlyList<(string Dataset, string Session, string Output, double Epsilon, double Delta, double Mu, string Recorded)> Releases()
    {
        var result = new List<(string, string, string, double, double, double, string)>();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT dataset, session, output, epsilon, delta, mu, recorded_utc FROM releases ORDER BY id";
        using var reader = command.ExecuteReader();
        while (reader.Read()) result.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5), reader.GetString(6)));
        return result;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
