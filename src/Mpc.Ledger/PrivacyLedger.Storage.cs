using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Mpc.Ledger;

// The ledger's SQLite file: its schema and its migration, connections, and reading newer entries into memory.
public sealed partial class PrivacyLedger
{
    /// <summary>
    /// The file format this version writes (SQLite's user_version): 1, release entries with a mechanism and its parameters.
    /// Version 0 (the same table, release entries with Skellam's flat "mu") is read as it is and raised to 1 on opening;
    /// a later version is refused, since this one could not account for what it records.
    /// </summary>
    public const int SchemaVersion = 1;

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
        // Signed entries are never rewritten: the migration only marks that entries from now on take the current form.
        command.CommandText = "PRAGMA user_version";
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) < SchemaVersion)
        {
            command.CommandText = $"PRAGMA user_version = {SchemaVersion.ToString(CultureInfo.InvariantCulture)}";
            command.ExecuteNonQuery();
        }
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
                if (command.ExecuteScalar() as string != _head) AddProblem(LedgerErrors.LedgerRolledBack(Path, _count));
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
            AddProblem(LedgerErrors.LedgerUnreadable(Path, e.Message));
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
        if (Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0) AddProblem(LedgerErrors.LedgerLegacyFormat(Path));
        command.CommandText = "PRAGMA user_version";
        long version = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (version > SchemaVersion) AddProblem(LedgerErrors.LedgerNewerFormat(Path, version, SchemaVersion));
    }

    private static string Text(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : "";

    private static double Number(JsonObject fields, string name) =>
        fields[name] is JsonValue value && value.TryGetValue<double>(out var number) ? number : double.NaN;
}
