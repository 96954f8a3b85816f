using System.Globalization;
using Microsoft.Extensions.Logging;
using Mpc.Core;
using Mpc.Federation.Protocols;
using Mpc.Runtime;

namespace Mpc.Federation.Sessions;

/// <summary>
/// A session's privacy budget at this party: admission reserves its epsilon in the ledger (in RDP with every other open
/// session), each release is charged against the reservation before it leaves, and what is unused returns when it ends.
/// </summary>
internal sealed class SessionBudget(Mpc.Ledger.PrivacyLedger? ledger, Guid session, string party, ILogger logger)
{
    private bool _reserved;

    /// <summary>Checks the analyst's privacy parameters against the party's and reserves the epsilon; returns why not, or null.</summary>
    public string? Reserve(IProtocolDefinition protocol, ProtocolParameters parameters, string dataset, DatasetPrivacy settings, int assumedHonestParties)
    {
        if (ledger is null) return $"{party} keeps no privacy ledger, so it makes no DP releases";
        if (!protocol.Parameters.Any(p => p.Name == "epsilon")) return "a protocol with DP outputs must declare an epsilon parameter";
        double epsilon = AdmittedSession.EpsilonOf(protocol, parameters);
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) return ErrorMessages.EpsilonNotPositive(parameters.Values["epsilon"]);
        if (epsilon > settings.SessionCap) return ErrorMessages.EpsilonAboveCap(epsilon, party, settings.SessionCap);
        if (parameters.Values.TryGetValue("delta", out var deltaText))
        {
            if (!double.TryParse(deltaText, NumberStyles.Float, CultureInfo.InvariantCulture, out double delta) || !(delta > 0)) return $"delta '{deltaText}' must be a positive number";
            if (delta > settings.Delta) return ErrorMessages.DeltaAboveParty(delta, party, settings.Delta);
        }
        if (parameters.Values.TryGetValue("honest_parties", out var honestText))
        {
            if (!int.TryParse(honestText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int honest) || honest < 1) return $"honest_parties '{honestText}' must be a whole number of at least 1";
            if (honest > assumedHonestParties) return ErrorMessages.HonestPartiesAboveParty(honest, party, assumedHonestParties);
        }
        Mpc.Ledger.LedgerReservation reservation;
        try
        {
            reservation = ledger.Reserve(dataset, session.ToString(), epsilon, settings.Delta, settings.Budget);
        }
        catch (Mpc.Ledger.LedgerIntegrityException e)
        {
            // The ledger's problem names its local path: the analyst learns only that it failed, the party's log why.
            logger.LogError("Session {Session}: the privacy ledger cannot be trusted: {Problem}", session, e.Message);
            return FederationErrors.LedgerUntrusted(party);
        }
        if (reservation.Reason is { } reason) return reason;
        if (!reservation.Admitted)
            return FormattableString.Invariant($"the session's epsilon {epsilon} would bring dataset {dataset} to {reservation.EpsilonAfter:G4} of its budget {settings.Budget} (delta {settings.Delta}); {reservation.Left:G4} is left");
        _reserved = true;
        return null;
    }

    /// <summary>Charges a release, as the policy accounted for it, against the reservation before the noised value can leave this party.</summary>
    public void Charge(AdmittedSession admitted, string output, NoisedRelease release)
    {
        if (ledger is null) throw new RevealRefusedException(output, ErrorMessages.RevealRefused(output, FederationErrors.NoLedger(party)));
        try
        {
            ledger.Charge(admitted.DatasetName, session.ToString(), output, release.Mechanism, release.Noise, release.L1Sensitivity, release.L2Sensitivity, release.SamplingRate, release.HonestParties,
                admitted.Privacy.Delta, admitted.Privacy.Budget);
        }
        catch (Mpc.Ledger.PrivacyBudgetExceededException e)
        {
            throw new RevealRefusedException(output, ErrorMessages.RevealRefused(output, e.Message));
        }
        catch (Mpc.Ledger.LedgerIntegrityException e)
        {
            // As at admission: the reason travels to every peer and the analyst, so the path stays in this party's log.
            logger.LogError("Session {Session}: the privacy ledger cannot be trusted: {Problem}", session, e.Message);
            throw new RevealRefusedException(output, ErrorMessages.RevealRefused(output, FederationErrors.LedgerUntrusted(party)));
        }
    }

    /// <summary>The unused reservation returns to the dataset when the session ends, completed or not; a crash leaves it charged.</summary>
    public void Close(bool completed)
    {
        if (!_reserved) return;
        _reserved = false;
        try
        {
            ledger?.Close(session.ToString(), completed);
        }
        catch (Exception e) when (e is Mpc.Ledger.LedgerIntegrityException or Microsoft.Data.Sqlite.SqliteException)
        {
            logger.LogWarning(DaemonEvents.SessionAborted, "Session {Session}: its reservation stays charged: {Reason}", session, e.Message);
        }
    }
}
