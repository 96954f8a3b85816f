using System.Security.Cryptography;
using System.Text;

namespace Mpc.Federation;

/// <summary>
/// A protocol script's identity: "sha256:" and the hex SHA-256 of the UTF-8 bytes of exactly the
/// text that is compiled. Nothing is normalised: two texts that compile differently (a CR in a
/// comment, CRLF in a raw string) must never share an approved id.
/// </summary>
public static class ScriptIdentity
{
    // Strict: a lone surrogate would otherwise encode as U+FFFD and share the hash of another text.
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The id of a script text; throws <see cref="ArgumentException"/> for text that is not valid Unicode.</summary>
    public static string Hash(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        byte[] bytes;
        try
        {
            bytes = Strict.GetBytes(source);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException(FederationErrors.ScriptLoneSurrogate, nameof(source), e);
        }
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
