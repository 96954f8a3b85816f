using Mpc.Privacy;

namespace Mpc.Ledger.Tests;

public sealed class PrivacyLedgerTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"ledger-{Guid.NewGuid():N}.db");

    [Fact]
    public void ReleasesPersistAndComposeInRdp()
    {
        double mu = SkellamMechanism.Calibrate(1, 1e-5, 1, 1);
        new PrivacyLedger(_path).Record("lung", "s1", "curve", SkellamMechanism.Name, mu, 1, 1, 1, 1e-5);
        new PrivacyLedger(_path).Record("lung", "s2", "curve", SkellamMechanism.Name, mu, 1, 1, 1, 1e-5);
        new PrivacyLedger(_path).Record("aml", "s3", "curve", SkellamMechanism.Name, mu, 1, 1, 1, 1e-5);
        var ledger = new PrivacyLedger(_path);
        Assert.Equal(3, ledger.Releases().Count);
        double one = RdpAccountant.ToEpsilon(RdpAccountant.Skellam(mu, 1, 1, RdpAccountant.DefaultOrders), RdpAccountant.DefaultOrders, 1e-5).Epsilon;
        double two = ledger.SpentEpsilon("lung", 1e-5);
        // RDP composition of two releases costs more than one and less than two separately converted ones.
        Assert.InRange(one, 0.99, 1.0);
        Assert.InRange(two, one * 1.2, 2 * one);
        Assert.Equal(0, ledger.SpentEpsilon("breast", 1e-5));
        Assert.True(ledger.EpsilonAfter("lung", 1, 1e-5) > two);
    }

    [Fact]
    public void CalibrationGivesTheRequestedEpsilon()
    {
        foreach (var epsilon in new[] { 0.5, 1, 4 })
        {
            double mu = SkellamMechanism.Calibrate(epsilon, 1e-5, 1, 1);
            double achieved = RdpAccountant.ToEpsilon(RdpAccountant.Skellam(mu, 1, 1, RdpAccountant.DefaultOrders), RdpAccountant.DefaultOrders, 1e-5).Epsilon;
            Assert.InRange(achieved, epsilon * 0.99, epsilon);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_path) + "*")) File.Delete(file);
        if (File.Exists(_path)) File.Delete(_path);
    }
}
