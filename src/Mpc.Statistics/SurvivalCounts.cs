using Mpc.Core;

namespace Mpc.Statistics;

/// <summary>
/// One party's survival data reduced to counts on the public grid: events and number at risk per
/// stratum, group and time bin, rows per group, and rows dropped for a missing value. Computed
/// locally; only these counts enter the secure computation, and only as secrets.
/// </summary>
public sealed class SurvivalCounts
{
    private SurvivalCounts(SurvivalDesign design, double[] events, double[] atRisk, double[] groupSizes, int dropped)
    {
        Design = design;
        Events = events;
        AtRisk = atRisk;
        GroupSizes = groupSizes;
        Dropped = dropped;
    }

    public SurvivalDesign Design { get; }

    /// <summary>Events at [stratum, group, bin] (row-major, <see cref="SurvivalDesign.Index"/>).</summary>
    public double[] Events { get; }

    /// <summary>Rows with time in bin b or later, at [stratum, group, bin].</summary>
    public double[] AtRisk { get; }

    public double[] GroupSizes { get; }

    public int Dropped { get; }

    /// <summary>
    /// Validates and bins one party's rows. Rows with a missing value in a used column are dropped
    /// and counted, as R does. A negative time, an event other than 0/1, or a group or stratum value
    /// outside the declared levels is an error naming the source, row and column. Times beyond the
    /// horizon are censored at the horizon.
    /// </summary>
    public static SurvivalCounts Compute(SurvivalDesign design, string source, double[] time, double[] status, double[] group, double[]? strata,
        (string Time, string Event, string Group, string? Strata) names)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(group);
        var problems = design.Check();
        if (problems.Count > 0) throw new Mpc.Core.ParameterProblemException(string.Join("; ", problems));
        int groups = design.Groups, bins = design.Bins;
        var events = new double[design.Strata * groups * bins];
        var atBin = new double[events.Length];
        var sizes = new double[groups];
        int dropped = 0;
        for (int i = 0; i < time.Length; i++)
        {
            int row = i + 2;
            if (double.IsNaN(time[i]) || double.IsNaN(status[i]) || double.IsNaN(group[i]) || (strata is not null && double.IsNaN(strata[i])))
            {
                dropped++;
                continue;
            }
            if (time[i] < 0) throw new DataProblemException(ErrorMessages.DataNegative(names.Time, "time"), ErrorMessages.DataNegativeDetail(source, row, names.Time, "time", time[i]), true);
            if (status[i] is not (0 or 1)) throw new DataProblemException(ErrorMessages.DataNotBinary(names.Event, "the event"), ErrorMessages.DataNotBinaryDetail(source, row, names.Event, "the event", status[i]), true);
            int g = Array.IndexOf(design.Levels, group[i]);
            if (g < 0) throw OutsideLevels(source, row, names.Group, "levels", group[i], design.Levels);
            int s = 0;
            if (strata is not null)
            {
                s = Array.IndexOf(design.StrataLevels, strata[i]);
                if (s < 0) throw OutsideLevels(source, row, names.Strata!, "strata levels", strata[i], design.StrataLevels);
            }
            bool censoredByHorizon = time[i] > design.Horizon;
            int bin = censoredByHorizon ? bins - 1 : (int)Math.Ceiling(time[i] / design.Resolution);
            if (status[i] == 1 && !censoredByHorizon) events[design.Index(s, g, bin)]++;
            atBin[design.Index(s, g, bin)]++;
            sizes[g]++;
        }
        // At risk in bin b: rows whose time falls in bin b or later.
        var atRisk = new double[events.Length];
        for (int s = 0; s < design.Strata; s++)
            for (int g = 0; g < groups; g++)
            {
                double running = 0;
                for (int b = bins - 1; b >= 0; b--)
                {
                    running += atBin[design.Index(s, g, b)];
                    atRisk[design.Index(s, g, b)] = running;
                }
            }
        return new SurvivalCounts(design, events, atRisk, sizes, dropped);
    }

    // Which value, and where, goes to the party's log only: publicly a level problem names the column (one bit an analyst can probe, so it is rate-limited).
    private static DataProblemException OutsideLevels(string source, int row, string column, string parameter, double value, double[] levels) =>
        new(ErrorMessages.DataOutsideLevels(column, parameter),
            ErrorMessages.DataOutsideLevelsDetail(source, row, column, value.ToString(System.Globalization.CultureInfo.InvariantCulture), levels.Select(l => l.ToString(System.Globalization.CultureInfo.InvariantCulture))), true);

    /// <summary>Element-wise sum of several parties' counts (the clear-text pooled view, for references and tests).</summary>
    public static SurvivalCounts Pool(IReadOnlyList<SurvivalCounts> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var first = parts[0];
        double[] Sum(Func<SurvivalCounts, double[]> pick) => Enumerable.Range(0, pick(first).Length).Select(i => parts.Sum(p => pick(p)[i])).ToArray();
        return new SurvivalCounts(first.Design, Sum(p => p.Events), Sum(p => p.AtRisk), Sum(p => p.GroupSizes), parts.Sum(p => p.Dropped));
    }
}
