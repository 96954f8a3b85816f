using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Data.Sqlite;
using Mpc.Privacy;

namespace Mpc.Ledger.Tests;

/// <summary>The signed, hash-chained ledger with reservations, on real SQLite files.</summary>
public sealed class LedgerChainTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"ledger-chain-{Guid.NewGuid():N}.db");
    private readonly X509Certificate2 _key = TestKeys.New("hospital-a");

    private PrivacyLedger Ledger() => new(_path, "hospital-a", _key);

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    [Fact]
    public void TwoConnectionsReservingAtOnceOverABudgetThatFitsOneAdmitExactlyOne()
    {
        Ledger();
        for (int round = 0; round < 5; round++)
        {
            var ledgers = new[] { Ledger(), Ledger() };
            using var barrier = new Barrier(2);
            var results = new LedgerReservation[2];
            var threads = Enumerable.Range(0, 2).Select(i => new Thread(() =>
            {
                barrier.SignalAndWait();
                results[i] = ledgers[i].Reserve("lung", $"race{round}-{i}", 4, 1e-5, 5);
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Equal(1, results.Count(r => r.Admitted));
            foreach (var (ledger, i) in ledgers.Select((l, i) => (l, i))) ledger.Close($"race{round}-{i}", completed: false);
        }
        Assert.True(Ledger().Verify(_key).Passed);
    }

    [Fact]
    public void ManySessionsRacingNeverReserveMoreThanTheBudget()
    {
        Ledger();
        var admitted = 0;
        using var barrier = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            var ledger = Ledger();
            barrier.SignalAndWait();
            if (ledger.Reserve("lung", $"s{i}", 1, 1e-5, 3).Admitted) Interlocked.Increment(ref admitted);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var ledger = Ledger();
        Assert.InRange(admitted, 1, 7);
        Assert.True(ledger.CommittedEpsilon("lung", 1e-5) <= 3 + 1e-9);
        Assert.False(ledger.Reserve("lung", "one-more", 1, 1e-5, 3).Admitted);
    }

    [Fact]
    public void ReleasesAreChargedAgainstTheReservationAndTheUnusedPartReturnsWhenTheSessionEnds()
    {
        var ledger = Ledger();
        Assert.True(ledger.Reserve("lung", "s1", 4, 1e-5, 5).Admitted);
        Assert.False(ledger.Reserve("lung", "s2", 4, 1e-5, 5).Admitted);
        double mu = SkellamMechanism.Calibrate(1, 1e-5, 1, 1);
        ledger.Charge("lung", "s1", "counts", SkellamMechanism.Name, mu, 1, 1, 1, 1, 1e-5, 5);
        ledger.Close("s1", completed: true);
        Assert.InRange(ledger.SpentEpsilon("lung", 1e-5), 0.99, 1.0);
        Assert.Equal(ledger.SpentEpsilon("lung", 1e-5), ledger.CommittedEpsilon("lung", 1e-5), 9);
        // With s1's unused 3 returned, a second session of 3 fits.
        Assert.True(ledger.Reserve("lung", "s2", 3, 1e-5, 5).Admitted);
        // A session id reserves once.
        Assert.NotNull(ledger.Reserve("lung", "s1", 0.1, 1e-5, 5).Reason);
    }

    [Fact]
    public void AReservationLeftOpenByACrashStaysChargedAfterReopening()
    {
        Assert.True(Ledger().Reserve("lung", "crashed", 4, 1e-5, 5).Admitted);
        var reopened = Ledger();
        Assert.Single(reopened.OpenReservations("lung"));
        Assert.InRange(reopened.CommittedEpsilon("lung", 1e-5), 3.99, 4.0);
        Assert.False(reopened.Reserve("lung", "next", 3, 1e-5, 5).Admitted);
    }

    [Fact]
    public void AReleaseOverTheBudgetOrWithoutAReservationIsRefusedAndTheLedgerNeverExceedsTheBudget()
    {
        var ledger = Ledger();
        Assert.True(ledger.Reserve("lung", "s1", 1, 1e-5, 2).Admitted);
        double mu = SkellamMechanism.Calibrate(1, 1e-5, 1, 1);
        int charged = 0;
        // Each release costs epsilon 1; their RDP composition passes the budget of 2 within a few.
        var refused = Record.Exception(() =>
        {
            for (; charged < 20; charged++) ledger.Charge("lung", "s1", $"r{charged}", SkellamMechanism.Name, mu, 1, 1, 1, 1, 1e-5, 2);
        });
        Assert.IsType<PrivacyBudgetExceededException>(refused);
        Assert.InRange(charged, 2, 10);
        Assert.Throws<PrivacyBudgetExceededException>(() => ledger.Charge("lung", "nobody", "d", SkellamMechanism.Name, mu * 100, 1, 1, 1, 1, 1e-5, 2));
        Assert.True(ledger.SpentEpsilon("lung", 1e-5) <= 2 + 1e-9);
        Assert.Equal(charged, ledger.Releases().Count);
    }

    [Fact]
    public void AnEditedEntryIsDetectedByVerifyAndWhenTheLedgerIsOpenedToWrite()
    {
        var ledger = Ledger();
        ledger.Reserve("lung", "s1", 1, 1e-5, 5);
        ledger.Charge("lung", "s1", "counts", SkellamMechanism.Name, SkellamMechanism.Calibrate(1, 1e-5, 1, 1), 1, 1, 1, 1, 1e-5, 5);
        Assert.True(new PrivacyLedger(_path).Verify(_key).Passed);
        Execute("UPDATE entries SET body = replace(body, '\"noise\":', '\"noise\":1000') WHERE seq = 2");
        Assert.Contains(new PrivacyLedger(_path).Verify().Problems, p => p.Contains("entry 2 was changed", StringComparison.Ordinal));
        Assert.Throws<LedgerIntegrityException>(Ledger);
    }

    [Fact]
    public void AnEntryRehashedWithoutThePartysKeyFailsItsSignature()
    {
        var ledger = Ledger();
        ledger.Reserve("lung", "s1", 1, 1e-5, 5);
        ledger.Close("s1", completed: false);
        // The attacker recomputes the hash of the edited entry (but cannot sign it) and relinks the next one... which breaks its own hash.
        Execute("UPDATE entries SET body = replace(body, '\"epsilon\":1', '\"epsilon\":0.001') WHERE seq = 1");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT body FROM entries WHERE seq = 1";
            string body = (string)read.ExecuteScalar()!;
            using var write = connection.CreateCommand();
            write.CommandText = "UPDATE entries SET hash = $h WHERE seq = 1";
            write.Parameters.AddWithValue("$h", Mpc.Core.ChainSignature.Hash(body));
            write.ExecuteNonQuery();
        }
        var problems = new PrivacyLedger(_path).Verify().Problems;
        Assert.Contains(problems, p => p.Contains("entry 1 does not verify with the party's key", StringComparison.Ordinal));
    }

    [Fact]
    public void ARemovedEntryOrATruncationUnderARunningLedgerIsDetected()
    {
        var ledger = Ledger();
        ledger.Reserve("lung", "s1", 1, 1e-5, 5);
        ledger.Close("s1", completed: false);
        ledger.Reserve("lung", "s2", 1, 1e-5, 5);
        Execute("DELETE FROM entries WHERE seq = 3");
        // The running ledger knew 4 entries; the file now ends at 2.
        Assert.Throws<LedgerIntegrityException>(() => ledger.Reserve("lung", "s3", 1, 1e-5, 5));
        Execute("DELETE FROM entries WHERE seq = 1");
        Assert.Contains(new PrivacyLedger(_path).Verify().Problems, p => p.Contains("entries were removed", StringComparison.Ordinal));
    }

    [Fact]
    public void ALedgerOfAnotherPartyOrKeyIsRefused()
    {
        Ledger();
        Assert.Throws<LedgerIntegrityException>(() => new PrivacyLedger(_path, "hospital-b", _key));
        using var other = TestKeys.New("hospital-a");
        Assert.Throws<LedgerIntegrityException>(() => new PrivacyLedger(_path, "hospital-a", other));
        Assert.False(new PrivacyLedger(_path).Verify(other).Passed);
    }

    [Theory]
    [InlineData(double.NaN, 1e-5)]
    [InlineData(-1, 1e-5)]
    [InlineData(0, 1e-5)]
    [InlineData(double.PositiveInfinity, 1e-5)]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(1, double.NaN)]
    [InlineData(0.001, 1e-5)]
    public void NonsenseEpsilonsAndDeltasAreRejectedBeforeTheLedgerIsTouched(double epsilon, double delta)
    {
        var ledger = Ledger();
        if (epsilon is > 0 and < 0.01) Assert.False(ledger.Reserve("lung", "s", epsilon, delta, 5).Admitted);
        else Assert.Throws<ArgumentOutOfRangeException>(() => ledger.Reserve("lung", "s", epsilon, delta, 5));
        Assert.Single(ledger.Entries());
    }

    public void Dispose()
    {
        _key.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_path) + "*")) File.Delete(file);
    }
}
