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

    private void ChargeWorker(string dataset, string session, string output, ReleaseParameters release, double delta, double budget)
    {
        lock (_gate)
        {
            using var connection = Open();
            using var transaction = connection.BeginTransaction(deferred: false);
            Read(connection);
            ThrowIfBroken();
            if (!_open.TryGetValue(session, out var reservation) || reservation.Dataset != dataset)
                throw new PrivacyBudgetExceededException(LedgerErrors.NoReservation(session, dataset));
            var curve = release.Curve();
            double after = EpsilonOf(RdpAccountant.Compose(Committed(dataset, session, curve), curve), delta);
            if (!(after <= budget + 1e-9)) throw new PrivacyBudgetExceededException(LedgerErrors.LedgerBudgetExceeded(dataset, after, budget, delta));
            double epsilon = EpsilonOf(curve, delta);
            Append(connection, transaction, "release", ReleaseFields(dataset, session, output, release, epsilon, delta));
            transaction.Commit();
        }
    }

    private static JsonObject ReleaseFields(string dataset, string session, string output, ReleaseParameters release, double epsilon, double delta) => new()
    {
        ["dataset"] = dataset, ["session"] = session, ["output"] = output, ["mechanism"] = release.Mechanism,
        ["parameters"] = new JsonObject
        {
            ["noise"] = release.Noise, ["l1"] = release.L1, ["l2"] = release.L2, ["samplingRate"] = release.SamplingRate, ["honestParties"] = release.HonestParties,
        },
        ["epsilon"] = epsilon, ["delta"] = delta,
    };

    // A release entry's mechanism and parameters: the current form, or a version-0 body's flat Skellam fields ("mu").
    private static ReleaseParameters ReadRelease(JsonObject fields)
    {
        string mechanism = Text(fields, "mechanism") is { Length: > 0 } named ? named : SkellamMechanism.Name;
        if (fields["parameters"] is JsonObject parameters)
            return new ReleaseParameters(mechanism, Number(parameters, "noise"), Number(parameters, "l1"), Number(parameters, "l2"), Number(parameters, "samplingRate"), (int)Number(parameters, "honestParties"));
        double rate = fields["samplingRate"] is null ? 1 : Number(fields, "samplingRate");
        return new ReleaseParameters(mechanism, Number(fields, "mu"), Number(fields, "l1"), Number(fields, "l2"), rate, fields["honestParties"] is null ? 1 : (int)Number(fields, "honestParties"));
    }

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

    private double[] SafeReleaseCurve(ReleaseParameters release)
    {
        if (release.IsValid) return release.Curve();
        AddProblem(LedgerErrors.LedgerEntryChanged(Path, _count));
        return Enumerable.Repeat(double.PositiveInfinity, RdpAccountant.DefaultOrders.Count).ToArray();
    }

    private sealed record Reservation(string Dataset, double Epsilon, double[] Curve, double[] Released);

    // One release as the ledger records it: the mechanism and the parameters its RDP curve is a function of.
    private sealed record ReleaseParameters(string Mechanism, double Noise, double L1, double L2, double SamplingRate, int HonestParties)
    {
        // An edited entry may name a mechanism this party cannot account for, or values no curve can be made of.
        public bool IsValid => ReleaseMechanisms.IsKnown(Mechanism) && Noise > 0 && double.IsFinite(Noise) && L1 > 0 && L2 > 0 && double.IsFinite(L1) && double.IsFinite(L2)
            && SamplingRate is > 0 and <= 1;

        public double[] Curve() => ReleaseMechanisms.Curve(Mechanism, Noise, L1, L2, SamplingRate, RdpAccountant.DefaultOrders);
    }
}
