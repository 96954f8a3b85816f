using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Mpc.Core;
using Mpc.Privacy;

namespace Mpc.Ledger.Tests;

/// <summary>A ledger handed from a party's old key to its new one by a re-key entry, on real SQLite files.</summary>
public sealed class LedgerRekeyTests : IDisposable
{
    private const double Delta = 1e-5;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"ledger-rekey-{Guid.NewGuid():N}.db");
    private readonly X509Certificate2 _old = TestKeys.New("hospital-a");
    private readonly X509Certificate2 _new = TestKeys.New("hospital-a");
    private readonly X509Certificate2 _stranger = TestKeys.New("mallory");

    private static void Spend(PrivacyLedger ledger, string session, double mu)
    {
        Assert.True(ledger.Reserve("lung", session, 2, Delta, 10).Admitted);
        ledger.Charge("lung", session, "counts", SkellamMechanism.Name, mu, 1, 1, 1, 1, Delta, 10);
        ledger.Close(session, completed: true);
    }

    [Fact]
    public void ALedgerReKeyedBetweenSpendsVerifiesAndCountsTheSpendOfBothKeys()
    {
        double muBefore = SkellamMechanism.Calibrate(1, Delta, 1, 1), muAfter = SkellamMechanism.Calibrate(0.5, Delta, 1, 1);
        var before = new PrivacyLedger(_path, "hospital-a", _old);
        Spend(before, "s1", muBefore);
        before.Rekey(_new);
        // The old key signs nothing after the re-key, in this process or another.
        var stale = Assert.Throws<LedgerIntegrityException>(() => before.Reserve("lung", "s-late", 1, Delta, 10));
        Assert.Contains("was re-keyed to " + ChainSignature.KeyFingerprint(_new), stale.Message, StringComparison.Ordinal);
        Assert.Throws<LedgerIntegrityException>(() => new PrivacyLedger(_path, "hospital-a", _old));

        var after = new PrivacyLedger(_path, "hospital-a", _new);
        Spend(after, "s2", muAfter);
        var verification = new PrivacyLedger(_path).Verify(_new);
        Assert.True(verification.Passed, string.Join("; ", verification.Problems));
        Assert.Equal([ChainSignature.KeyFingerprint(_old), ChainSignature.KeyFingerprint(_new)], verification.Keys);
        // The reference: both releases composed in RDP by the accountant, as if no key had changed.
        var orders = RdpAccountant.DefaultOrders;
        var both = RdpAccountant.Compose(RdpAccountant.SkellamRelease(muBefore, 1, 1, 1, orders), RdpAccountant.SkellamRelease(muAfter, 1, 1, 1, orders));
        double expected = RdpAccountant.ToEpsilon(both, orders, Delta).Epsilon;
        Assert.Equal(expected, after.SpentEpsilon("lung", Delta), 9);
        Assert.True(expected > RdpAccountant.ToEpsilon(RdpAccountant.SkellamRelease(muAfter, 1, 1, 1, orders), orders, Delta).Epsilon + 0.5);
        Assert.Equal(["genesis", "reserve", "release", "close", "rekey", "reserve", "release", "close"], after.Entries().Select(e => e.Kind));
    }

    [Fact]
    public void ALedgerBegunWithAStrangersKeyCannotBeHandedToThePartyWithoutThePartysPrivateKey()
    {
        // Mallory, holding her own key and the party's public certificate only, starts a ledger whose spend costs nothing.
        var forged = new PrivacyLedger(_path, "hospital-a", _stranger);
        Spend(forged, "s1", 1e15);
        using var publicOnly = X509Certificate2.CreateFromPem(_new.ExportCertificatePem());
        Assert.Throws<ArgumentException>(() => forged.Rekey(publicOnly));

        // Written by hand, the re-key's acceptance can only be signed with a key she holds.
        string fingerprint = ChainSignature.KeyFingerprint(_new);
        var (count, head) = new PrivacyLedger(_path).Head;
        string statement = PrivacyLedger.RekeyStatement("hospital-a", head, count, ChainSignature.KeyFingerprint(_stranger), fingerprint);
        LedgerForgery.AppendSigned(_path, _stranger, "rekey", new JsonObject
        {
            ["fingerprint"] = fingerprint, ["certificate"] = _new.ExportCertificatePem(), ["acceptance"] = ChainSignature.Sign(_stranger, statement),
        });

        Assert.False(new PrivacyLedger(_path).Verify(_new).Passed);
        Assert.Throws<LedgerIntegrityException>(() => new PrivacyLedger(_path, "hospital-a", _new));
    }

    [Fact]
    public void AReKeyEntrySignedByAKeyNotInForceIsAnIntegrityFailure()
    {
        Spend(new PrivacyLedger(_path, "hospital-a", _old), "s1", SkellamMechanism.Calibrate(1, Delta, 1, 1));
        // Whoever holds only some other key names itself the party's new key.
        LedgerForgery.AppendSigned(_path, _stranger, "rekey", new JsonObject { ["fingerprint"] = ChainSignature.KeyFingerprint(_stranger), ["certificate"] = _stranger.ExportCertificatePem() });
        var verification = new PrivacyLedger(_path).Verify();
        Assert.Contains(verification.Problems, p => p.Contains("entry 4 does not verify with the party's key (the key in force at that entry)", StringComparison.Ordinal));
        Assert.Throws<LedgerIntegrityException>(() => new PrivacyLedger(_path, "hospital-a", _stranger));
        Assert.Throws<LedgerIntegrityException>(() => new PrivacyLedger(_path, "hospital-a", _old));
    }

    [Fact]
    public void AnEntryAfterTheReKeySignedWithTheOldKeyIsAnIntegrityFailure()
    {
        var ledger = new PrivacyLedger(_path, "hospital-a", _old);
        Spend(ledger, "s1", SkellamMechanism.Calibrate(1, Delta, 1, 1));
        ledger.Rekey(_new);
        // The old key, kept after the rotation, forges an entry (a refusal the daily limit would count).
        LedgerForgery.AppendSigned(_path, _old, "refusal", new JsonObject { ["dataset"] = "lung", ["analyst"] = "analyst" });
        Assert.Contains(new PrivacyLedger(_path).Verify().Problems, p => p.Contains("entry 5 does not verify", StringComparison.Ordinal));
        Assert.Throws<LedgerIntegrityException>(() => new PrivacyLedger(_path, "hospital-a", _new));
    }

    [Fact]
    public void AReKeyEntryWhoseFingerprintIsNotItsCertificatesIsAnIntegrityFailure()
    {
        Spend(new PrivacyLedger(_path, "hospital-a", _old), "s1", SkellamMechanism.Calibrate(1, Delta, 1, 1));
        LedgerForgery.AppendSigned(_path, _old, "rekey", new JsonObject { ["fingerprint"] = ChainSignature.KeyFingerprint(_new), ["certificate"] = _stranger.ExportCertificatePem() });
        Assert.Contains(new PrivacyLedger(_path).Verify().Problems, p => p.Contains("entry 4 re-keys to a certificate", StringComparison.Ordinal));
    }

    [Fact]
    public void TheNewKeyOnALedgerThatWasNotReKeyedIsRefusedNamingTheCommand()
    {
        Spend(new PrivacyLedger(_path, "hospital-a", _old), "s1", SkellamMechanism.Calibrate(1, Delta, 1, 1));
        var error = Assert.Throws<LedgerIntegrityException>(() => new PrivacyLedger(_path, "hospital-a", _new));
        Assert.Contains($"is signed with key {ChainSignature.KeyFingerprint(_old)}, not with hospital-a's key {ChainSignature.KeyFingerprint(_new)}", error.Message, StringComparison.Ordinal);
        Assert.Contains("'mpc party rekey", error.Message, StringComparison.Ordinal);
        Assert.Throws<LedgerIntegrityException>(() => new PrivacyLedger(_path, "hospital-a", _old).Rekey(_old));
        Assert.True(new PrivacyLedger(_path).Verify(_old).Passed);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*")) File.Delete(file);
        _old.Dispose();
        _new.Dispose();
        _stranger.Dispose();
    }
}
