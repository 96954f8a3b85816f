using System.Text.Json.Nodes;
using Mpc.Core;
using Mpc.Privacy;

namespace Mpc.Ledger;

// The ledger's accounting: reservations and releases as RDP curves, composed per dataset (the admission and charge workers).
public sealed partial class PrivacyLedger
{
    private LedgerReservation ReserveWorker(string dataset, string session, double epsilon, double delta, double budget)
    {
        lock (_gate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            Read(connection);
            ThrowIfBroken();
            var committed = Committed(dataset, null, null);
            double left = Math.Max(0, budget - EpsilonOf(committed, delta));
            if (_sessions.Contains(session)) return new LedgerReservation(false, double.PositiveInfinity, left, LedgerErrors.SessionReservedBefore(session));
            double[] reserved;
            try
            {
                reserved = ReservationCurve(epsilon, delta);
            }
            catch (ParameterProblemException)
            {
                return new LedgerReservation(false, double.PositiveInfinity, left, PrivacyErrors.EpsilonUnreachable(epsilon));
            }
            double after = EpsilonOf(RdpAccountant.Compose(committed, reserved), delta);
            if (after > budget + 1e-9) return new LedgerReservation(false, after, left, null);
            Append(connection, transaction, "reserve", new JsonObject { ["dataset"] = dataset, ["session"] = session, ["epsilon"] = epsilon, ["delta"] = delta });
            transaction.Commit();
            return new LedgerReservation(true, after, left, null);
        }
    }

    private void ChargeWorker(string dataset, string session, string output, double mu, double l1, double l2, double samplingRate, int honestParties, double delta, double budget)
    {
        lock (_gate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            Read(connection);
            ThrowIfBroken();
            if (!_open.TryGetValue(session, out var reservation) || reservation.Dataset != dataset)
                throw new PrivacyBudgetExceededException(LedgerErrors.NoReservation(session, dataset));
            var curve = RdpAccountant.SkellamRelease(mu, l1, l2, samplingRate, RdpAccountant.DefaultOrders);
            double after = EpsilonOf(RdpAccountant.Compose(Committed(dataset, session, curve), curve), delta);
            if (!(after <= budget + 1e-9)) throw new PrivacyBudgetExceededException(LedgerErrors.LedgerBudgetExceeded(dataset, after, budget, delta));
            double epsilon = EpsilonOf(curve, delta);
            Append(connection, transaction, "release", ReleaseFields(dataset, session, output, mu, l1, l2, samplingRate, honestParties, epsilon, delta));
            transaction.Commit();
        }
    }

    private static JsonObject ReleaseFields(string dataset, string session, string output, double mu, double l1, double l2, double samplingRate, int honestParties, double epsilon, double delta) => new()
    {
        ["dataset"] = dataset, ["session"] = session, ["output"] = output, ["mechanism"] = SkellamMechanism.Name, ["mu"] = mu, ["l1"] = l1, ["l2"] = l2,
        ["samplingRate"] = samplingRate, ["epsilon"] = epsilon, ["delta"] = delta, ["honestParties"] = honestParties,
    };

    // Releases plus, for each open reservation on the dataset, what it still holds order by order (a session's own charge included as `extra`).
    private double[] Committed(string dataset, string? session, double[]? extra)
    {
        var total = (double[])(_released.GetValueOrDefault(dataset) ?? new double[RdpAccountant.DefaultOrders.Count]).Clone();
        foreach (var (id, reservation) in _open)
        {
            if (reservation.Dataset != dataset) continue;
            for (int i = 0; i < total.Length; i++)
            {
                double used = reservation.Released[i] + (id == session && extra is not null ? extra[i] : 0);
                total[i] += Math.Max(0, reservation.Curve[i] - used);
            }
        }
        return total;
    }

    private static double EpsilonOf(double[] curve, double delta) =>
        curve.All(v => v == 0) ? 0 : RdpAccountant.ToEpsilon(curve, RdpAccountant.DefaultOrders, delta).Epsilon;

    // A reservation of epsilon holds the curve of one unit-sensitivity Skellam release calibrated to it.
    private static double[] ReservationCurve(double epsilon, double delta) =>
        RdpAccountant.Skellam(SkellamMechanism.Calibrate(epsilon, delta, 1, 1), 1, 1, RdpAccountant.DefaultOrders);

    // An edited entry may hold values no curve can be made of; it is reported and counts as the whole budget.
    private double[] SafeReservationCurve(double epsilon, double delta)
    {
        try
        {
            if (epsilon > 0 && double.IsFinite(epsilon) && delta is > 0 and < 1) return ReservationCurve(epsilon, delta);
        }
        catch (ArgumentException)
        {
            // Unreachable epsilons are refused at reservation, so such an entry was edited.
        }
        AddProblem(LedgerErrors.LedgerEntryChanged(Path, _count));
        return Enumerable.Repeat(double.PositiveInfinity, RdpAccountant.DefaultOrders.Count).ToArray();
    }

    private double[] SafeReleaseCurve(double mu, double l1, double l2, double rate)
    {
        if (mu > 0 && double.IsFinite(mu) && l1 > 0 && l2 > 0 && double.IsFinite(l1) && double.IsFinite(l2) && rate is > 0 and <= 1)
            return RdpAccountant.SkellamRelease(mu, l1, l2, rate, RdpAccountant.DefaultOrders);
        AddProblem(LedgerErrors.LedgerEntryChanged(Path, _count));
        return Enumerable.Repeat(double.PositiveInfinity, RdpAccountant.DefaultOrders.Count).ToArray();
    }

    private sealed record Reservation(string Dataset, double Epsilon, double[] Curve, double[] Released);
}
