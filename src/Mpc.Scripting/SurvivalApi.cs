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
        return CurveCounts(time, @event, group, _context.Dataset.Column(group), levels, resolution, horizon);
    }

    /// <summary>As the other overload, with the groups' levels as text or numbers (<c>["adeno", "large"]</c>): a row belongs to the level its cell equals.</summary>
    /// <example><code>
    /// var counts = mpc.Survival.CurveCounts("time", "status", "celltype", new[] { "squamous", "adeno" }, 30, 999);
    /// await mpc.ReleaseCounts("curve_counts", counts, mpc.Number("epsilon"), 1e-5, 1);
    /// </code></example>
    public double[] CurveCounts(string time, string @event, string group, IReadOnlyList<string> levels, double resolution, double horizon)
    {
        ArgumentNullException.ThrowIfNull(levels);
        return CurveCounts(time, @event, group, Codes(group, levels, "levels"), Positions(levels), resolution, horizon);
    }

    private double[] CurveCounts(string time, string @event, string group, double[] groupValues, double[] levels, double resolution, double horizon)
    {
        var design = new SurvivalDesign(levels, [], resolution, horizon);
        var table = _context.Dataset;
        var counts = SurvivalCounts.Compute(design, table.Source, table.Column(time), table.Column(@event), groupValues, null, (time, @event, group, null));
        return KaplanMeierCurve.LocalCounts(counts);
    }

    // Each row's level position (0, 1, ...), NaN where the cell is missing (dropped and counted); a cell of no listed level
    // stops the session as SurvivalCounts stops it, naming the column only (file, row and cell go to the party's log).
    private double[] Codes(string column, IReadOnlyList<string> levels, string parameter)
    {
        var table = _context.Dataset;
        var cells = table.Text(column);
        var assigned = GroupLevels.Assign(table, column, levels);
        int outside = Enumerable.Range(0, cells.Count).FirstOrDefault(i => cells[i] is not null && assigned[i] < 0, -1);
        if (outside >= 0)
            throw new Mpc.Core.DataProblemException(Mpc.Core.ErrorMessages.DataOutsideLevels(column, parameter),
                Mpc.Core.ErrorMessages.DataOutsideLevelsDetail(table.Source, table.Lines[outside], column, cells[outside]!, levels), true);
        return [.. assigned.Select((level, i) => cells[i] is null ? double.NaN : level)];
    }

    private static double[] Positions(IReadOnlyList<string> levels) => [.. Enumerable.Range(0, levels.Count).Select(l => (double)l)];

    /// <summary>
    /// The logrank test (as survdiff) of the groups in column <paramref name="group"/> (values
    /// <paramref name="levels"/>), stratified by <paramref name="strata"/> when it is not empty, on
    /// time bins of width <paramref name="resolution"/> up to <paramref name="horizon"/>. Rows with a
    /// missing value are dropped and counted; invalid values stop the session naming the column (file, row and value go to the party's log).
    /// Before the test, one bit per stratum, whether its pooled number at risk is below 2^19 (<see cref="SecureLogrank.MaximumAtRisk"/>), is
    /// opened to the parties as <paramref name="checkOutput"/> (a declared <c>OutputKind.DataCheck</c>); a stratum above stops the session naming the limit.
    /// </summary>
    /// <example><code>
    /// var test = await mpc.Survival.Logrank("time", "status", "sex", new double[] { 1, 2 }, "", [], 1, 1022);
    /// await mpc.Output("chi2", test.ChiSquare);
    /// </code></example>
    public Task<SecureLogrankResult<UInt128>> Logrank(string time, string @event, string group, double[] levels,
        string strata, double[] strataLevels, double resolution, double horizon, string checkOutput = "risk_sets")
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(strataLevels);
        bool stratified = !string.IsNullOrEmpty(strata);
        return LogrankAsync(time, @event, group, _context.Dataset.Column(group), levels, strata, stratified ? _context.Dataset.Column(strata) : null, strataLevels, resolution, horizon, checkOutput);
    }

    /// <summary>
    /// As the other overload, with the groups' and strata's levels as text or numbers (<c>["adeno", "large"]</c>,
    /// or <c>["1", "2"]</c>): a row belongs to the level its cell equals (as a number when both read as numbers).
    /// </summary>
    /// <example><code>
    /// var test = await mpc.Survival.Logrank("time", "status", "celltype", new[] { "squamous", "smallcell", "adeno", "large" }, "", new string[0], 1, 999);
    /// await mpc.Output("chi2", test.ChiSquare);
    /// </code></example>
    public Task<SecureLogrankResult<UInt128>> Logrank(string time, string @event, string group, IReadOnlyList<string> levels,
        string strata, IReadOnlyList<string> strataLevels, double resolution, double horizon, string checkOutput = "risk_sets")
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(strataLevels);
        bool stratified = !string.IsNullOrEmpty(strata);
        return LogrankAsync(time, @event, group, Codes(group, levels, "levels"), Positions(levels), strata, stratified ? Codes(strata, strataLevels, "strata levels") : null, Positions(strataLevels), resolution, horizon, checkOutput);
    }

    private async Task<SecureLogrankResult<UInt128>> LogrankAsync(string time, string @event, string group, double[] groupValues, double[] levels,
        string strata, double[]? strataValues, double[] strataLevels, double resolution, double horizon, string checkOutput)
    {
        _session.RequireKind(checkOutput, OutputKind.DataCheck);
        bool stratified = strataValues is not null;
        if (stratified && strataLevels.Length == 0) throw new Mpc.Core.ParameterProblemException(ScriptingErrors.StrataWithoutLevels(strata));
        var design = new SurvivalDesign(levels, stratified ? strataLevels : [], resolution, horizon);
        var table = _context.Dataset;
        var counts = SurvivalCounts.Compute(design, table.Source, table.Column(time), table.Column(@event), groupValues, strataValues,
            (time, @event, group, stratified ? strata : null));
        _session.LibraryProgress("binned", 0.1);
        var result = await SecureLogrank.TestAsync(_session.Runtime, counts, checkOutput).ConfigureAwait(false);
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
