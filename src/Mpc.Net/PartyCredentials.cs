using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mpc.Net;

/// <summary>
/// A party's or analyst's TLS identity: a self-signed ECDSA P-256 certificate and its private key.
/// On disk: NAME.crt (PEM certificate) and NAME.key (PEM PKCS#8 private key, owner-only permissions).
/// </summary>
public sealed class PartyCredentials : IDisposable
{
    private PartyCredentials(string name, X509Certificate2 certificate)
    {
        Name = name;
        Certificate = certificate;
        Fingerprint = KeyFingerprint.Of(certificate);
    }

    public string Name { get; }

    /// <summary>The certificate with its private key, usable by SslStream.</summary>
    public X509Certificate2 Certificate { get; }

    public string Fingerprint { get; }

    /// <summary>Fresh credentials held in memory only (for local runs and tests).</summary>
    public static PartyCredentials Generate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
        return new PartyCredentials(name, Reimport(certificate));
    }

    /// <summary>
    /// Writes NAME.crt and NAME.key (or FILE.crt and FILE.key) into a folder; the key file gets mode 0600 before any byte
    /// is written, and an existing key is never overwritten.
    /// </summary>
    public (string CertificatePath, string KeyPath) Save(string directory, string? fileName = null)
    {
        Directory.CreateDirectory(directory);
        string certificatePath = Path.Combine(directory, (fileName ?? Name) + ".crt");
        string keyPath = Path.Combine(directory, (fileName ?? Name) + ".key");
        if (File.Exists(keyPath)) throw new IOException(NetErrors.PrivateKeyExists(keyPath));
        File.WriteAllText(certificatePath, Certificate.ExportCertificatePem());
        using var key = Certificate.GetECDsaPrivateKey() ?? throw new CryptographicException(NetErrors.CertificateWithoutPrivateKey);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(keyPath, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        }
        return (certificatePath, keyPath);
    }

    /// <summary>Loads NAME.crt and NAME.key; the key path may be given directly (the certificate is beside it).</summary>
    public static PartyCredentials Load(string keyPath, string? certificatePath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(keyPath);
        certificatePath ??= Path.ChangeExtension(keyPath, ".crt");
        if (!File.Exists(keyPath)) throw new FileNotFoundException(NetErrors.PrivateKeyMissing(keyPath), keyPath);
        if (!File.Exists(certificatePath)) throw new FileNotFoundException(NetErrors.CertificateMissing(certificatePath), certificatePath);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(keyPath) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            throw new UnauthorizedAccessException(NetErrors.PrivateKeyReadableByOthers(keyPath));
        using var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        string name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return new PartyCredentials(name, Reimport(certificate));
    }

    // SslStream on some platforms needs a key that came from a PKCS#12 import rather than an ephemeral one.
    private static X509Certificate2 Reimport(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable);

    public void Dispose() => Certificate.Dispose();
}
