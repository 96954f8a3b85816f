using Mpc.Federation.Protocols;
using Mpc.Runtime;
using Mpc.Statistics;

namespace Mpc.Scripting;

/// <summary>Survival analysis for scripts: each party bins its own rows, and the test runs on the pooled counts under MPC.</summary>
public sealed class SurvivalApi
{
    private readonly ScriptSession _session;
    private readonly ProtocolContext _context;

    internal SurvivalApi(ScriptSession session, ProtocolContext context)
    {
        _session = session;
        _context = context;
    }

    /// <summary>
    /// This party's event and censoring counts per group on the curve grid (bins of width
    /// <paramref name="resolution"/> up to <paramref name="horizon"/>), pooled over strata, for a
    /// DP release of the survival curves. Invalid rows stop the session as for the test.
    /// </summary>
    /// <example><code>
    /// var counts = mpc.Survival.CurveCounts("time", "status", "sex", new double[] { 1, 2 }, 30, 1022);
    /// await mpc.ReleaseCounts("curve_counts", counts, mpc.Number("epsilon"), 1e-5, 1);
    /// </code></example>
    public double[] CurveCounts(string time, string @event, string group, double[] levels, double resolution, double horizon)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var design = new SurvivalDesign(levels, [], resolution, horizon);
        var table = _context.Dataset;
        var counts = SurvivalCounts.Compute(design, table.Source, table.Column(time), table.Column(@event), table.Column(group), null, (time, @event, group, null));
        return KaplanMeierCurve.LocalCounts(counts);
    }

    /// <summary>
    /// The logrank test (as survdiff) of the groups in column <paramref name="group"/> (values
    /// <paramref name="levels"/>), stratified by <paramref name="strata"/> when it is not empty, on
    /// time bins of width <paramref name="resolution"/> up to <paramref name="horizon"/>. Rows with a
    /// missing value are dropped and counted; invalid values stop the session naming the column (file, row and value go to the party's log).
    /// </summary>
    /// <example><code>
    /// var test = await mpc.Survival.Logrank("time", "status", "sex", new double[] { 1, 2 }, "", [], 1, 1022);
    /// await mpc.Output("chi2", test.ChiSquare);
    /// </code></example>
    public async Task<SecureLogrankResult<UInt128>> Logrank(string time, string @event, string group, double[] levels,
        string strata, double[] strataLevels, double resolution, double horizon)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(strataLevels);
        bool stratified = !string.IsNullOrEmpty(strata);
        if (stratified && strataLevels.Length == 0) throw new Mpc.Core.ParameterProblemException($"strata '{strata}' needs its levels (strata_levels).");
        var design = new SurvivalDesign(levels, stratified ? strataLevels : [], resolution, horizon);
        var table = _context.Dataset;
        var counts = SurvivalCounts.Compute(design, table.Source, table.Column(time), table.Column(@event), table.Column(group), stratified ? table.Column(strata) : null,
            (time, @event, group, stratified ? strata : null));
        _session.LibraryProgress("binned", 0.1);
        var result = await SecureLogrank.TestAsync(_session.Runtime, counts).ConfigureAwait(false);
        // What lies behind each result at this party, for its disclosure limits when a script outputs it.
        var events = new double[design.Groups];
        for (int s = 0; s < design.Strata; s++)
            for (int g = 0; g < design.Groups; g++)
                for (int b = 0; b < design.Bins; b++) events[g] += counts.Events[design.Index(s, g, b)];
        var censored = events.Select((e, g) => counts.GroupSizes[g] - e);
        _session.Behind(result.ChiSquare, DisclosureKind.GroupSizes, group, counts.GroupSizes);
        _session.Behind(result.Expected, DisclosureKind.GroupSizes, group, counts.GroupSizes);
        _session.Behind(result.N, DisclosureKind.CellCounts, group, counts.GroupSizes);
        _session.Behind(result.Observed, DisclosureKind.CellCounts, @event, [.. events, .. censored]);
        _session.Behind(result.Dropped, DisclosureKind.CellCounts, "", [counts.Dropped]);
        _session.LibraryProgress("logrank", 0.9);
        return result;
    }
}
