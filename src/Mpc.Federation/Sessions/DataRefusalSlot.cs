using Microsoft.Extensions.Logging;
using Mpc.Core;

namespace Mpc.Federation.Sessions;

/// <summary>
/// The data-refusal slot a session holds for its dataset (at most one), and whether the session ends refused
/// for a problem in the data: past its daily limit an analyst learns nothing more about that dataset.
/// </summary>
internal sealed class DataRefusalSlot(DataRefusalLimiter limiter, ILogger logger, Guid session, string party, string analyst)
{
    private bool _refusedForData;

    /// <summary>The dataset whose slot this session holds (null: none yet).</summary>
    public string? Dataset { get; private set; }

    public int PerDay => limiter.PerDay;

    public bool TryBegin(string dataset)
    {
        if (!limiter.TryBegin(analyst, dataset)) return false;
        Dataset = dataset;
        return true;
    }

    /// <summary>A data problem: its detail goes to this party's log only; it counts as a refusal if it depends on values.</summary>
    public void Report(string detail, bool dependsOnValues)
    {
        logger.LogWarning(DaemonEvents.DataProblem, "Session {Session}: {Detail}", session, ErrorMessages.ParametersVsDataDetail(party, analyst, Dataset ?? "(none)", detail));
        _refusedForData |= dependsOnValues;
    }

    /// <summary>Gives the slot back; a failure to record the refusal in the ledger is returned (it still counts until the daemon stops).</summary>
    public Exception? End() => Dataset is null ? null : limiter.End(analyst, Dataset, _refusedForData);
}
