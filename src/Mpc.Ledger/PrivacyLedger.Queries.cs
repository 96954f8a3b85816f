using System.Globalization;
using Mpc.Privacy;

namespace Mpc.Ledger;

// What the ledger holds, read back: spend per dataset, open reservations, releases, refusals and every entry.
public sealed partial class PrivacyLedger
{
    /// <summary>The data refusals recorded since <paramref name="since"/>: analyst, dataset and when.</summary>
    public IReadOnlyList<(string Analyst, string Dataset, DateTimeOffset Time)> DataRefusalsSince(DateTimeOffset since) =>
        [.. Entries().Where(e => e.Kind == "refusal")
            .Select(e => (e.Output, e.Dataset, DateTimeOffset.Parse(e.Recorded, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)))
            .Where(r => r.Item3 >= since)];

    /// <summary>The dataset's composed RDP curve over all recorded releases.</summary>
    public double[] SpentCurve(string dataset)
    {
        lock (_gate)
        {
            Read(null);
            return (double[])(_released.GetValueOrDefault(dataset) ?? new double[RdpAccountant.DefaultOrders.Count]).Clone();
        }
    }

    /// <summary>Epsilon spent on a dataset at the given delta (RDP composition of every release); 0 when nothing was released.</summary>
    public double SpentEpsilon(string dataset, double delta) => EpsilonOf(SpentCurve(dataset), delta);

    /// <summary>Epsilon of the dataset's releases and open reservations together at the given delta: what admission counts as used.</summary>
    public double CommittedEpsilon(string dataset, double delta)
    {
        lock (_gate)
        {
            Read(null);
            return EpsilonOf(Committed(dataset, null, null), delta);
        }
    }

    /// <summary>Epsilon the dataset would have spent after one more Skellam release calibrated to (epsilon, delta).</summary>
    public double EpsilonAfter(string dataset, double epsilon, double delta) =>
        RdpAccountant.ToEpsilon(RdpAccountant.Compose(SpentCurve(dataset), ReservationCurve(epsilon, delta)), RdpAccountant.DefaultOrders, delta).Epsilon;

    /// <summary>Sessions holding an open reservation on the dataset, with the epsilon each reserved.</summary>
    public IReadOnlyList<(string Session, double Epsilon)> OpenReservations(string dataset)
    {
        lock (_gate)
        {
            Read(null);
            return _open.Where(p => p.Value.Dataset == dataset).Select(p => (p.Key, p.Value.Epsilon)).ToList();
        }
    }

    /// <summary>Every release, newest last: dataset, session, output, the epsilon charged at its delta, the mechanism and its noise parameter, time.</summary>
    public IReadOnlyList<(string Dataset, string Session, string Output, double Epsilon, double Delta, string Mechanism, double Noise, string Recorded)> Releases() =>
        Entries().Where(e => e.Kind == "release").Select(e => (e.Dataset, e.Session, e.Output, e.Epsilon, e.Delta, e.Mechanism, e.Noise, e.Recorded)).ToList();

    /// <summary>Every entry, in order.</summary>
    public IReadOnlyList<LedgerEntry> Entries()
    {
        lock (_gate)
        {
            Read(null);
            return _entries.ToList();
        }
    }
}
