using System.Security.Cryptography.X509Certificates;

namespace Mpc.Net;

/// <summary>
/// A public key's identity: "sha256:" and the hex SHA-256 of its DER SubjectPublicKeyInfo.
/// Pinning the key rather than the certificate lets a party renew its certificate without a roster change.
/// </summary>
public static class KeyFingerprint
{
    public const string Prefix = "sha256:";

    public static string Of(X509Certificate2 certificate) => Mpc.Core.ChainSignature.KeyFingerprint(certificate);

    public static bool IsWellFormed(string? value) =>
        value is not null && value.StartsWith(Prefix, StringComparison.Ordinal) && value.Length == Prefix.Length + 64
        && value.AsSpan(Prefix.Length).IndexOfAnyExcept("0123456789abcdef") < 0;
}
