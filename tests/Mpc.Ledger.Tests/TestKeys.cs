using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mpc.Ledger.Tests;

/// <summary>A fresh self-signed P-256 certificate with its private key, as a party's key in the ledger tests.</summary>
public static class TestKeys
{
    public static X509Certificate2 New(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }
}
