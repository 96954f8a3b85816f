namespace Mpc.Statistics;

/// <summary>
/// The public shape of a survival analysis that every party agrees on: group levels, strata
/// levels (empty for none), and the time grid (bins of width Resolution from 0 to Horizon).
/// </summary>
public sealed record SurvivalDesign(double[] Levels, double[] StrataLevels, double Resolution, double Horizon)
{
    /// <summary>Number of strata (1 when unstratified).</summary>
    public int Strata => Math.Max(1, StrataLevels.Length);

    public int Groups => Levels.Length;

    /// <summary>Bins 0..B-1: bin b holds times in ((b-1) r, b r], bin 0 holds time 0.</summary>
    public int Bins => checked((int)Math.Ceiling(Horizon / Resolution) + 1);

    public int Index(int stratum, int group, int bin) => (stratum * Groups + group) * Bins + bin;

    /// <summary>Problems with the design itself (checked by the analyst and every party).</summary>
    public IReadOnlyList<string> Check()
    {
        var problems = new List<string>();
        if (Levels.Length < 2) problems.Add($"the group needs at least 2 levels, got {Levels.Length} ({string.Join(",", Levels)})");
        if (Levels.Distinct().Count() != Levels.Length) problems.Add("the group levels repeat a value");
        if (StrataLevels.Distinct().Count() != StrataLevels.Length) problems.Add("the strata levels repeat a value");
        if (!(Resolution > 0)) problems.Add($"resolution must be positive, got {Resolution}");
        if (!(Horizon > 0)) problems.Add($"horizon must be positive, got {Horizon}");
        else if (Resolution > 0 && Horizon / Resolution > 100_000) problems.Add($"horizon / resolution gives {Horizon / Resolution:0} time bins; at most 100000 are supported");
        return problems;
    }
}
