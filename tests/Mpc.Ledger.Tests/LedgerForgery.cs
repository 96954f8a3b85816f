using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Mpc.Core;

namespace Mpc.Ledger.Tests;

/// <summary>What someone with write access to a ledger file and some key can do: append a correctly hashed and linked entry signed with that key.</summary>
public static class LedgerForgery
{
    public static void AppendSigned(string path, X509Certificate2 signer, string kind, JsonObject fields)
    {
        var (count, head) = new PrivacyLedger(path).Head;
        var body = new JsonObject { ["seq"] = count, ["prev"] = head, ["kind"] = kind, ["time"] = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture) };
        foreach (var (key, value) in fields.ToList())
        {
            fields.Remove(key);
            body[key] = value;
        }
        string text = body.ToJsonString(), hash = ChainSignature.Hash(text);
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO entries (seq, body, hash, signature) VALUES ($s, $b, $h, $g)";
        command.Parameters.AddWithValue("$s", count);
        command.Parameters.AddWithValue("$b", text);
        command.Parameters.AddWithValue("$h", hash);
        command.Parameters.AddWithValue("$g", ChainSignature.Sign(signer, hash));
        command.ExecuteNonQuery();
    }
}
