using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mpc.Core;

/// <summary>
/// The signature a party puts on the head of one of its hash chains (transcripts, the privacy ledger):
/// ECDSA P-256 with SHA-256 over the UTF-8 bytes of the head's hex text, IEEE P1363 format, base64.
/// </summary>
public static class ChainSignature
{
    public const string Algorithm = "ECDSA-P256-SHA256";

    /// <summary>Signs a chain head with the certificate's private key.</summary>
    public static string Sign(X509Certificate2 signer, string head)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(head);
        using var key = signer.GetECDsaPrivateKey() ?? throw new CryptographicException("The signing certificate has no ECDSA private key.");
        return Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(head), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    /// <summary>Whether the signature over the head verifies with the certificate's public key; malformed input is simply false.</summary>
    public static bool Verify(X509Certificate2 certificate, string head, string signature)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(head);
        ArgumentNullException.ThrowIfNull(signature);
        using var key = certificate.GetECDsaPublicKey();
        if (key is null) return false;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        return key.VerifyData(Encoding.UTF8.GetBytes(head), bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>A public key's identity, as rosters pin it: "sha256:" and the hex SHA-256 of its DER SubjectPublicKeyInfo.</summary>
    public static string KeyFingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>The hex SHA-256 of a line's UTF-8 bytes, as the chains link entries.</summary>
    public static string Hash(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(line)));
    }
}
