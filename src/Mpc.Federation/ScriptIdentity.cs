using System.Security.Cryptography;
using System.Text;

namespace Mpc.Federation;

/// <summary>A protocol script's identity: "sha256:" and the hex SHA-256 of its UTF-8 text with line endings normalised to \n.</summary>
public static class ScriptIdentity
{
    public static string Hash(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(source.Replace("\r\n", "\n", StringComparison.Ordinal))));
    }
}
