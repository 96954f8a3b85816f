using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Mpc.Core;
using Mpc.Ledger;
using Mpc.Net;
using Mpc.Privacy;

namespace Mpc.Audit.Tests;

/// <summary>The auditor's and the daemon's checks against a ledger forged without the party's key, through a re-key entry.</summary>
public sealed class LedgerRekeyForgeryAuditTests : IDisposable
{
    private const double Delta = 1e-5;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"ledger-forgery-audit-{Guid.NewGuid():N}.db");
    private readonly X509Certificate2 _party = NewKey("hospital-a");
    private readonly X509Certificate2 _stranger = NewKey("mallory");

    private static X509Certificate2 NewKey(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    [Fact]
    public void AStrangersLedgerThatCannotBeReKeyedToThePartyFailsTheRosterCheckAndTheDaemonsOpen()
    {
        // The honest history: session s1 spent the whole budget of 2; its transcript records the release (s1, counts).
        var real = new PrivacyLedger(_path, "hospital-a", _party);
        Assert.True(real.Reserve("lung", "s1", 2, Delta, 2).Admitted);
        real.Charge("lung", "s1", "counts", SkellamMechanism.Name, SkellamMechanism.Calibrate(2, Delta, 1, 1), 1, 1, 1, 1, Delta, 2);
        real.Close("s1", completed: true);
        SqliteConnection.ClearAllPools();
        File.Delete(_path);

        // Mallory rewrites it with her own key: the same release names, at a mu that costs nothing, then a re-key to the party.
        var forged = new PrivacyLedger(_path, "hospital-a", _stranger);
        Assert.True(forged.Reserve("lung", "s1", 2, Delta, 2).Admitted);
        forged.Charge("lung", "s1", "counts", SkellamMechanism.Name, 1e15, 1, 1, 1, 1, Delta, 2);
        forged.Close("s1", completed: true);
        // Without the party's private key she cannot sign the re-key's acceptance (the test's copy of the certificate has none).
        using var partyPublic = X509Certificate2.CreateFromPem(_party.ExportCertificatePem());
        Assert.Throws<ArgumentException>(() => forged.Rekey(partyPublic));

        var member = new RosterMember("hospital-a", KeyFingerprint.Of(_party), "127.0.0.1", 1, 0);
        var accepted = new List<string>();
        if (LedgerAudit.Verify(_path, null, "hospital-a", member, DateTimeOffset.UtcNow).Passed) accepted.Add("LedgerAudit.Verify with the roster's key passes");
        try
        {
            var daemon = LedgerAudit.OpenForDaemon(_path, null, "hospital-a", _party);
            if (daemon.Reserve("lung", "s2", 2, Delta, 2).Admitted) accepted.Add("the daemon opens it and admits the whole budget of 2 again");
        }
        catch (LedgerIntegrityException)
        {
            // Refused, as it should be.
        }
        Assert.True(accepted.Count == 0, "a ledger forged with a stranger's key: " + string.Join("; ", accepted));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*")) File.Delete(file);
        _party.Dispose();
        _stranger.Dispose();
    }
}
